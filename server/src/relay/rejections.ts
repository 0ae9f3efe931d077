import { GatewayError } from "../core/errors.ts";
import type { WireProtocol } from "../core/wire-protocol.ts";
import type { RejectionReason } from "../db/log-reasons.ts";
import type { Rejection } from "../db/rejection-log.ts";
import type { Endpoint } from "../db/schema.ts";
import type { Principal } from "../auth/client-keys.ts";
import { errorResponse } from "./relay-errors.ts";
import { clientSessionId } from "./trace.ts";

/** Where refused calls are logged (folded, see db/rejection-log.ts); a relay may leave some out (undefined). */
export interface RejectionSink {
  record(rejection: Rejection): string | undefined;
}

/** What a relay knows of a call when it refuses it. */
export interface RejectedCall {
  protocol: WireProtocol;
  headers: Headers;
  clientIp?: string;
  principal?: Principal;
  path?: string;
  rejections?: RejectionSink;
}

/**
 * Reads the client's request with `read`; input it rejects (a GatewayError) is logged as a
 * malformed request and answered in the client's shape, with the log row's trace id in
 * `x-llmio-trace-id`.
 */
export function readOrReject<Value>(call: RejectedCall, endpoint: Endpoint, read: () => Value): Value | Response {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return rejectCall(call, endpoint, error, "malformed_request");
  }
}

/** Logs a refused call and answers it in the client's protocol shape (message unchanged; trace id in a header). */
export function rejectCall(call: RejectedCall, endpoint: Endpoint, error: GatewayError, reason: RejectionReason, details: Partial<Rejection> = {}): Response {
  const response = errorResponse(call.protocol, error);
  const traceId = call.rejections?.record({
    status: error.status,
    reason,
    message: error.message,
    protocol: call.protocol.name,
    endpoint,
    path: call.path,
    clientIp: call.clientIp,
    userAgent: call.headers.get("user-agent") ?? undefined,
    authKeyId: call.principal?.kind === "client" ? call.principal.key.id : undefined,
    sessionId: clientSessionId(call.headers),
    ...details,
  });
  if (traceId) response.headers.set("x-llmio-trace-id", traceId);
  return response;
}
