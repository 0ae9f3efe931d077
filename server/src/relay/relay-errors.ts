import { GatewayError } from "../core/errors.ts";
import type { WireProtocol } from "../core/wire-protocol.ts";

/** An error response in the client's protocol shape, with the trace id and retry hints. */
export function errorResponse(protocol: WireProtocol, error: GatewayError, traceId?: string): Response {
  if (traceId) error.traceId ??= traceId;
  const headers: Record<string, string> = { ...protocol.errorHeaders?.(error) };
  if (error.traceId) headers["x-llmio-trace-id"] = error.traceId;
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return Response.json(protocol.encodeError(error), { status: error.status, headers });
}
