import type { Balancer, Refusal, SkippedCandidate } from "../routing/balancer.ts";
import { newTried } from "../routing/balancer.ts";
import { isKeyFailure, isRetryable, type FailureClass } from "../routing/failure-class.ts";
import { GatewayError, UnsupportedByProvider, type GatewayErrorKind } from "../core/errors.ts";
import type { LogWriter } from "../db/log-writer.ts";
import { CLIENT_CLOSED_REASON } from "../db/log-reasons.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { attemptRow, CLIENT_CLOSED, upstreamOf, verdictOf, type AnswerEnd, type AttemptOutcome, type EndAttempt, type FailOver, type TraceLog } from "./attempt-outcome.ts";
import { callUpstream, UpstreamFailure, type UpstreamAnswer, type UpstreamCallOptions } from "./upstream-call.ts";

export type { FailOver, TraceLog } from "./attempt-outcome.ts";
export { CLIENT_CLOSED } from "./attempt-outcome.ts";

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

/** Why no attempt succeeded, for the client's error. */
export interface FailoverExhausted {
  failures: string[];
  /** The class of each failed attempt, in order. */
  classes: FailureClass[];
  retryAfterSeconds?: number;
  clientAborted: boolean;
  refusal?: Refusal;
  /** Why a provider skipped the request as asked, when one did (the client's error if no other served it). */
  unsupported?: UnsupportedByProvider;
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
    const startedAt = Date.now();
    const attemptStarted = performance.now();
    let ended = false;
    // The one place an attempt ends: its lease is freed and its row written, once, even if freeing the lease throws.
    const end = (outcome: Omit<AttemptOutcome, "upstream" | "attempt" | "timings"> & { timings?: Partial<AttemptOutcome["timings"]> }) => {
      if (ended) return;
      ended = true;
      const record: AttemptOutcome = {
        ...outcome,
        upstream: upstreamOf(candidate),
        attempt,
        timings: { startedAt, durationMs: Math.round(performance.now() - attemptStarted), ...withoutUndefined(outcome.timings) },
      };
      try {
        lease.finish(verdictOf(record));
      } finally {
        options.logWriter.write(attemptRow(options.trace, record, candidate));
      }
    };
    const failed = (failure: UpstreamFailure) => {
      const aborted = failure.clientAborted;
      end({
        status: "error",
        statusCode: failure.status ?? (aborted ? 499 : undefined),
        failure: aborted ? null : failure.failure,
        neutral: aborted,
        error: aborted ? CLIENT_CLOSED : failure.message,
        retryAfterMs: failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000,
      });
      failures.push(`${candidate.providerName}: ${failure.message}`);
    };

    // Building the request is the gateway's own work: if it throws, no provider is to blame.
    let prepared: ReturnType<FailoverOptions["prepare"]>;
    try {
      prepared = options.prepare(candidate, apiKey);
    } catch (error) {
      const refused = error instanceof UnsupportedByProvider || error instanceof RangeError ? error : asGatewayError(error, "The request could not be prepared for the upstream");
      const shown = refused instanceof RangeError ? new GatewayError("bad_request", `The request cannot be relayed: it is nested too deeply (${refused.message})`) : refused;
      end({ status: "error", statusCode: shown.status, failure: "bad_request", neutral: true, error: shown.message });
      if (!(shown instanceof UnsupportedByProvider)) throw shown;
      // This provider cannot serve the request as asked; another one may.
      failures.push(`${candidate.providerName}: ${shown.message}`);
      unsupported = shown;
      tried.associations.add(candidate.associationId);
      continue;
    }

    const remaining = options.deadline - Date.now();
    const call = await callUpstream({ ...prepared, firstByteTimeoutMs: Math.max(1, Math.min(options.firstByteTimeoutMs, remaining)), clientSignal: options.clientSignal }).catch(
      (error: unknown) => ({ kind: "failed", failure: unreadable(error, options.clientSignal) }) as const,
    );
    let failure: UpstreamFailure;
    if (call.kind === "aborted") {
      failed(call.failure);
      return { failures, classes, clientAborted: true };
    }
    if (call.kind === "failed") failure = call.failure;
    else {
      const answer = call;
      const endAnswer: EndAttempt = (answered) => end(answerOutcome(answered, answer.response.status));
      let accepted: Response | FailOver | UpstreamFailure;
      try {
        accepted = await options.accept(answer, candidate, endAnswer);
      } catch (thrown) {
        // The client's error shape for a request that already ended (the relay answers it).
        if (thrown instanceof GatewayError && ended) throw thrown;
        // An unexpected error is the upstream answer's fault (it could not be read or decoded), unless the
        // client left meanwhile; a GatewayError is an error the answer decoded to, classified by its status.
        if (answer.kind === "stream") void answer.reader.cancel().catch(() => {});
        accepted = thrown instanceof GatewayError && !options.clientSignal?.aborted ? answeredError(answer, thrown) : unreadable(thrown, options.clientSignal);
      }
      if (accepted instanceof Response) return accepted;
      if (!(accepted instanceof UpstreamFailure)) {
        end({ status: "error", statusCode: answer.response.status, failure: accepted.failure, neutral: false, error: accepted.failed });
        failures.push(`${candidate.providerName}: ${accepted.failed}`);
        classes.push(accepted.failure);
        tried.associations.add(candidate.associationId);
        continue;
      }
      if (answer.kind === "stream") void answer.reader.cancel().catch(() => {});
      failure = accepted;
    }
    failed(failure);
    if (failure.clientAborted) return { failures, classes, clientAborted: true };
    classes.push(failure.failure);
    if (failure.retryAfterSeconds !== undefined) retryAfterSeconds = failure.retryAfterSeconds;
    if (!isRetryable(failure.failure)) return options.rejectClientFault(failure, candidate);
    if (isKeyFailure(failure.failure)) tried.keys.add(`${candidate.providerId}\n${apiKey}`);
    else tried.associations.add(candidate.associationId);
  }
  return { failures, classes, retryAfterSeconds, clientAborted: false, unsupported };
}

