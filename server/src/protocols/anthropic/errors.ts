import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import type { AnthropicErrorBody } from "./wire-types.ts";
import { isObject, parseJson, stringOf } from "../../core/json-values.ts";

/** https://docs.claude.com/en/api/errors */
const TYPE_BY_KIND: Record<GatewayErrorKind, string> = {
  bad_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  overloaded: "overloaded_error",
  timeout: "api_error",
  internal: "api_error",
};

const KIND_BY_TYPE: Record<string, GatewayErrorKind> = {
  invalid_request_error: "bad_request",
  request_too_large: "bad_request",
  authentication_error: "authentication",
  permission_error: "permission",
  billing_error: "permission",
  not_found_error: "not_found",
  rate_limit_error: "rate_limit",
  api_error: "upstream",
  overloaded_error: "overloaded",
  timeout_error: "timeout",
};

/** Anthropic's error type for a gateway error; a few statuses have their own type. */
export function errorType(error: GatewayError): string {
  if (error.status === 413) return "request_too_large";
  if (error.status === 529 || error.status === 503) return "overloaded_error";
  if (error.status === 502 || error.status === 504) return "api_error";
  return TYPE_BY_KIND[error.kind];
}

function errorMessage(error: GatewayError): string {
  return error.traceId ? `${error.message} (trace id: ${error.traceId})` : error.message;
}

/** `{ type: "error", error: { type, message }, request_id }`, as Anthropic answers errors. */
export function encodeError(error: GatewayError): JsonObject {
  const body: JsonObject = { type: "error", error: { type: errorType(error), message: errorMessage(error) } };
  if (error.traceId) body.request_id = error.traceId;
  return body;
}

/** Anthropic streams report a failure after HTTP 200 as an `error` event. */
export function encodeStreamError(error: GatewayError): string {
  const data = { type: "error", error: { type: errorType(error), message: errorMessage(error) } };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `x-should-retry` is what Anthropic's SDKs obey before their own status rules (Claude Code
 * included); `request-id` mirrors the header Anthropic sets on every response.
 */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const retry = !error.exhausted && (error.status === 429 || error.status === 408 || error.status === 409 || error.status >= 500);
  const headers: Record<string, string> = { "x-should-retry": retry ? "true" : "false" };
  if (error.traceId) headers["request-id"] = error.traceId;
  return headers;
}

function kindOfStatus(status: number): GatewayErrorKind {
  if (status === 401) return "authentication";
  if (status === 402 || status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 429) return "rate_limit";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "upstream";
  return "bad_request";
}

/** The `error` object of an error body or stream error event → a gateway error. */
export function decodeErrorPayload(payload: unknown, status?: number): GatewayError {
  // A 2xx/3xx carrying an error body has no meaningful status to report.
  if (status !== undefined && status < 400) status = undefined;
  const error = isObject(payload) && isObject(payload.error) ? payload.error : undefined;
  const type = stringOf(error?.type);
  const message = stringOf(error?.message) ?? (type ? `Anthropic ${type}` : "Anthropic error");
  const kind = (type && KIND_BY_TYPE[type]) || (status === undefined ? "upstream" : kindOfStatus(status));
  return new GatewayError(kind, message, status === undefined ? {} : { status });
}

/** An error body sent with HTTP 200 (`{"type":"error","error":{…}}`) instead of a message. */
export function errorInResponse(body: JsonObject): GatewayError | undefined {
  if (body.type === "message" || !isObject(body.error)) return undefined;
  return decodeErrorPayload(body);
}

/** An upstream error response (any status, any body) → a gateway error with the upstream's message. */
export function decodeError(status: number, body: string): GatewayError {
  const parsed = parseJson(body) as AnthropicErrorBody | undefined;
  if (isObject(parsed) && isObject(parsed.error)) return decodeErrorPayload(parsed, status);
  const text = body.trim().slice(0, 500);
  const message = text === "" ? `Anthropic upstream answered HTTP ${status}` : text;
  return new GatewayError(status >= 400 ? kindOfStatus(status) : "upstream", message, status >= 400 ? { status } : {});
}
