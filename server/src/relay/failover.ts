import { GatewayError } from "../core/errors.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { RouteCandidate } from "../services/catalog.ts";
import { callUpstream, UpstreamFailure, type UpstreamCall, type UpstreamCallOptions } from "./upstream-call.ts";

/** Upstream statuses that mean the request itself is wrong: another provider would refuse it too. */
const CLIENT_FAULT_STATUSES = new Set([400, 413, 422]);

/** Log fields shared by every attempt of one client request. */
export type TraceLog = Pick<NewRequestLog, "traceId" | "model" | "clientProtocol" | "endpoint" | "stream" | "clientIp" | "userAgent">;

/** One attempt's log row, completed by whoever finishes the attempt. */
export type AttemptLogger = (fields: Partial<NewRequestLog>) => void;

export interface FailoverOptions {
  candidates: readonly RouteCandidate[];
  maxAttempts: number;
  trace: TraceLog;
  logWriter: LogWriter;
  clientSignal?: AbortSignal;
  /** The upstream call for one candidate (URL, headers, body, timeout). */
  prepare(candidate: RouteCandidate): Omit<UpstreamCallOptions, "clientSignal">;
  /**
   * Turns a successful call into the client's response (logging the attempt through `log`
   * when it ends), or returns `{ failed }` to fail over (e.g. an error frame before any output).
   */
  accept(call: UpstreamCall, candidate: RouteCandidate, log: AttemptLogger): Promise<Response | { failed: string; statusCode?: number }>;
  /** The client's answer when the upstream says the request itself is bad (not retried). */
  rejectClientFault(failure: UpstreamFailure, candidate: RouteCandidate): Response;
}

/** Why every attempt failed, for the client's error. */
export interface FailoverExhausted {
  failures: string[];
  retryAfterSeconds?: number;
  clientAborted: boolean;
}

/**
 * Tries candidates in order until one succeeds. Only failures before anything reached
 * the client come here, so moving on to the next candidate is always safe.
 */
export async function failover(options: FailoverOptions): Promise<Response | FailoverExhausted> {
  const failures: string[] = [];
  let retryAfterSeconds: number | undefined;
  const attempts = Math.min(options.maxAttempts, options.candidates.length);

  for (let attempt = 0; attempt < attempts; attempt++) {
    const candidate = options.candidates[attempt];
    const started = performance.now();
    let logged = false;
    const log: AttemptLogger = (fields) => {
      if (logged) return;
      logged = true;
      options.logWriter.write({
        ...options.trace,
        attempt,
        providerId: candidate.providerId,
        providerName: candidate.providerName,
        providerModel: candidate.providerModel,
        status: "error",
        createdAt: Date.now(),
        durationMs: Math.round(performance.now() - started),
        ...fields,
      });
    };

    let call: UpstreamCall;
    try {
      call = await callUpstream({ ...options.prepare(candidate), clientSignal: options.clientSignal });
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      log({ statusCode: error.status, error: error.message });
      failures.push(`${candidate.providerName}: ${error.message}`);
      if (error.clientAborted) return { failures, retryAfterSeconds, clientAborted: true };
      if (error.retryAfterSeconds !== undefined) retryAfterSeconds = error.retryAfterSeconds;
      if (error.status && CLIENT_FAULT_STATUSES.has(error.status)) return options.rejectClientFault(error, candidate);
      continue;
    }
    const outcome = await options.accept(call, candidate, log);
    if (outcome instanceof Response) return outcome;
    log({ statusCode: outcome.statusCode ?? call.response.status, error: outcome.failed });
    failures.push(`${candidate.providerName}: ${outcome.failed}`);
  }
  return { failures, retryAfterSeconds, clientAborted: false };
}

/** The client-facing error once every attempt failed. */
export function exhaustedError(result: FailoverExhausted, traceId: string): GatewayError {
  if (result.clientAborted) return new GatewayError("bad_request", "client closed the request", { status: 499, traceId });
  const attempts = result.failures.length;
  return new GatewayError("upstream", `All ${attempts} upstream attempt(s) failed: ${result.failures.join("; ")}`, {
    traceId,
    retryAfterSeconds: result.retryAfterSeconds,
  });
}
