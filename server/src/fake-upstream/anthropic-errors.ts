/** Anthropic's error envelope and auth check for the fake's Anthropic Messages endpoints. */
import { JSON_HEADERS } from "./json.ts";

/** The error type Anthropic uses for an HTTP status. https://docs.claude.com/en/api/errors */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** `{"type":"error","error":{"type","message"},"request_id"}` as a JSON string. */
export function anthropicErrorJson(type: string, message: string, requestId?: string): string {
  const body: Record<string, unknown> = { type: "error", error: { type, message } };
  if (requestId !== undefined) body.request_id = requestId;
  return JSON.stringify(body);
}

/**
 * A complete error response; the type follows the status. Like Anthropic, it carries a
 * `request-id` header and `x-should-retry`, which Anthropic's SDKs obey.
 */
export function anthropicErrorResponse(
  status: number,
  message: string,
  options: { requestId?: string; headers?: Record<string, string> } = {},
): Response {
  const requestId = options.requestId ?? `req_fake${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const retry = status === 408 || status === 409 || status === 429 || status >= 500;
  const headers = { ...JSON_HEADERS, "request-id": requestId, "x-should-retry": String(retry), ...options.headers };
  return new Response(anthropicErrorJson(anthropicErrorType(status), message, requestId), { status, headers });
}

/**
 * Anthropic-style auth: `x-api-key` (what the SDKs send) or `Authorization: Bearer` (what
 * Claude Code sends with ANTHROPIC_AUTH_TOKEN). Any non-empty key passes except keys starting
 * with `bad`. Returns the 401 to send, or undefined when the key is accepted.
 */
export function rejectBadAnthropicKey(request: Request): Response | undefined {
  let key = request.headers.get("x-api-key")?.trim() ?? "";
  if (key === "") {
    const header = request.headers.get("authorization") ?? "";
    if (header.slice(0, 7).toLowerCase() === "bearer ") key = header.slice(7).trim();
  }
  if (key === "") return anthropicErrorResponse(401, "x-api-key header is required");
  if (key.startsWith("bad")) return anthropicErrorResponse(401, "invalid x-api-key (fake upstream rejects keys starting with 'bad')");
  return undefined;
}