/** An accepted answer's end as the attempt's outcome (the client leaving blames no one). */
function answerOutcome(answered: AnswerEnd, status: number): Omit<AttemptOutcome, "upstream" | "attempt" | "timings"> & { timings: Partial<AttemptOutcome["timings"]> } {
  const failure = answered.failed?.failure ?? null;
  return {
    status: answered.failed ? "error" : "success",
    statusCode: answered.statusCode ?? status,
    failure,
    neutral: answered.failed !== undefined && failure === null,
    error: answered.failed?.message,
    usage: answered.usage,
    warnings: answered.warnings,
    timings: { firstByteMs: answered.firstByteMs, durationMs: answered.durationMs },
  };
}

/** An error body an upstream sent with a 2xx status, as the failure the same error with its status is. */
export function answeredError(answer: UpstreamAnswer, error: GatewayError): UpstreamFailure {
  return new UpstreamFailure(`HTTP ${answer.response.status} with an error body: ${error.message}`, {
    status: error.status,
    body: answer.kind === "body" ? answer.text : undefined,
    headers: answer.response.headers,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

/** An exception while reading an answer, as a failed attempt (or an abort, when the client left meanwhile). */
function unreadable(error: unknown, clientSignal: AbortSignal | undefined): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (clientSignal?.aborted) return new UpstreamFailure(CLIENT_CLOSED, { clientAborted: true });
  return new UpstreamFailure(`the upstream answer could not be read: ${(error as Error)?.message ?? String(error)}`, { status: 502 });
}

function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** Any exception as a GatewayError the client can be shown (its own kind if it is one). */
export function asGatewayError(error: unknown, context: string): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("internal", `${context}: ${(error as Error)?.message ?? String(error)}`);
}

const KIND_BY_FAILURE: Partial<Record<FailureClass, GatewayErrorKind>> = {
  rate_limit: "rate_limit",
  quota: "rate_limit",
  overloaded: "overloaded",
  timeout: "timeout",
};

/**
 * The client-facing error once nothing succeeded: the real cause, its status, and a retry hint.
 * When candidates were passed over, it lists each one with why and until when.
 */
export function exhaustedError(result: FailoverExhausted, traceId: string, now = Date.now()): GatewayError {
  if (result.clientAborted) return new GatewayError("bad_request", CLIENT_CLOSED, { status: 499, traceId });
  // Every provider tried refused the request as asked: that is the client's answer, not an upstream failure.
  if (result.unsupported && result.classes.length === 0) {
    result.unsupported.traceId ??= traceId;
    return result.unsupported;
  }
  const notTried = (result.refusal?.skipped ?? []).filter((skipped) => skipped.why !== "failed_here");
  if (result.failures.length === 0 && result.refusal) {
    const limited = result.refusal.cause === "provider_limits";
    const listed = notTried.length === 0 ? "" : `: ${notTried.map((skipped) => describeSkipped(skipped, now)).join("; ")}`;
    return new GatewayError(limited ? "rate_limit" : "overloaded", `No attempt could be made: ${result.refusal.reason}${listed}`, {
      traceId,
      retryAfterSeconds: result.retryAfterSeconds,
    });
  }
  // One status can only name one cause: it does so when every attempt failed the same way.
  const kinds = new Set(result.classes.map((failure) => KIND_BY_FAILURE[failure] ?? "upstream"));
  const kind = kinds.size === 1 ? [...kinds][0] : "upstream";
  const attempts = result.failures.length;
  const skipped = notTried.length === 0 ? "" : `; not tried: ${notTried.map((entry) => describeSkipped(entry, now)).join("; ")}`;
  return new GatewayError(kind, `All ${attempts} upstream attempt(s) failed: ${result.failures.join("; ")}${skipped}`, {
    traceId,
    retryAfterSeconds: result.retryAfterSeconds,
  });
}

const SKIP_TEXT: Record<SkippedCandidate["why"], string> = {
  failed_here: "failed for this request",
  breaker_open: "circuit breaker open",
  breaker_probing: "circuit breaker half-open, its probe request is under way",
  provider_limit: "at its rate or concurrency limit",
  keys_unusable: "no usable key",
};

/** One passed-over candidate for people: `name (model): why until 12:00:30Z (in 25 s) (detail)`. */
export function describeSkipped(skipped: SkippedCandidate, now = Date.now()): string {
  const until = skipped.until === undefined ? "" : ` until ${new Date(skipped.until).toISOString()} (in ${Math.max(0, Math.ceil((skipped.until - now) / 1000))} s)`;
  const detail = skipped.detail ? ` (${skipped.detail})` : "";
  return `${skipped.providerName} (${skipped.providerModel}): ${SKIP_TEXT[skipped.why]}${until}${detail}`;
}
