/**
 * Google's error envelope (`google.rpc.Status` in JSON):
 * `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`.
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { isObject, numberOf, parseJson, stringOf } from "../../core/json-values.ts";
import type { GeminiErrorDetail } from "./wire-types.ts";

const STATUS_BY_CODE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  413: "INVALID_ARGUMENT",
  422: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "NOT_IMPLEMENTED",
  502: "UNAVAILABLE",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const STATUS_BY_KIND: Record<GatewayErrorKind, string> = {
  bad_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  rate_limit: "RESOURCE_EXHAUSTED",
  upstream: "UNAVAILABLE",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED",
  internal: "INTERNAL",
};

const KIND_BY_STATUS: Record<string, GatewayErrorKind> = {
  INVALID_ARGUMENT: "bad_request",
  FAILED_PRECONDITION: "bad_request",
  OUT_OF_RANGE: "bad_request",
  UNAUTHENTICATED: "authentication",
  PERMISSION_DENIED: "permission",
  NOT_FOUND: "not_found",
  RESOURCE_EXHAUSTED: "rate_limit",
  UNAVAILABLE: "overloaded",
  DEADLINE_EXCEEDED: "timeout",
  INTERNAL: "upstream",
  UNKNOWN: "upstream",
};

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

/** The `error` object for a gateway error; a retry hint becomes Google's RetryInfo detail (Gemini CLI reads it). */
export function encodeErrorDetail(error: GatewayError): GeminiErrorDetail {
  const message = error.traceId ? `${error.message} (trace id: ${error.traceId})` : error.message;
  const detail: GeminiErrorDetail = {
    code: error.status,
    message,
    status: STATUS_BY_CODE[error.status] ?? STATUS_BY_KIND[error.kind],
  };
  if (error.retryAfterSeconds !== undefined) {
    detail.details = [{ "@type": RETRY_INFO, retryDelay: `${error.retryAfterSeconds}s` }];
  }
  return detail;
}

/** A gateway error as Google's error body. */
export function encodeError(error: GatewayError): JsonObject {
  return { error: encodeErrorDetail(error) };
}

/** An error frame for an SSE stream (`alt=sse`); JSON-array streams append the bare object instead. */
export function encodeStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(encodeError(error))}\r\n\r\n`;
}

/** The kind for an upstream error; an invalid API key is a 400 INVALID_ARGUMENT on Gemini. */
function kindOf(detail: GeminiErrorDetail, httpStatus: number): GatewayErrorKind {
  const reasons = (detail.details ?? []).filter((entry) => entry["@type"] === ERROR_INFO).map((entry) => entry.reason);
  if (reasons.includes("API_KEY_INVALID") || reasons.includes("API_KEY_SERVICE_BLOCKED")) return "authentication";
  const byStatus = detail.status === undefined ? undefined : KIND_BY_STATUS[detail.status];
  if (byStatus !== undefined) return byStatus;
  if (httpStatus === 400 || httpStatus === 413 || httpStatus === 422) return "bad_request";
  if (httpStatus === 401) return "authentication";
  if (httpStatus === 403) return "permission";
  if (httpStatus === 404) return "not_found";
  if (httpStatus === 429) return "rate_limit";
  if (httpStatus === 503) return "overloaded";
  if (httpStatus === 504) return "timeout";
  return "upstream";
}

/** `"30s"` / `"1.5s"` from a RetryInfo detail → whole seconds. */
function retryAfterOf(detail: GeminiErrorDetail): number | undefined {
  for (const entry of detail.details ?? []) {
    if (entry["@type"] !== RETRY_INFO) continue;
    const delay = stringOf(entry.retryDelay);
    const seconds = delay === undefined ? Number.NaN : Number.parseFloat(delay);
    if (Number.isFinite(seconds)) return Math.ceil(seconds);
  }
  return undefined;
}

/** The `error` object inside a parsed body; streams without `alt=sse` wrap it in an array. */
export function errorDetailOf(parsed: unknown): GeminiErrorDetail | undefined {
  const body = Array.isArray(parsed) ? parsed.find(isObject) : parsed;
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (isObject(error)) return error as GeminiErrorDetail;
  if (typeof error === "string") return { message: error };
  return undefined;
}

/** A Gemini error detail (from a body or a stream frame) → gateway error. */
export function gatewayErrorOf(detail: GeminiErrorDetail, httpStatus: number): GatewayError {
  const code = numberOf(detail.code) ?? httpStatus;
  const kind = kindOf(detail, code);
  const message = stringOf(detail.message) || `Gemini upstream error ${detail.status ?? code}`;
  // Client faults keep their status (413, 422 …); the others take the gateway's status for the kind.
  const status = kind === "bad_request" && code >= 400 && code < 500 ? code : undefined;
  return new GatewayError(kind, message, { status, retryAfterSeconds: retryAfterOf(detail) });
}

/** An error envelope sent with HTTP 200 instead of candidates. */
export function errorInResponse(body: JsonObject): GatewayError | undefined {
  if (Array.isArray(body.candidates)) return undefined;
  const detail = errorDetailOf(body);
  return detail ? gatewayErrorOf(detail, 200) : undefined;
}

/** An upstream error response (any status, any body) → gateway error with the upstream's message. */
export function decodeError(status: number, body: string): GatewayError {
  const detail = errorDetailOf(parseJson(body));
  if (detail) return gatewayErrorOf(detail, status);
  const text = body.trim().slice(0, 500);
  return gatewayErrorOf({ code: status, message: text === "" ? `Gemini upstream returned HTTP ${status}` : text }, status);
}
