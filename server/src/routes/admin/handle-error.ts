import { ValidationError } from "elysia";
import { AdminError } from "../../lib/admin-error.ts";
import { logger } from "../../lib/logger.ts";
import { validationMessage } from "./validation-message.ts";

/**
 * Admin failures as `{ "error": message }` JSON: a schema failure is a 400 naming the field
 * (Elysia would answer 422 with its own shape), an answer breaking its schema a 500 (logged), a malformed body a 400, an AdminError its own
 * status, an unexpected exception a 500 (logged). Anything else (404 …) is left to Elysia.
 */
export function adminErrorResponse(code: unknown, error: unknown): Response | undefined {
  // An answer that breaks its own contract is the gateway's bug, not the caller's.
  if (error instanceof ValidationError && error.type === "response") return internalError(error);
  if (error instanceof ValidationError) return errorResponse(400, validationMessage(error));
  if (code === "PARSE") return errorResponse(400, "Invalid body: not valid JSON");
  if (error instanceof AdminError) return errorResponse(error.status, error.message, error.retryAfterSeconds, error.details);
  if (code === "UNKNOWN" || code === "INTERNAL_SERVER_ERROR") return internalError(error);
  return undefined;
}

function internalError(error: unknown): Response {
  logger.error("admin request failed", { error: (error as Error)?.stack ?? String(error) });
  return errorResponse(500, "The gateway failed to handle this request; see its log");
}

function errorResponse(status: number, message: string, retryAfterSeconds?: number, details?: Record<string, unknown>): Response {
  const headers: Record<string, string> = status === 401 ? { "www-authenticate": "Bearer" } : {};
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  return Response.json({ ...details, error: message }, { status, headers });
}
