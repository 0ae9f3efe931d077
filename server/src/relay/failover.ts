import type { Balancer, Refusal, SkippedCandidate } from "../routing/balancer.ts";
import { newTried } from "../routing/balancer.ts";
import { classifyFailure, isKeyFailure, isRetryable, type FailureClass } from "../routing/failure-class.ts";
import { GatewayError, UnsupportedByProvider, type GatewayErrorKind } from "../core/errors.ts";
import type { LogWriter } from "../db/log-writer.ts";
import { CLIENT_CLOSED_REASON, type RefusalReason } from "../db/log-reasons.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { callUpstream, UpstreamFailure, type UpstreamCall, type UpstreamCallOptions } from "./upstream-call.ts";
import { priceSnapshot } from "./price-snapshot.ts";

/** Log fields shared by every attempt of one client request. */
export type TraceLog = Pick<NewRequestLog, "traceId" | "model" | "clientProtocol" | "endpoint" | "stream" | "clientIp" | "userAgent" | "authKeyId" | "sessionId">;

/** Completes one attempt: writes its log row and frees its balancer lease. Later calls are ignored. */
export type AttemptLogger = (fields: Partial<NewRequestLog>) => void;

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
   * Turns a successful call into the client's response, finishing the attempt through `log`
   * when it ends, or returns `{ failed }` to fail over (e.g. an error frame before any output).
   */
  accept(call: UpstreamCall, candidate: RouteCandidate, log: AttemptLogger): Promise<Response | { failed: string; statusCode?: number }>;
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
          reason: clientAborted ? CLIENT_CLOSED_REASON : refusalReason(lease),
          createdAt: Date.now(),
          durationMs: Math.round(performance.now() - started),
        });
      }
      return { failures, classes, retryAfterSeconds, clientAborted, refusal: lease, unsupported };
    }
    const { candidate, apiKey } = lease;
    const attemptStarted = performance.now();
    let finished = false;
    // Ends the attempt once: frees the lease and writes the row, even if freeing the lease throws.
    const finish = (outcome: Parameters<typeof lease.finish>[0], fields: Partial<NewRequestLog>) => {
      if (finished) return;
      finished = true;
      try {
        // The upstream's status names the cause exactly (a 404 is "not found", not a server error).
        lease.finish({ status: fields.statusCode ?? undefined, ...outcome });
      } finally {
        const row: NewRequestLog = {
          ...options.trace,
          attempt,
          providerId: candidate.providerId,
          providerName: candidate.providerName,
          providerModel: candidate.providerModel,
          status: "error",
          createdAt: Date.now(),
          durationMs: Math.round(performance.now() - attemptStarted),
          ...fields,
        };
        options.logWriter.write({ ...row, ...priceSnapshot(candidate.prices, row) });
      }
    };
    const log: AttemptLogger = (fields) => {
      const ok = fields.status === "success";
      const failure = ok ? undefined : classifyFailure({ status: fields.statusCode ?? undefined, message: fields.error ?? undefined });
      const aborted = fields.error === CLIENT_CLOSED;
      const reason = ok ? undefined : aborted ? CLIENT_CLOSED_REASON : failure;
      finish({ ok, neutral: aborted, failure, firstByteMs: fields.firstByteMs ?? undefined, message: fields.error ?? undefined, tokens: fields.totalTokens }, { reason, ...fields });
    };

    let call: UpstreamCall | undefined;
    try {
      // Building the request is the gateway's own work: if it throws, no provider is to blame.
      let prepared: ReturnType<FailoverOptions["prepare"]>;
      try {
        prepared = options.prepare(candidate, apiKey);
      } catch (error) {
        if (error instanceof UnsupportedByProvider) {
          // This provider cannot serve the request as asked; another one may.
          finish({ ok: false, neutral: true, message: error.message }, { statusCode: error.status, error: error.message, reason: "bad_request" });
          failures.push(`${candidate.providerName}: ${error.message}`);
          unsupported = error;
          tried.associations.add(candidate.associationId);
          continue;
        }
        const refused = error instanceof RangeError
          ? new GatewayError("bad_request", `The request cannot be relayed: it is nested too deeply (${error.message})`)
          : asGatewayError(error, "The request could not be prepared for the upstream");
        finish({ ok: false, neutral: true, message: refused.message }, { statusCode: refused.status, error: refused.message, reason: "bad_request" });
        throw refused;
      }
      const remaining = options.deadline - Date.now();
      call = await callUpstream({
        ...prepared,
        firstByteTimeoutMs: Math.max(1, Math.min(options.firstByteTimeoutMs, remaining)),
        clientSignal: options.clientSignal,
      });
      const outcome = await options.accept(call, candidate, log);
      if (outcome instanceof Response) return outcome;
      log({ statusCode: outcome.statusCode ?? call.response.status, error: outcome.failed });
      failures.push(`${candidate.providerName}: ${outcome.failed}`);
      classes.push("server");
      tried.associations.add(candidate.associationId);
      continue;
    } catch (thrown) {
      if (thrown instanceof GatewayError && finished) throw thrown;
      // Whatever went wrong, the attempt ends here: an unexpected error is the upstream answer's
      // fault (it could not be read or decoded), unless the client left meanwhile.
      void call?.reader?.cancel().catch(() => {});
      const error = asUpstreamFailure(thrown, call, options.clientSignal);
      const failure = error.clientAborted
        ? undefined
        : classifyFailure({ status: error.status, message: error.message, timedOut: error.details.timedOut, connectionFailed: error.status === undefined && !call });
      finish(
        {
          ok: false,
          neutral: error.clientAborted,
          failure,
          message: error.message,
          retryAfterMs: error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000,
        },
        {
          statusCode: error.status ?? (error.clientAborted ? 499 : undefined),
          error: error.clientAborted ? CLIENT_CLOSED : error.message,
          reason: error.clientAborted ? CLIENT_CLOSED_REASON : failure,
        },
      );
      failures.push(`${candidate.providerName}: ${error.message}`);
      if (error.clientAborted) return { failures, classes, clientAborted: true };
      if (failure) classes.push(failure);
      if (error.retryAfterSeconds !== undefined) retryAfterSeconds = error.retryAfterSeconds;
      if (failure && !isRetryable(failure)) return options.rejectClientFault(error, candidate);
      if (failure && isKeyFailure(failure)) tried.keys.add(`${candidate.providerId}\n${apiKey}`);
      else tried.associations.add(candidate.associationId);
    }
  }
  return { failures, classes, retryAfterSeconds, clientAborted: false, unsupported };
}

