import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestNeeds, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { isObject, parseJson } from "../../core/json-values.ts";
import { decodeStreamError } from "./errors.ts";
import { decodeUsage } from "./usage.ts";
import type { ChatCompletionChunk, ChatUsage } from "./wire-types.ts";

/**
 * Model, stream flag and the capabilities the request needs, read without decoding the request;
 * the messages only need to be an array.
 */
export function peek(body: JsonObject, context: RequestContext = {}): RequestPeek {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (model === undefined || model === "") {
    throw new GatewayError("bad_request", "you must provide a model parameter", { param: "model" });
  }
  if (!Array.isArray(body.messages)) {
    throw new GatewayError("bad_request", "'messages' is a required property and must be an array", { param: "messages" });
  }
  return { model, stream: body.stream === true, needs: needsOf(body, body.messages) };
}

function needsOf(body: JsonObject, messages: unknown[]): RequestNeeds {
  return { toolCall: definesTools(body), structuredOutput: asksForJson(body.response_format), vision: hasImage(messages) };
}

/** Non-empty `tools` (or legacy `functions`) that `tool_choice` (or `function_call`) does not switch off. */
function definesTools(body: JsonObject): boolean {
  if ((body.tool_choice ?? body.function_call) === "none") return false;
  return (Array.isArray(body.tools) && body.tools.length > 0) || (Array.isArray(body.functions) && body.functions.length > 0);
}

function asksForJson(format: unknown): boolean {
  return isObject(format) && (format.type === "json_schema" || format.type === "json_object");
}

/** Any `image_url` content part, in any message. */
function hasImage(messages: unknown[]): boolean {
  for (const message of messages) {
    if (!isObject(message)) continue;
    const content = message.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) if (isObject(part) && part.type === "image_url") return true;
  }
  return false;
}

/** Rewrites the model and asks for usage in streams so it can be logged. */
export function prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject {
  const prepared: JsonObject = { ...body, model: target.model };
  if (target.stream) {
    const options = isObject(body.stream_options) ? body.stream_options : {};
    prepared.stream_options = { ...options, include_usage: true };
  }
  return prepared;
}

/** `${baseUrl}/chat/completions` with bearer auth; the base URL carries the version (`…/v1`). */
export function upstreamEndpoint(target: UpstreamTarget): UpstreamEndpoint {
  return {
    url: `${target.baseUrl.replace(/\/+$/, "")}/chat/completions`,
    headers: { authorization: `Bearer ${target.apiKey}` },
  };
}

export function usageFromResponse(body: JsonObject): Usage | undefined {
  return decodeUsage(body.usage as ChatUsage | undefined);
}

/** Only chunks that mention a non-null usage are parsed, so the stream's hot path stays cheap. */
export function usageFromStreamEvent(event: SseEvent): Usage | undefined {
  const { data } = event;
  if (!data.includes('"usage":{') && !data.includes('"usage": {')) return undefined;
  const chunk = parseJson(data);
  return isObject(chunk) ? decodeUsage(chunk.usage as ChatUsage | undefined) : undefined;
}

/** Chat Completions streams end with a literal `[DONE]` data frame. */
export function isStreamEnd(event: SseEvent): boolean {
  return event.data === "[DONE]";
}

/**
 * Some upstreams (and relays) report failures inside a 200 stream as `data: {"error": …}`.
 * Only frames that contain the key unescaped are parsed (text inside content is escaped).
 */
export function streamEventError(event: SseEvent): GatewayError | undefined {
  const { data } = event;
  if (!data.includes('"error"')) return undefined;
  const parsed = parseJson(data);
  if (!isObject(parsed)) return undefined;
  const error = (parsed as ChatCompletionChunk).error;
  if (typeof error !== "string" && !isObject(error)) return undefined;
  const decoded = decodeStreamError(error);
  // An envelope without a message is logged whole, so its type and code stay readable.
  return isObject(error) && (typeof error.message !== "string" || error.message === "") ? new GatewayError(decoded.kind, data) : decoded;
}

/**
 * The first chunk announces the assistant role with empty content (`"content":""`, `null`, an
 * empty `reasoning_content` …); Azure may send a `prompt_filter_results` chunk with no choices
 * before it. Only chunks that mention one of those keys are parsed.
 */
export function isPreambleEvent(event: SseEvent): boolean {
  const { data } = event;
  if (!data.includes('"role"') && !data.includes('"prompt_filter_results"')) return false;
  const chunk = parseJson(data);
  if (!isObject(chunk) || chunk.error !== undefined || !Array.isArray(chunk.choices)) return false;
  for (const choice of chunk.choices) {
    if (!isObject(choice) || (choice.finish_reason !== null && choice.finish_reason !== undefined)) return false;
    const delta = choice.delta;
    if (delta === null || delta === undefined) continue;
    if (!isObject(delta)) return false;
    for (const key in delta) {
      if (key !== "role" && !isEmptyValue(delta[key])) return false;
    }
  }
  return true;
}

function isEmptyValue(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}
