import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext, RequestPeek, SseEvent, UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";
import { isForeignReasoningEnvelope } from "./reasoning-envelope.ts";
import { decodeUsage } from "./usage.ts";
import type { WireResponse, WireStreamEvent } from "./wire-types.ts";

const TERMINAL_EVENTS = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Model and stream mode of a Responses request, without decoding it. */
export function peek(body: JsonObject, context: RequestContext = {}): RequestPeek {
  const model = typeof body.model === "string" && body.model !== "" ? body.model : context.model;
  if (!model) throw new GatewayError("bad_request", "Missing required parameter: 'model'.", { param: "model" });
  if (body.input !== undefined && typeof body.input !== "string" && !Array.isArray(body.input)) {
    throw new GatewayError("bad_request", "Invalid type for 'input': expected a string or an array of input items.", { param: "input" });
  }
  return { model, stream: body.stream === true };
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
export function streamEventError(event: SseEvent): string | undefined {
  const type = event.event;
  if (type !== undefined && type !== "response.failed" && type !== "error") return undefined;
  if (type === undefined && !event.data.includes('"response.failed"') && !event.data.includes('"error"')) return undefined;
  const parsed = parse(event.data);
  if (!parsed) return undefined;
  if (parsed.type === "response.failed") {
    const error = parsed.response?.error;
    return error?.message || (error?.code ? `response failed: ${error.code}` : "response failed");
  }
  if (parsed.type === "error") return parsed.message || parsed.error?.message || parsed.code || "upstream stream error";
  return undefined;
}

function parse(data: string): WireStreamEvent | undefined {
  try {
    const parsed = JSON.parse(data) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as WireStreamEvent) : undefined;
  } catch {
    return undefined;
  }
}
