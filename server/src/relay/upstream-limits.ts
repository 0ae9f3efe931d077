/**
 * How much one upstream answer may make the gateway hold: a decoded non-stream body, and a
 * single SSE event of a stream. Without them a provider (or anything answering at its base
 * URL) can take the gateway's memory with a gzip bomb or a line that never ends. Set once at
 * start-up from the config (LLMIO_MAX_UPSTREAM_BODY_MB, LLMIO_MAX_SSE_EVENT_MB).
 */
import { DEFAULT_MAX_SSE_EVENT_MB, DEFAULT_MAX_UPSTREAM_BODY_MB } from "../config.ts";
import { countLimitRefusal } from "../observability/prometheus.ts";

export interface UpstreamLimits {
  /** A decoded non-stream body (an answer or an error) past this is abandoned. */
  maxBodyBytes: number;
  /** One SSE event (the bytes between two blank lines) past this ends the stream. */
  maxSseEventBytes: number;
}

export const MB = 1024 * 1024;

export const DEFAULT_UPSTREAM_LIMITS: Readonly<UpstreamLimits> = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_UPSTREAM_BODY_MB * MB,
  maxSseEventBytes: DEFAULT_MAX_SSE_EVENT_MB * MB,
});

let limits: Readonly<UpstreamLimits> = DEFAULT_UPSTREAM_LIMITS;

export function upstreamLimits(): Readonly<UpstreamLimits> {
  return limits;
}

/** Replaces the given limits (start-up, tests). */
export function setUpstreamLimits(next: Partial<UpstreamLimits>): void {
  limits = Object.freeze({ ...limits, ...next });
}

export type UpstreamLimitName = "upstream_body" | "sse_event";

const SETTING: Record<UpstreamLimitName, { what: string; env: string }> = {
  upstream_body: { what: "upstream body", env: "LLMIO_MAX_UPSTREAM_BODY_MB" },
  sse_event: { what: "upstream SSE event", env: "LLMIO_MAX_SSE_EVENT_MB" },
};

/** An upstream went past a limit; the message names the limit and the setting that raises it. */
export class UpstreamLimitError extends Error {
  constructor(
    readonly limit: UpstreamLimitName,
    maxBytes: number,
  ) {
    const { what, env } = SETTING[limit];
    super(`${what} larger than the ${formatMb(maxBytes)} limit (${env}); not read further`);
  }
}

/** Counts the refusal in the metrics and returns the error to throw. */
export function limitExceeded(limit: UpstreamLimitName, maxBytes: number): UpstreamLimitError {
  countLimitRefusal(limit);
  return new UpstreamLimitError(limit, maxBytes);
}

function formatMb(bytes: number): string {
  const mb = bytes / MB;
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} byte`;
}
