/** OpenAI's error envelope, shared by every OpenAI-flavoured endpoint of the fake. */
import type { FaultAnswers, Faults } from "./faults.ts";
import { JSON_HEADERS } from "./json.ts";

export type OpenAIErrorType = "invalid_request_error" | "rate_limit_error" | "server_error";

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

/** The answer to a `status=N` fault, as OpenAI words a 429 (`rate_limit_exceeded`). */
export function openaiFaultStatusResponse(faults: Readonly<Faults>): Response {
  const status = faults.status ?? 500;
  return openaiErrorResponse(status, `Fake upstream fault: status ${status}`, {
    code: status === 429 ? "rate_limit_exceeded" : null,
    headers: faults.retryAfter === undefined ? undefined : { "retry-after": String(faults.retryAfter) },
  });
}

/** How the OpenAI endpoints answer faults that end a request early. */
export const OPENAI_FAULT_ANSWERS: FaultAnswers = {
  syntaxError: (message) => openaiErrorResponse(400, message),
  status: openaiFaultStatusResponse,
};
