import { GatewayError, type GatewayErrorKind } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import type { WireErrorBody, WireResponseError } from "./wire-types.ts";

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

const RETRYABLE_KINDS = new Set<GatewayErrorKind>(["rate_limit", "upstream", "overloaded", "timeout", "internal"]);

function messageOf(error: GatewayError): string {
  return error.traceId ? `${error.message} (trace id: ${error.traceId})` : error.message;
}

/** OpenAI's error envelope `{ error: { message, type, param, code } }` (same as Chat Completions). */
export function encodeError(error: GatewayError): JsonObject {
  return {
    error: {
      message: messageOf(error),
      type: error.exhausted ? "insufficient_quota" : TYPE_BY_KIND[error.kind],
      param: error.param ?? null,
      code: error.exhausted ? "insufficient_quota" : (CODE_BY_KIND[error.kind] ?? null),
    },
  };
}

/**
 * The `error` object of a failed Response. Codex reads `code`: `rate_limit_exceeded` with
 * "try again in Ns" in the message sets its retry delay, `context_length_exceeded` and
 * `insufficient_quota` stop retries; anything else is retried as a transient failure
 * (codex-rs/codex-api/src/sse/responses.rs).
 */
export function encodeResponseError(error: GatewayError): { code: string; message: string } {
  let message = messageOf(error);
  if (error.kind === "rate_limit") {
    if (error.retryAfterSeconds !== undefined) message += ` Please try again in ${error.retryAfterSeconds}s.`;
    return { code: "rate_limit_exceeded", message };
  }
  if (/context[_ ]length|context window|too many tokens|prompt is too long/i.test(error.message)) {
    return { code: "context_length_exceeded", message };
  }
  if (error.kind === "bad_request") return { code: "invalid_prompt", message };
  return { code: "server_error", message };
}

/**
 * A complete `response.failed` frame for a stream whose own state is unknown (the relay's
 * fast path breaking mid-stream). Codex reports `response.error` and stops the turn.
 */
export function encodeStreamError(error: GatewayError): string {
  const event = {
    type: "response.failed",
    // The pass-through stream's numbering is unknown here; clients do not check continuity.
    sequence_number: 0,
    response: {
      id: `resp_${crypto.randomUUID().replaceAll("-", "")}`,
      object: "response",
      created_at: Math.floor(Date.now() / 1000),
      status: "failed",
      error: encodeResponseError(error),
      incomplete_details: null,
      output: [],
      usage: null,
    },
  };
  return `event: response.failed\ndata: ${JSON.stringify(event)}\n\n`;
}

/** The OpenAI SDKs honour `x-should-retry` over their own status heuristics. */
export function errorHeaders(error: GatewayError): Record<string, string> {
  return { "x-should-retry": RETRYABLE_KINDS.has(error.kind) && !error.exhausted ? "true" : "false" };
}

// ---------------------------------------------------------------- upstream errors

function kindOfStatus(status: number): GatewayErrorKind {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limit";
  if (status === 503 || status === 529) return "overloaded";
  if (status === 504) return "timeout";
  if (status >= 500) return "upstream";
  return "bad_request";
}

/** The kind of a failure reported inside a stream or a failed Response, by its error code. */
export function kindOfErrorCode(code: string | null | undefined): GatewayErrorKind {
  switch (code) {
    case "rate_limit_exceeded":
    case "insufficient_quota":
      return "rate_limit";
    case "server_is_overloaded":
    case "slow_down":
      return "overloaded";
    case "context_length_exceeded":
    case "invalid_prompt":
    case "invalid_request_error":
      return "bad_request";
    default:
      return code?.startsWith("invalid_") || code?.startsWith("image_") ? "bad_request" : "upstream";
  }
}

/** A failed Response's `error` (or a stream `error` event) → gateway error. */
export function decodeResponseError(error: WireResponseError | null | undefined): GatewayError {
  const code = typeof error?.code === "string" ? error.code : undefined;
  const message = error?.message || (code ? `upstream response failed: ${code}` : "upstream response failed");
  return new GatewayError(kindOfErrorCode(code), message, { param: error?.param ?? undefined });
}

/** An error in an HTTP 200 body: a failed Response object, or an error envelope instead of one. */
export function errorInResponse(body: JsonObject): GatewayError | undefined {
  const { error } = body;
  if (error === undefined || error === null) return undefined;
  if (body.object === "response" && body.status !== "failed") return undefined;
  if (typeof error === "string") return new GatewayError("upstream", error);
  return decodeResponseError(error as WireResponseError);
}

/** An upstream error response (any status) → gateway error carrying the upstream's message. */
export function decodeError(status: number, body: string): GatewayError {
  let message = body.trim().slice(0, 500) || `upstream returned HTTP ${status}`;
  let param: string | undefined;
  let code: string | undefined;
  try {
    const parsed = JSON.parse(body) as WireErrorBody;
    const error = parsed.error;
    if (typeof error === "string") message = error;
    else if (error && typeof error === "object") {
      if (typeof error.message === "string" && error.message !== "") message = error.message;
      if (typeof error.param === "string") param = error.param;
      if (typeof error.code === "string") code = error.code;
    } else if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // Not JSON (a proxy's HTML page, say): the raw text is the message.
  }
  let kind = kindOfStatus(status);
  if (code === "insufficient_quota") kind = "rate_limit";
  // Keep unusual 4xx statuses (413, 422 …) so the client sees what the upstream said.
  const keepStatus = kind === "bad_request" && status >= 400 && status < 500;
  return new GatewayError(kind, message, { param, status: keepStatus ? status : undefined });
}
