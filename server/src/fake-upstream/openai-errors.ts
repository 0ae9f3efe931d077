/** OpenAI's error envelope, shared by every OpenAI-flavoured endpoint of the fake. */

export type OpenAIErrorType = "invalid_request_error" | "rate_limit_error" | "server_error";

const JSON_HEADERS = { "content-type": "application/json" };

/** The error type OpenAI uses for an HTTP status. */
export function errorTypeForStatus(status: number): OpenAIErrorType {
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

/** `{ error: { message, type, param, code } }` as a JSON string. */
export function openaiErrorJson(
  message: string,
  type: OpenAIErrorType,
  code: string | null = null,
  param: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** A complete error response; the type follows the status. */
export function openaiErrorResponse(
  status: number,
  message: string,
  options: { code?: string | null; param?: string; headers?: Record<string, string> } = {},
): Response {
  const body = openaiErrorJson(message, errorTypeForStatus(status), options.code ?? null, options.param ?? null);
  const headers = options.headers ? { ...JSON_HEADERS, ...options.headers } : JSON_HEADERS;
  return new Response(body, { status, headers });
}