/**
 * An exception during an attempt as a failed attempt: a GatewayError is an upstream answer that
 * decoded to an error (HTTP 200 with an error body) and keeps its status, so it is classified
 * like the same error sent with that status; anything else is an answer that could not be read.
 */
function asUpstreamFailure(error: unknown, call: UpstreamCall | undefined, clientSignal: AbortSignal | undefined): UpstreamFailure {
  if (error instanceof UpstreamFailure) return error;
  if (clientSignal?.aborted) return new UpstreamFailure(CLIENT_CLOSED, { clientAborted: true });
  if (error instanceof GatewayError) {
    return new UpstreamFailure(`HTTP ${call?.response.status ?? 200} with an error body: ${error.message}`, {
      status: error.status,
      body: call?.text,
      headers: call?.response.headers,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
  return new UpstreamFailure(`the upstream answer could not be read: ${(error as Error)?.message ?? String(error)}`, { status: 502 });
}

/** Any exception as a GatewayError the client can be shown (its own kind if it is one). */
export function asGatewayError(error: unknown, context: string): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError("internal", `${context}: ${(error as Error)?.message ?? String(error)}`);
}

/** The log's error text for a client that went away. */
export const CLIENT_CLOSED = "client closed the request";

const KIND_BY_FAILURE: Partial<Record<FailureClass, GatewayErrorKind>> = {
  rate_limit: "rate_limit",
  quota: "rate_limit",
  overloaded: "overloaded",
  timeout: "timeout",
};

/** The `reason` column of a request no attempt could be made for. */
function refusalReason(refusal: Refusal): RefusalReason {
  return refusal.reason.includes("limit") ? "provider_limits" : "no_healthy_provider";
}

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
    const limited = refusalReason(result.refusal) === "provider_limits";
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
