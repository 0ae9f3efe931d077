import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestNeeds, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { kindOfErrorCode } from "./errors.ts";
import { isForeignReasoningEnvelope } from "./reasoning-envelope.ts";
import { decodeUsage } from "./usage.ts";
import type { WireResponse, WireStreamEvent } from "./wire-types.ts";
import { isObject } from "../../core/json-values.ts";

const TERMINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);
/** Events that never carry model output. */
const LIFECYCLE_EVENTS = new Set(["response.created", "response.in_progress", "response.queued"]);
/** Announcements of an item or part, empty until deltas follow. */
const ANNOUNCE_EVENTS = new Set(["response.output_item.added", "response.content_part.added", "response.reasoning_summary_part.added"]);

/** Model, stream mode, needed capabilities and session of a Responses request, without decoding it. */
export function peek(body: JsonObject, context: RequestContext = {}): RequestPeek {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (!model) throw new GatewayError("bad_request", "Missing required parameter: 'model'.", { param: "model" });
  const input = body.input;
  if (input !== undefined && typeof input !== "string" && !Array.isArray(input)) {
    throw new GatewayError("bad_request", "Invalid type for 'input': expected a string or an array of input items.", { param: "input" });
  }
  const items = Array.isArray(input) ? input : undefined;
  const needs: RequestNeeds = { toolCall: definesTools(body, items), structuredOutput: asksForJson(body.text), vision: items !== undefined && hasImage(items) };
  const peeked: RequestPeek = { model, stream: body.stream === true, needs };
  // Codex sets the conversation id as its cache key.
  if (typeof body.prompt_cache_key === "string" && body.prompt_cache_key !== "") peeked.sessionId = body.prompt_cache_key;
  return peeked;
}

/** Non-empty `tools`, or (Codex) an `additional_tools` input item with some, unless `tool_choice` is "none". */
function definesTools(body: JsonObject, items: unknown[] | undefined): boolean {
  if (body.tool_choice === "none") return false;
  if (Array.isArray(body.tools) && body.tools.length > 0) return true;
  if (items === undefined) return false;
  for (const item of items) {
    if (!isObject(item) || item.type !== "additional_tools") continue;
    if (Array.isArray(item.tools) && item.tools.length > 0) return true;
  }
  return false;
}

/** `text.format` of type json_schema or json_object. */
function asksForJson(text: unknown): boolean {
  if (!isObject(text) || !isObject(text.format)) return false;
  const type = text.format.type;
  return type === "json_schema" || type === "json_object";
}

/** An `input_image` in a message or in a tool output, or a computer-use screenshot. */
function hasImage(items: unknown[]): boolean {
  for (const item of items) {
    if (!isObject(item)) continue;
    if (Array.isArray(item.content) && hasImagePart(item.content)) return true;
    const output = item.output;
    if (Array.isArray(output)) {
      if (hasImagePart(output)) return true;
    } else if (isObject(output) && (output.type === "computer_screenshot" || output.type === "input_image")) {
      return true;
    }
  }
  return false;
}

function hasImagePart(parts: unknown[]): boolean {
  for (const part of parts) if (isObject(part) && part.type === "input_image") return true;
  return false;
}

/**
 * Same-protocol fast path: the client's body with the provider's model. Responses streams
 * always report usage in `response.completed`, so nothing else is needed — except that
 * reasoning items this gateway made while relaying another vendor (our `encrypted_content`
 * envelope) are removed: a real Responses upstream would reject them.
 */
export function prepareUpstreamBody(body: JsonObject, target: UpstreamTarget): JsonObject {
  const prepared: JsonObject = { ...body, model: target.model };
  const input = body.input;
  if (Array.isArray(input) && input.some(isGatewayReasoning)) prepared.input = input.filter((item) => !isGatewayReasoning(item));
  return prepared;
}

function isGatewayReasoning(item: unknown): boolean {
  if (!item || typeof item !== "object") return false;
  const value = item as { type?: unknown; encrypted_content?: unknown };
  return value.type === "reasoning" && isForeignReasoningEnvelope(value.encrypted_content);
}

