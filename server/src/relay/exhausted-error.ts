import type { Refusal, SkippedCandidate } from "../routing/balancer.ts";
import type { FailureClass } from "../routing/failure-class.ts";
import { GatewayError, type GatewayErrorKind, type UnsupportedByProvider } from "../core/errors.ts";
import { CLIENT_CLOSED } from "./attempt-outcome.ts";

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

/** The low-cardinality `error.type` of a request nothing served (trace spans): the client left, the last attempt's class, or why none was made. */
export function exhaustedErrorType(result: FailoverExhausted, error: GatewayError): string {
  if (result.clientAborted) return "client_closed";
  return result.classes.at(-1) ?? result.refusal?.cause ?? error.kind;
}
