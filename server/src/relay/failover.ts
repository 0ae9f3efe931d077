import { NOOP_ATTEMPT_SPAN, type RequestSpan } from "../observability/tracing.ts";
import type { Balancer, Lease } from "../routing/balancer.ts";
import { newTried } from "../routing/balancer.ts";
import { isKeyFailure, isRetryable, type FailureClass } from "../routing/failure-class.ts";
import { GatewayError, UnsupportedByProvider } from "../core/errors.ts";
import type { LogWriter } from "../db/log-writer.ts";
import { CLIENT_CLOSED_REASON } from "../db/log-reasons.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { attemptRow, CLIENT_CLOSED, upstreamOf, verdictOf, type AnswerEnd, type AttemptOutcome, type EndAttempt, type FailOver, type TraceLog } from "./attempt-outcome.ts";
import { exhaustedError, type FailoverExhausted } from "./exhausted-error.ts";
import { answeredError, callUpstream, UpstreamFailure, type UpstreamAnswer, type UpstreamCallOptions } from "./upstream-call.ts";


export interface FailoverOptions {
  /** Best first (the balancer's plan). */
  candidates: readonly RouteCandidate[];
  balancer: Balancer;
  maxAttempts: number;
  /** Epoch ms by which output must have started (the model's total time budget). */
  deadline: number;
  /** Per attempt, capped by what is left of the budget. */
  firstByteTimeoutMs: number;
  trace: TraceLog;
  logWriter: LogWriter;
  clientSignal?: AbortSignal;
  /** The request's trace span: each attempt gets a child span (no-op while tracing is off). */
  span?: RequestSpan;
  /** The upstream call for one candidate and key. */
  prepare(candidate: RouteCandidate, apiKey: string): Omit<UpstreamCallOptions, "clientSignal" | "firstByteTimeoutMs">;
  /**
   * Turns an answer into the client's response, ending the attempt through `end` once the
   * answer is delivered (a stream: when it closes). Or, before anything reached the client:
   * `FailOver` to try the next candidate, or an UpstreamFailure for an error the answer carried
   * (an error body sent with HTTP 200), handled like the same error sent with its status.
   */
  accept(answer: UpstreamAnswer, candidate: RouteCandidate, end: EndAttempt): Promise<Response | FailOver | UpstreamFailure>;
  /** The client's answer when the upstream says the request itself is bad (not retried). */
  rejectClientFault(failure: UpstreamFailure, candidate: RouteCandidate): Response;
}

/**
 * Tries candidates until one succeeds, within the attempt count and the time budget. Only
 * failures before anything reached the client come here, so moving on is always safe. A
 * failure's class decides what is skipped next: the key (credentials, rate limit, quota)
 * or the whole association (server errors, timeouts, broken connections).
 */
export async function failover(options: FailoverOptions): Promise<Response | FailoverExhausted> {
  const failures: string[] = [];
  const tried = newTried();
  const classes: FailureClass[] = [];
  const started = performance.now();
  let retryAfterSeconds: number | undefined;
  let unsupported: UnsupportedByProvider | undefined;

  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    const lease = await options.balancer.acquire(options.candidates, tried, options.deadline, options.clientSignal);
    if (!("candidate" in lease)) {
      if (lease.retryAfterMs !== undefined) retryAfterSeconds ??= Math.max(1, Math.ceil(lease.retryAfterMs / 1000));
      const clientAborted = options.clientSignal?.aborted === true;
      // No attempt was made at all (every provider busy or broken, or the client left while queued):
      // the request still gets its row, so the log accounts for every call.
      if (attempt === 0) {
        const refused = exhaustedError({ failures, classes, retryAfterSeconds, clientAborted, refusal: lease }, options.trace.traceId);
        options.logWriter.write({
          ...options.trace,
          attempt: 0,
          status: "error",
          statusCode: refused.status,
          error: refused.message,
          reason: clientAborted ? CLIENT_CLOSED_REASON : lease.cause,
          createdAt: Date.now(),
          durationMs: Math.round(performance.now() - started),
        });
      }
      return { failures, classes, retryAfterSeconds, clientAborted, refusal: lease, unsupported };
    }
    const { candidate, apiKey } = lease;
    const step = await runAttempt(options, lease, attempt);
    if (step.kind === "response") return step.response;
    if (step.kind === "unsupported") {
      // This provider cannot serve the request as asked; another one may.
      failures.push(`${candidate.providerName}: ${step.error.message}`);
      unsupported = step.error;
      tried.associations.add(candidate.associationId);
      continue;
    }
    if (step.kind === "fail-over") {
      failures.push(`${candidate.providerName}: ${step.failed}`);
      classes.push(step.failure);
      tried.associations.add(candidate.associationId);
      continue;
    }
    const { failure } = step;
    failures.push(`${candidate.providerName}: ${failure.message}`);
    if (failure.clientAborted) return { failures, classes, clientAborted: true };
    classes.push(failure.failure);
    if (failure.retryAfterSeconds !== undefined) retryAfterSeconds = failure.retryAfterSeconds;
    if (!isRetryable(failure.failure)) return options.rejectClientFault(failure, candidate);
    if (isKeyFailure(failure.failure)) tried.keys.add(`${candidate.providerId}\n${apiKey}`);
    else tried.associations.add(candidate.associationId);
  }
  return { failures, classes, retryAfterSeconds, clientAborted: false, unsupported };
}

/** How one attempt went, for the loop to decide what to try next (the attempt itself has ended, or will with its response). */
type AttemptStep =
  | { kind: "response"; response: Response }
  | { kind: "unsupported"; error: UnsupportedByProvider }
  | ({ kind: "fail-over" } & FailOver)
  | { kind: "failed"; failure: UpstreamFailure };