/** `POST {baseUrl}/responses` with a bearer key (base URLs end in `/v1`, as for OpenAI). */
export function upstreamEndpoint(target: UpstreamTarget): UpstreamEndpoint {
  return { url: `${target.baseUrl.replace(/\/+$/, "")}/responses`, headers: { authorization: `Bearer ${target.apiKey}` } };
}

export function usageFromResponse(body: JsonObject): Usage | undefined {
  return decodeUsage((body as WireResponse).usage);
}

/** Only terminal events carry usage (`response.usage`); other events are skipped without parsing. */
export function usageFromStreamEvent(event: SseEvent): Partial<Usage> | undefined {
  const type = event.event;
  if (type !== undefined && !TERMINAL_EVENTS.has(type)) return undefined;
  if (!event.data.includes('"usage":{') && !event.data.includes('"usage": {')) return undefined;
  const parsed = parse(event.data);
  return parsed && TERMINAL_EVENTS.has(parsed.type ?? "") ? decodeUsage(parsed.response?.usage) : undefined;
}

export function isStreamEnd(event: SseEvent): boolean {
  if (event.event !== undefined) return TERMINAL_EVENTS.has(event.event);
  // Without an `event:` line the type is only in the JSON; check cheaply before parsing.
  if (!event.data.includes('"response.')) return false;
  return TERMINAL_EVENTS.has(parse(event.data)?.type ?? "");
}

/** The message of a `response.failed` or `error` event. */
export function streamEventError(event: SseEvent): GatewayError | undefined {
  const type = event.event;
  if (type !== undefined && type !== "response.failed" && type !== "error") return undefined;
  if (type === undefined && !event.data.includes('"response.failed"') && !event.data.includes('"error"')) return undefined;
  const parsed = parse(event.data);
  if (!parsed) return undefined;
  if (parsed.type === "response.failed") {
    const error = parsed.response?.error;
    return new GatewayError(kindOfErrorCode(error?.code), error?.message || (error?.code ? `response failed: ${error.code}` : "response failed"));
  }
  if (parsed.type === "error") {
    const code = parsed.code ?? parsed.error?.code;
    return new GatewayError(kindOfErrorCode(code), parsed.message || parsed.error?.message || parsed.code || "upstream stream error");
  }
  return undefined;
}

/**
 * Lifecycle events (created, in_progress, queued) and announcements of an item or part that is
 * still empty: a message or reasoning item without content, an output text or summary part with
 * no text. Function calls are output as soon as they are announced (they carry the name).
 * Only announcements are parsed, and they are small.
 */
export function isPreambleEvent(event: SseEvent): boolean {
  const type = event.event ?? typeInData(event.data);
  if (type === undefined) return false;
  if (LIFECYCLE_EVENTS.has(type)) return true;
  if (!ANNOUNCE_EVENTS.has(type)) return false;
  const parsed = parse(event.data);
  if (!parsed || parsed.type !== type) return false;
  if (parsed.part !== undefined) return isObject(parsed.part) && !parsed.part.text && !parsed.part.refusal;
  const item = parsed.item as Record<string, unknown> | undefined;
  if (!isObject(item)) return false;
  if (item.type === "message") return isEmptyList(item.content);
  if (item.type === "reasoning") return isEmptyList(item.summary) && isEmptyList(item.content) && !item.encrypted_content;
  return false;
}

function isEmptyList(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** The event type from data without an `event:` line: read from the leading `"type"` key, else parsed. */
function typeInData(data: string): string | undefined {
  const prefix = data.startsWith('{"type":"') ? 9 : data.startsWith('{"type": "') ? 10 : -1;
  if (prefix > 0) {
    const end = data.indexOf('"', prefix);
    return end > prefix ? data.slice(prefix, end) : undefined;
  }
  if (!data.includes('"response.')) return undefined;
  return parse(data)?.type;
}

function parse(data: string): WireStreamEvent | undefined {
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as WireStreamEvent) : undefined;
  } catch {
    return undefined;
  }
}
