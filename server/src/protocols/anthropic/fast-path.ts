import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { isEnvelope } from "./reasoning-envelope.ts";
import { decodePartialUsage, decodeUsage } from "./usage.ts";
import type { AnthropicUsage } from "./wire-types.ts";
import { isObject, parseJson, stringOf } from "./values.ts";

/** The API version sent when the client did not choose one. */
export const ANTHROPIC_VERSION = "2023-06-01";

/** Model and stream mode, without decoding the request. */
export function peek(body: JsonObject, context: RequestContext): RequestPeek {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (!model) throw new GatewayError("bad_request", "model: Field required", { param: "model" });
  if (!Array.isArray(body.messages)) throw new GatewayError("bad_request", "messages: Field required", { param: "messages" });
  return { model, stream: typeof body.stream === "boolean" ? body.stream : (context.stream ?? false) };
}

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
export function streamEventError(event: SseEvent): string | undefined {
  if (event.event !== undefined && event.event !== "error") return undefined;
  if (!event.data.includes('"error"')) return undefined;
  const data = parseJson(event.data);
  if (!isObject(data) || data.type !== "error") return undefined;
  const error = isObject(data.error) ? data.error : {};
  const type = stringOf(error.type);
  const message = stringOf(error.message) ?? "Anthropic stream error";
  return type ? `${type}: ${message}` : message;
}
