import type { WireProtocol } from "../core/wire-protocol.ts";
import type { TraceLog } from "./failover.ts";

/** The log fields shared by every attempt of one client call. */
export function traceOf(
  protocol: WireProtocol,
  endpoint: TraceLog["endpoint"],
  model: string,
  request: { headers: Headers; clientIp?: string; traceId?: string },
  stream = false,
): TraceLog {
  return {
    // Time-ordered ids append to the trace index instead of landing at random places in it.
    // A caller may have chosen it already (quota reservations follow the call's rows by it).
    traceId: request.traceId ?? Bun.randomUUIDv7(),
    model,
    clientProtocol: protocol.name,
    endpoint,
    stream,
    clientIp: request.clientIp,
    userAgent: request.headers.get("user-agent") ?? undefined,
  };
}
