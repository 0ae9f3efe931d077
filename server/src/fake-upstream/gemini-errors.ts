/**
 * Google's error envelope and API-key check for the fake's Gemini endpoints.
 * https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
import type { FaultAnswers } from "./faults.ts";

const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8" };

/** The `google.rpc.Code` name Google pairs with an HTTP status. */
export function googleStatusName(status: number): string {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "NOT_IMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

/** `{"error":{"code","message","status","details"?}}` as a JSON string. */
export function googleErrorJson(code: number, message: string, details?: readonly object[]): string {
  const error: Record<string, unknown> = { code, message, status: googleStatusName(code) };
  if (details && details.length > 0) error.details = details;
  return JSON.stringify({ error });
}

/** A RetryInfo detail, which Google's clients (Gemini CLI included) read for the retry delay. */
export function retryInfo(seconds: number): object {
  return { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` };
}

export function googleErrorResponse(
  status: number,
  message: string,
  options: { details?: readonly object[]; headers?: Record<string, string> } = {},
): Response {
  const headers = options.headers ? { ...JSON_HEADERS, ...options.headers } : JSON_HEADERS;
  return new Response(googleErrorJson(status, message, options.details), { status, headers });
}

/** How the Gemini endpoints answer faults that end a request early. */
export const GEMINI_FAULT_ANSWERS: FaultAnswers = {
  syntaxError: (message) => googleErrorResponse(400, message),
  status: (faults) => {
    const retry = faults.retryAfter;
    return googleErrorResponse(faults.status ?? 500, `Fake upstream fault: status ${faults.status}`, {
      details: retry === undefined ? undefined : [retryInfo(retry)],
      headers: retry === undefined ? undefined : { "retry-after": String(retry) },
    });
  },
};

/**
 * Google API-key auth: `x-goog-api-key` (what the SDKs send) or `?key=`; `Authorization:
 * Bearer` is accepted too (Gemini CLI's bearer mode). Like Google, a missing key is a 403
 * and an invalid one a 400 with reason API_KEY_INVALID; keys starting with `bad` are invalid.
 * Returns the error response, or undefined when the key is accepted.
 */
export function rejectBadGoogleKey(request: Request, url: URL): Response | undefined {
  let key = request.headers.get("x-goog-api-key")?.trim() || url.searchParams.get("key")?.trim() || "";
  if (key === "") {
    const header = request.headers.get("authorization") ?? "";
    if (header.slice(0, 7).toLowerCase() === "bearer ") key = header.slice(7).trim();
  }
  if (key === "") {
    return googleErrorResponse(
      403,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  if (key.startsWith("bad")) {
    return googleErrorResponse(400, "API key not valid. Please pass a valid API key.", {
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ],
    });
  }
  return undefined;
}
