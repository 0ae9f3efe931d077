import { isObject, type JsonObject } from "./json.ts";
import { openaiErrorResponse } from "./openai-errors.ts";
import type { FakeRequestContext } from "./route.ts";

/**
 * OpenAI-style auth: any non-empty `Authorization: Bearer <key>` passes, except keys starting
 * with `bad` (e.g. `bad-key`), which let tests exercise a provider with a revoked key.
 * Returns the 401 response to send, or undefined when the key is accepted.
 */
export function rejectBadBearer(request: Request): Response | undefined {
  const header = request.headers.get("authorization");
  // The auth scheme is case-insensitive (RFC 9110); the key itself is not.
  if (header === null || header.slice(0, 7).toLowerCase() !== "bearer ") {
    return openaiErrorResponse(401, "Missing bearer authentication in header", { code: "invalid_api_key" });
  }
  const key = header.slice(7).trim();
  if (key === "") return openaiErrorResponse(401, "Missing bearer authentication in header", { code: "invalid_api_key" });
  if (key.startsWith("bad")) {
    return openaiErrorResponse(401, "Incorrect API key provided (fake upstream rejects keys starting with 'bad')", {
      code: "invalid_api_key",
    });
  }
  return undefined;
}

/** The key checked and the JSON object body read (and recorded) as OpenAI does, or the error to answer. */
export async function openaiJsonBody(request: Request, context: FakeRequestContext): Promise<JsonObject | Response> {
  const rejected = rejectBadBearer(request);
  if (rejected) return rejected;
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return openaiErrorResponse(400, "We could not parse the JSON body of your request.");
  }
  context.recordBody(body);
  if (!isObject(body)) return openaiErrorResponse(400, "The request body must be a JSON object.");
  return body;
}