/** The fields of an outcome that the attempt's own code decides (failover adds where, which attempt and when). */
type OutcomeFields = Omit<AttemptOutcome, "upstream" | "attempt" | "timings"> & { timings?: Partial<AttemptOutcome["timings"]> };

/**
 * One admitted attempt: prepare, call, accept. Every path ends it through `end`, the one place
 * its lease is freed and its row written (once, even if freeing the lease throws).
 */
async function runAttempt(options: FailoverOptions, lease: Lease, attempt: number): Promise<AttemptStep> {
  const { candidate, apiKey } = lease;
  const startedAt = Date.now();
  const attemptStarted = performance.now();
  const span = options.span?.attempt(candidate, attempt) ?? NOOP_ATTEMPT_SPAN;
  let ended = false;
  const end = (outcome: OutcomeFields) => {
    if (ended) return;
    ended = true;
    const record: AttemptOutcome = {
      ...outcome,
      upstream: upstreamOf(candidate),
      attempt,
      timings: {
        startedAt: outcome.timings?.startedAt ?? startedAt,
        durationMs: outcome.timings?.durationMs ?? Math.round(performance.now() - attemptStarted),
        firstByteMs: outcome.timings?.firstByteMs,
      },
    };
    try {
      lease.finish(verdictOf(record));
    } finally {
      options.logWriter.write(attemptRow(options.trace, record, candidate));
      span.end(record);
    }
  };
  const failed = (failure: UpstreamFailure): AttemptStep => {
    end(failedOutcome(failure));
    return { kind: "failed", failure };
  };

  // Building the request is the gateway's own work: if it throws, no provider is to blame.
  let prepared: ReturnType<FailoverOptions["prepare"]>;
  try {
    prepared = options.prepare(candidate, apiKey);
  } catch (error) {
    const refused = error instanceof RangeError
      ? new GatewayError("bad_request", `The request cannot be relayed: it is nested too deeply (${error.message})`)
      : asGatewayError(error, "The request could not be prepared for the upstream");
    end({ status: "error", statusCode: refused.status, failure: "bad_request", neutral: true, error: refused.message });
    if (refused instanceof UnsupportedByProvider) return { kind: "unsupported", error: refused };
    throw refused;
  }

  // The upstream continues the attempt's trace (a client's own traceparent is replaced).
  span.inject(prepared.headers);
  const remaining = options.deadline - Date.now();
  const call = await callUpstream({ ...prepared, firstByteTimeoutMs: Math.max(1, Math.min(options.firstByteTimeoutMs, remaining)), clientSignal: options.clientSignal }).catch(
    (error: unknown) => ({ kind: "failed", failure: unreadable(error, options.clientSignal) }) as const,
  );
  if (call.kind === "failed" || call.kind === "aborted") return failed(call.failure);

  let accepted: Response | FailOver | UpstreamFailure;
  try {
    accepted = await options.accept(call, candidate, (answered) => end(answerOutcome(answered, call.response.status)));
  } catch (thrown) {
    // The client's error shape for a request that already ended (the relay answers it).
    if (thrown instanceof GatewayError && ended) throw thrown;
    // An unexpected error is the upstream answer's fault (it could not be read or decoded), unless the
    // client left meanwhile; a GatewayError is an error the answer decoded to, classified by its status.
    accepted = thrown instanceof GatewayError && !options.clientSignal?.aborted ? answeredError(call, thrown) : unreadable(thrown, options.clientSignal);
  }
  if (accepted instanceof Response) return { kind: "response", response: accepted };
  if (accepted instanceof UpstreamFailure) {
    if (call.kind === "stream") void call.reader.cancel().catch(() => {});
    return failed(accepted);
  }
  end({ status: "error", statusCode: call.response.status, failure: accepted.failure, neutral: false, error: accepted.failed });
  return { kind: "fail-over", ...accepted };
}

/** A failure before anything reached the client as the attempt's outcome (the client leaving blames no one). */
function failedOutcome(failure: UpstreamFailure): OutcomeFields {
  const aborted = failure.clientAborted;
  return {
    status: "error",
    statusCode: failure.status ?? (aborted ? 499 : undefined),
    failure: aborted ? null : failure.failure,
    neutral: aborted,
    error: aborted ? CLIENT_CLOSED : failure.message,
    retryAfterMs: failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000,
  };
}

/** An accepted answer's end as the attempt's outcome (the client leaving blames no one). */
function answerOutcome(answered: AnswerEnd, status: number): OutcomeFields {
  const failure = answered.failed?.failure ?? null;
  return {
    status: answered.failed ? "error" : "success",
    statusCode: answered.statusCode ?? status,
    failure,
    neutral: answered.failed !== undefined && failure === null,
    error: answered.failed?.message,
    usage: answered.usage,
    warnings: answered.warnings,
    response: answered.response,
    timings: { firstByteMs: answered.firstByteMs, durationMs: answered.durationMs },
  };
}

/** An exception while reading an answer, as a failed attempt (or an abort, when the client left meanwhile). */
function unreadable(error: unknown, clientSignal: AbortSignal | undefined): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (clientSignal?.aborted) return new UpstreamFailure(CLIENT_CLOSED, { clientAborted: true });
  return new UpstreamFailure(`the upstream answer could not be read: ${(error as Error)?.message ?? String(error)}`, { status: 502 });
}

/** Any exception as a GatewayError the client can be shown (its own kind if it is one). */
export function asGatewayError(error: unknown, context: string): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("internal", `${context}: ${(error as Error)?.message ?? String(error)}`);
}
