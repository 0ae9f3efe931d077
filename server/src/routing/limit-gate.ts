import type { RouteCandidate } from "./catalog.ts";
import { RateLimit } from "./rate-limit.ts";

/** The counters of one provider (or key) as the admin API shows them. */
export interface LimitSnapshot {
  inFlight: number;
  requestsLastMinute: number;
  tokensLastMinute: number;
}

/** Slots taken by one admitted attempt; `finish` frees them (and counts its tokens) exactly once. */
export interface LimitTicket {
  finish(now: number, tokens: number): void;
}

/** Admitted (the ticket holds the slots), or how long until one may start and which scope is full. */
export type Admission = { ticket: LimitTicket } | { waitMs: number; scope: "provider" | "key" };

/**
 * Admits attempts against the requests/tokens per minute and concurrency limits of a provider
 * and of its key, both at once. `LocalLimits` keeps them in this process; the shared-state
 * implementation keeps them in Redis and answers asynchronously, so callers accept either.
 */
export interface LimitGate {
  /** A cheap look at the provider's own limits, so its keys are skipped while it is full (0: go on). */
  providerWaitMs(candidate: RouteCandidate, now: number): number;
  /** Takes a slot of the provider and of the key, or says how long to wait (Infinity: until one finishes). */
  admit(candidate: RouteCandidate, apiKey: string, now: number): Admission | Promise<Admission>;
  /** This instance's counters of a provider. */
  snapshot(providerId: number, now: number): LimitSnapshot;
  /** The counters of every instance sharing the limits (this instance's when nothing is shared). */
  sharedSnapshot(providerId: number, now: number): Promise<LimitSnapshot>;
}

const IDLE: LimitSnapshot = { inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0 };

/** Limits counted in this process only: the default, and the fallback while shared state is unreachable. */
export class LocalLimits implements LimitGate {
  private readonly providerLimits = new Map<number, RateLimit>();
  private readonly keyLimits = new Map<number, Map<string, RateLimit>>();

  providerWaitMs(candidate: RouteCandidate, now: number): number {
    return this.providerLimit(candidate).waitMs(now);
  }

  admit(candidate: RouteCandidate, apiKey: string, now: number): Admission {
    const providerLimit = this.providerLimit(candidate);
    const providerWait = providerLimit.waitMs(now);
    if (providerWait > 0) return { waitMs: providerWait, scope: "provider" };
    const keyLimit = this.keyLimit(candidate, apiKey);
    const keyWait = keyLimit.waitMs(now);
    if (keyWait > 0) return { waitMs: keyWait, scope: "key" };
    return { ticket: start(providerLimit, keyLimit, now) };
  }

  /** Counts an attempt admitted elsewhere (by shared limits), so the local counters stay right for a fallback. */
  record(candidate: RouteCandidate, apiKey: string, now: number): LimitTicket {
    return start(this.providerLimit(candidate), this.keyLimit(candidate, apiKey), now);
  }

  snapshot(providerId: number, now: number): LimitSnapshot {
    return this.providerLimits.get(providerId)?.snapshot(now) ?? { ...IDLE };
  }

  sharedSnapshot(providerId: number, now: number): Promise<LimitSnapshot> {
    return Promise.resolve(this.snapshot(providerId, now));
  }

  private providerLimit(candidate: RouteCandidate): RateLimit {
    let limit = this.providerLimits.get(candidate.providerId);
    if (!limit) this.providerLimits.set(candidate.providerId, (limit = new RateLimit(candidate.limits)));
    else limit.config = candidate.limits;
    return limit;
  }

  private keyLimit(candidate: RouteCandidate, apiKey: string): RateLimit {
    let byKey = this.keyLimits.get(candidate.providerId);
    if (!byKey) this.keyLimits.set(candidate.providerId, (byKey = new Map()));
    let limit = byKey.get(apiKey);
    if (!limit) byKey.set(apiKey, (limit = new RateLimit(candidate.keyLimits)));
    else limit.config = candidate.keyLimits;
    return limit;
  }
}

function start(providerLimit: RateLimit, keyLimit: RateLimit, now: number): LimitTicket {
  providerLimit.start(now);
  keyLimit.start(now);
  return {
    finish(finishedAt, tokens) {
      providerLimit.finish(finishedAt, tokens);
      keyLimit.finish(finishedAt, tokens);
    },
  };
}
