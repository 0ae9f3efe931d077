import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { isObject, parseJson, stringOf } from "../../core/json-values.ts";
import type { ChatErrorBody } from "./wire-types.ts";

const TYPE_BY_KIND: Record<GatewayErrorKind, string> = {
  bad_request: "invalid_request_error",
  authentication: "invalid_request_error",
  permission: "permission_error",
  not_found: "invalid_request_error",
  rate_limit: "rate_limit_error",
  upstream: "upstream_error",
  overloaded: "server_error",
  timeout: "timeout_error",
  internal: "server_error",
};

const CODE_BY_KIND: Partial<Record<GatewayErrorKind, string>> = {
  authentication: "invalid_api_key",
  not_found: "model_not_found",
  rate_limit: "rate_limit_exceeded",
};

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export function encodeError(error: GatewayError): JsonObject {
  const message = error.traceId ? `${error.message} (trace id: ${error.traceId})` : error.message;
  return {
    error: {
      message,
      type: error.exhausted ? "insufficient_quota" : TYPE_BY_KIND[error.kind],
      param: error.param ?? null,
      code: error.exhausted ? "insufficient_quota" : (CODE_BY_KIND[error.kind] ?? null),
    },
  };
}

/** OpenAI streams report a failure as a data frame carrying the error envelope (and no `[DONE]` after it). */
export function encodeStreamError(error: GatewayError): string {
  return `data: ${JSON.stringify(encodeError(error))}\n\n`;
}

/**
 * `x-should-retry` is read first by the Stainless SDKs (openai, anthropic) before their own
 * status rules: retry rate limits and server failures, never other client errors.
 */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const retry = !error.exhausted && (error.status === 429 || error.status >= 500);
  const headers: Record<string, string> = { "x-should-retry": retry ? "true" : "false" };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfterSeconds));
  return headers;
}

const MAX_MESSAGE_CHARS = 1000;

/**
 * An upstream error response → a gateway error carrying the upstream's own message. Reads
 * OpenAI's envelope and the shapes OpenAI-compatible servers use instead (vLLM's flat
 * `{object:"error", message}`, FastAPI's `{detail}`, a bare string).
 */
export function decodeError(status: number, body: string): GatewayError {
  const parsed = parseJson(body);
  const details = errorDetails(parsed);
  const message = details.message ?? (body.trim() === "" ? `upstream returned HTTP ${status}` : body.trim().slice(0, MAX_MESSAGE_CHARS));
  const kind = kindOfStatus(status) ?? kindOfType(details.type, details.code);
  // Client errors keep their exact status (422, 413 …); server errors are the gateway's 5xx.
  return new GatewayError(kind, message, { status: status >= 400 && status < 500 ? status : undefined, param: details.param });
}

/** An error envelope in an HTTP 200 body (no `choices`): some OpenAI-compatible relays send one. */
export function errorInResponse(body: JsonObject): GatewayError | undefined {
  if (Array.isArray(body.choices) || body.error === undefined || body.error === null) return undefined;
  return decodeStreamError(body.error as ChatErrorBody | string);
}

/** The error object of an in-stream `{"error": …}` frame → a gateway error (no status to go by). */
export function decodeStreamError(error: ChatErrorBody | string | undefined): GatewayError {
  const details = errorDetails({ error });
  return new GatewayError(kindOfType(details.type, details.code), details.message ?? "upstream stream reported an error", {
    param: details.param,
  });
}

interface ErrorDetails {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

function errorDetails(parsed: unknown): ErrorDetails {
  if (typeof parsed === "string") return { message: parsed };
  if (!isObject(parsed)) return {};
  const error = parsed.error;
  if (typeof error === "string") return { message: error };
  const source = isObject(error) ? error : parsed;
  let message = stringOf(source.message);
  // FastAPI: {"detail": "…"} or {"detail": [{"msg": "…"}]}
  if (message === undefined && typeof parsed.detail === "string") message = parsed.detail;
  if (message === undefined && Array.isArray(parsed.detail) && isObject(parsed.detail[0])) {
    message = stringOf(parsed.detail[0].msg);
  }
  const code = source.code;
  return {
    message: message === "" ? undefined : message,
    type: stringOf(source.type),
    code: typeof code === "string" ? code : typeof code === "number" ? String(code) : undefined,
    param: stringOf(source.param),
  };
}

function kindOfStatus(status: number): GatewayErrorKind | undefined {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408 || status === 504) return "timeout";
  if (status === 429) return "rate_limit";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "upstream";
  if (status >= 400) return "bad_request";
  return undefined;
}

function kindOfType(type: string | undefined, code: string | undefined): GatewayErrorKind {
  const label = `${type ?? ""} ${code ?? ""}`.toLowerCase();
  if (label.includes("rate_limit") || label.includes("quota") || label.includes("429")) return "rate_limit";
  if (label.includes("overloaded") || label.includes("unavailable") || label.includes("503")) return "overloaded";
  if (label.includes("timeout")) return "timeout";
  if (label.includes("authentication") || label.includes("invalid_api_key")) return "authentication";
  if (label.includes("permission")) return "permission";
  if (label.includes("not_found")) return "not_found";
  if (label.includes("invalid_request") || label.includes("context_length")) return "bad_request";
  return "upstream";
}
