import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestNeeds, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeErrorPayload } from "./errors.ts";
import { isEnvelope } from "./reasoning-envelope.ts";
import { decodePartialUsage, decodeUsage } from "./usage.ts";
import type { AnthropicUsage } from "./wire-types.ts";
import { isObject, parseJson, stringOf } from "../../core/json-values.ts";

/** The API version sent when the client did not choose one. */
export const ANTHROPIC_VERSION = "2023-06-01";

/** Model, stream mode, needed capabilities and Claude Code's session id, without decoding the request. */
export function peek(body: JsonObject, context: RequestContext): RequestPeek {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (!model) throw new GatewayError("bad_request", "model: Field required", { param: "model" });
  const messages = body.messages;
  if (!Array.isArray(messages)) throw new GatewayError("bad_request", "messages: Field required", { param: "messages" });
  const needs: RequestNeeds = { toolCall: definesTools(body), structuredOutput: asksForJson(body), vision: hasImage(messages) };
  const peeked: RequestPeek = { model, stream: typeof body.stream === "boolean" ? body.stream : (context.stream ?? false), needs };
  const sessionId = sessionIdOf(body.metadata);
  if (sessionId !== undefined) peeked.sessionId = sessionId;
  return peeked;
}

/** Non-empty `tools` unless `tool_choice` is `{type: "none"}`. */
function definesTools(body: JsonObject): boolean {
  if (!Array.isArray(body.tools) || body.tools.length === 0) return false;
  return !(isObject(body.tool_choice) && body.tool_choice.type === "none");
}

/** Structured outputs: `output_config.format` (GA) or the older beta `output_format`. */
function asksForJson(body: JsonObject): boolean {
  return (isObject(body.output_config) && isObject(body.output_config.format)) || isObject(body.output_format);
}

/** An `image` block in any message, or inside a `tool_result`'s content. */
function hasImage(messages: unknown[]): boolean {
  for (const message of messages) {
    if (!isObject(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (!isObject(block)) continue;
      if (block.type === "image") return true;
      if (block.type === "tool_result" && Array.isArray(block.content)) {
        for (const inner of block.content) if (isObject(inner) && inner.type === "image") return true;
      }
    }
  }
  return false;
}

/**
 * Claude Code's session id from `metadata.user_id`: a JSON string with `session_id` (2.1+) or
 * the older `user_<hash>_account_<uuid>_session_<uuid>`. Other user ids name no session.
 */
function sessionIdOf(metadata: unknown): string | undefined {
  if (!isObject(metadata)) return undefined;
  const userId = metadata.user_id;
  if (typeof userId !== "string" || userId === "") return undefined;
  if (userId.charCodeAt(0) === 123 /* { */) {
    const parsed = parseJson(userId);
    const session = isObject(parsed) ? parsed.session_id : undefined;
    return typeof session === "string" && session !== "" ? session : undefined;
  }
  const marker = userId.lastIndexOf(SESSION_MARKER);
  if (marker < 0) return undefined;
  const session = userId.slice(marker + SESSION_MARKER.length);
  return session !== "" ? session : undefined;
}

const SESSION_MARKER = "_session_";

/**
 * Base URLs are stored with the version (`https://api.anthropic.com/v1`); `/messages` is
 * appended as is, so a base URL without `/v1` must already point at the API root its
 * vendor documents (some compatible vendors serve `…/anthropic/v1/messages`, others not).
 */
export function upstreamEndpoint(target: UpstreamTarget, path = "/messages"): UpstreamEndpoint {
  return {
    url: `${target.baseUrl.replace(/\/+$/, "")}${path}`,
    headers: { "x-api-key": target.apiKey },
    // The client's own `anthropic-version` (and `anthropic-beta`) are forwarded and win.
    defaultHeaders: { "anthropic-version": ANTHROPIC_VERSION },
  };
}

/**
 * The client's body with the provider's model. Thinking blocks that carry no Anthropic
 * signature (reasoning another vendor produced earlier in a cross-protocol conversation, sent
 * back by the client) are removed: Anthropic rejects them as invalid signatures.
 */
export function prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject {
  const prepared: JsonObject = { ...body, model: target.model };
  if (!Array.isArray(body.messages)) return prepared;
  let changed = false;
  const messages = body.messages.map((message: unknown) => {
    if (!isObject(message) || message.role !== "assistant" || !Array.isArray(message.content)) return message;
    const content = message.content.filter((block: unknown) => !isForeignThinking(block));
    if (content.length === message.content.length) return message;
    changed = true;
    return { ...message, content };
  });
  if (changed) prepared.messages = messages;
  return prepared;
}

function isForeignThinking(block: unknown): boolean {
  if (!isObject(block) || block.type !== "thinking") return false;
  const signature = stringOf(block.signature);
  return !signature || isEnvelope(signature);
}

export function usageFromResponse(body: JsonObject): Usage | undefined {
  return decodeUsage(body.usage as AnthropicUsage | undefined);
}

/** Usage rides on `message_start` (input, cache) and `message_delta` (cumulative output). */
export function usageFromStreamEvent(event: SseEvent): Partial<Usage> | undefined {
  if (!event.data.includes('"usage"')) return undefined;
  const data = parseJson(event.data);
  if (!isObject(data)) return undefined;
  if (data.type === "message_start" && isObject(data.message)) return decodePartialUsage(data.message.usage as AnthropicUsage);
  if (data.type === "message_delta") return decodePartialUsage(data.usage as AnthropicUsage);
  return undefined;
}

export function isStreamEnd(event: SseEvent): boolean {
  if (event.event !== undefined) return event.event === "message_stop";
  if (!event.data.includes('"message_stop"')) return false;
  const data = parseJson(event.data);
  return isObject(data) && data.type === "message_stop";
}

/** An `error` event inside a 200 stream → its message. */
export function streamEventError(event: SseEvent): GatewayError | undefined {
  if (event.event !== undefined && event.event !== "error") return undefined;
  if (!event.data.includes('"error"')) return undefined;
  const data = parseJson(event.data);
  if (!isObject(data) || data.type !== "error") return undefined;
  const error = isObject(data.error) ? data.error : {};
  const type = stringOf(error.type);
  const message = stringOf(error.message) ?? "Anthropic stream error";
  // The type decides the kind (overloaded_error → overloaded); the log keeps it beside the words.
  return new GatewayError(decodeErrorPayload(data).kind, type ? `${type}: ${message}` : message);
}

/**
 * `message_start`, `ping`, and the start of a text or thinking block that is still empty: none
 * of them carries model output. Only block starts are parsed (they are small), plus events whose
 * type is neither on an `event:` line nor the data's leading key.
 */
export function isPreambleEvent(event: SseEvent): boolean {
  let type = event.event ?? leadingType(event.data);
  let data: unknown;
  if (type === undefined) {
    data = parseJson(event.data);
    type = isObject(data) ? stringOf(data.type) : undefined;
  }
  if (type === "message_start" || type === "ping") return true;
  if (type !== "content_block_start") return false;
  data ??= parseJson(event.data);
  const block = isObject(data) ? data.content_block : undefined;
  if (!isObject(block)) return false;
  return (block.type === "text" && block.text === "") || (block.type === "thinking" && block.thinking === "");
}

/** `{"type":"…"` at the start of the data (Anthropic always writes the type first). */
function leadingType(data: string): string | undefined {
  const start = data.startsWith('{"type":"') ? 9 : data.startsWith('{"type": "') ? 10 : -1;
  if (start < 0) return undefined;
  const end = data.indexOf('"', start);
  return end > start ? data.slice(start, end) : undefined;
}
