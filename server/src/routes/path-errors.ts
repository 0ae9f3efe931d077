import { GatewayError, type GatewayErrorKind } from "../core/errors.ts";
import type { WireProtocol } from "../core/wire-protocol.ts";
import { wireProtocols } from "../protocols/index.ts";
import { errorResponse } from "../relay/relay-errors.ts";

/**
 * The client protocol a path belongs to, for errors answered before (or without) a route:
 * unknown paths, a refused Host, a body too large. Anthropic's `/v1/messages…` and Gemini's
 * `/v1/models/{model}:{action}` share `/v1` with OpenAI. Undefined for the admin API and the
 * UI, which answer `{ "error": message }`. Compared in lower case: `/V1BETA/…` is still Gemini's.
 */
export function protocolOfPath(path: string): WireProtocol | undefined {
  const lower = path.toLowerCase();
  if (lower.startsWith("/anthropic/") || lower === "/v1/messages" || lower.startsWith("/v1/messages/")) return wireProtocols.anthropic;
  if (lower.startsWith("/gemini/") || lower === "/v1beta" || lower.startsWith("/v1beta/") || /^\/v1\/models\/[^/]+:/.test(lower)) return wireProtocols.gemini;
  if (lower === "/v1" || lower.startsWith("/v1/") || lower.startsWith("/openai/")) return wireProtocols["openai-chat"];
  return undefined;
}

/** True for the admin API's paths, in any letter case. */
export function isAdminPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === "/api" || lower.startsWith("/api/");
}

/**
 * An error for a request that no route (or no route yet) handles, in the shape its client
 * reads: a proxy protocol's error body, the admin API's `{ "error": message }`, and OpenAI's
 * shape for any other path (the most widely understood one).
 */
export function errorForPath(path: string, kind: GatewayErrorKind, message: string, status?: number): Response {
  if (isAdminPath(path)) return Response.json({ error: message }, { status: status ?? new GatewayError(kind, message).status });
  const protocol = protocolOfPath(path) ?? wireProtocols["openai-chat"];
  return errorResponse(protocol, new GatewayError(kind, message, { status }));
}

/**
 * A 404 for a path no route serves. In OpenAI's shape it reads as OpenAI's own answer
 * (`invalid_request_error`, "Invalid URL"), not as the unknown-model error of its `not_found` kind.
 */
export function notFoundResponse(method: string, path: string): Response {
  const openaiShaped = !isAdminPath(path) && (protocolOfPath(path) ?? wireProtocols["openai-chat"]) === wireProtocols["openai-chat"];
  if (openaiShaped) return errorForPath(path, "bad_request", `Invalid URL (${method} ${path})`, 404);
  return errorForPath(path, "not_found", `Not found: ${method} ${path}`);
}
