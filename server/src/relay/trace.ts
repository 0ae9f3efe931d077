import type { WireProtocol } from "../core/wire-protocol.ts";
import type { TraceLog } from "./attempt-outcome.ts";

/** Session headers of Claude Code (`X-Claude-Code-Session-Id`) and Codex (`session-id`). */
const SESSION_HEADERS = ["x-claude-code-session-id", "session-id", "x-session-id"];
/** A session id is the client's text: kept to this length in the log. */
const MAX_SESSION_ID = 200;

/**
 * The client's session: a session header, else the id its protocol carries in the body (the
 * `peek`: Claude Code's `metadata.user_id`, Codex's `prompt_cache_key`). Sticky routing follows it
 * and the log records it.
 */
export function clientSessionId(headers: Headers, bodySessionId?: string): string | undefined {
  for (const name of SESSION_HEADERS) {
    const value = headers.get(name);
    if (value) return value.slice(0, MAX_SESSION_ID);
  }
  return bodySessionId?.slice(0, MAX_SESSION_ID) || undefined;
}

/** The log fields shared by every attempt of one client call. */
export function traceOf(
  protocol: WireProtocol,
  endpoint: TraceLog["endpoint"],
  model: string,
  request: { headers: Headers; clientIp?: string; traceId?: string; sessionId?: string },
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
    sessionId: clientSessionId(request.headers, request.sessionId),
  };
}
