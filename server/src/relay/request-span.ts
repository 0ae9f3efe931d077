import type { TraceLog } from "./attempt-outcome.ts";
import { NOOP_TRACING, type RequestSpan, type RequestSpanStart, type Tracing } from "../observability/tracing.ts";

/** The trace span of one client request (the no-op one while tracing is off). */
export function startRequestSpan(tracing: Tracing | undefined, start: RequestSpanStart): RequestSpan {
  return (tracing ?? NOOP_TRACING).request(start);
}

/** Tells the span what the log row knows, and the row the span's trace id. Nothing is built while the span does not record. */
export function linkSpanToLog(span: RequestSpan, trace: TraceLog, cacheStatus?: "hit" | "miss" | "bypass" | null): void {
  if (!span.recording) return;
  span.describe({ ...trace, cacheStatus: cacheStatus ?? trace.cacheStatus });
  trace.otelTraceId = span.traceId;
}

/** Ends the span with the client's answer (an error status as `error.type` unless a better one is given) and returns the answer. */
export function endRequestSpan(span: RequestSpan, answer: Response, errorType?: string): Response {
  if (answer.status >= 400) span.fail(answer.status, errorType ?? String(answer.status));
  span.end();
  return answer;
}
