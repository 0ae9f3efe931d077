import type { KeyState } from "@llmio/contract";
import { maskKey } from "../lib/mask-key.ts";
import { CircuitBreaker, DEFAULT_BREAKER, type BreakerOptions } from "./circuit-breaker.ts";
import { failureRecord, type FailureRecord } from "./failure-cause.ts";
import type { FailureClass } from "./failure-class.ts";
import type { LatencyStats } from "./strategies.ts";

/** How fast the latency and error averages follow new samples. */
const EWMA_ALPHA = 0.2;
/** Outcomes kept per association for the status bars in the UI and extension. */
const RECENT_OUTCOMES = 20;
/** Back-off for a rate-limited key without Retry-After: 1 s, doubling, at most a minute. */
const RATE_LIMIT_BACKOFF_MS = 1_000;
const RATE_LIMIT_BACKOFF_MAX_MS = 60_000;
/** A key out of quota rests this long before it is tried again. */
const QUOTA_COOLDOWN_MS = 10 * 60_000;

/** What an ended attempt teaches the health registry (relay/attempt-outcome.ts makes it from the attempt's record). */
export interface AttemptVerdict {
  ok: boolean;
  /** The client left: says nothing about the provider, only frees the slots. */
  neutral?: boolean;
  failure?: FailureClass;
  firstByteMs?: number;
  retryAfterMs?: number;
  message?: string;
  /** The upstream's HTTP status, when it answered; names the cause more precisely (404: not found). */
  status?: number;
}

/** Who closed a provider's breakers outside the request path. */
export type RecoveryCause = "probe" | "test" | "reset";

/** A provider found working (a probe or a Test connection answered) or reset on purpose. */
export interface ProviderRecovery {
  /** The provider's associations: their breakers close. */
  associationIds: readonly number[];
  /** Keys that answered (dead and cooling forgotten) or "all"; every key breaker of the provider closes either way. */
  revivedKeys: readonly string[] | "all";
  by: RecoveryCause;
  at: number;
}

/** The last check of a provider made outside the request path, for the health view. */
export interface ProviderCheck {
  by: RecoveryCause;
  ok: boolean;
  at: number;
  failure: FailureRecord | null;
}

/** Whose breaker: an association's, or a provider key's. */
export type BreakerTarget = { associationId: number } | { providerId: number; key: string };

/**
 * Told about the verdicts `record` reaches, so another instance can share them (see
 * `shared-state/redis-health.ts`). Only transitions and failures are reported, never a
 * plain success, so a healthy gateway says nothing.
 */
export interface HealthListener {
  /** A breaker counted a failure; it may have opened. */
  breakerFailed(target: BreakerTarget, breaker: CircuitBreaker, now: number): void;
  /** A breaker that had failures or was open saw a success. */
  breakerRecovered(target: BreakerTarget): void;
  keyDead(providerId: number, key: string, dead: { reason: string; at: number }): void;
  keyCooling(providerId: number, key: string, until: number): void;
  providerReset(providerId: number): void;
  /** A provider's breakers were closed on purpose (probe, Test connection, Reset): everywhere. */
  providerRecovered(providerId: number, recovery: ProviderRecovery): void;
  /** Whether this instance may probe the provider now: one instance probes it per period. */
  claimProbe(providerId: number, forMs: number): Promise<boolean>;
  /** A key without an entry here is looked at: verdicts another instance reached may apply to it. */
  adoptKey(providerId: number, key: string): void;
}

class AssociationHealth {
  readonly breaker: CircuitBreaker;
  latency: LatencyStats | undefined;
  /** true = success, false = failure, newest last. */
  readonly recent: boolean[] = [];
  lastError: FailureRecord | undefined;
  /** When its breakers were last closed after trouble (a success after opening, a probe, a test, a reset). */
  recoveredAt: number | undefined;
  /** Outcomes recorded since then (the newest of `recent`): older failures no longer say how it is now. */
  sinceRecovery = 0;

  constructor(options: BreakerOptions) {
    this.breaker = new CircuitBreaker(options);
  }
}

class KeyHealth {
  readonly breaker: CircuitBreaker;
  /** Refused credentials: skipped until the provider is edited. */
  dead: { reason: string; at: number } | undefined;
  coolingUntil = 0;
  rateLimitStreak = 0;
  lastFailure: FailureRecord | undefined;

  revive(): void {
    this.dead = undefined;
    this.coolingUntil = 0;
    this.rateLimitStreak = 0;
  }

  constructor(options: BreakerOptions) {
    this.breaker = new CircuitBreaker(options);
  }
}

/**
 * What the gateway has learned about each association and each provider key: breakers,
 * dead keys, rate-limit cool-downs and latency averages. In memory, per process.
 */
export class HealthRegistry {
  private readonly associations = new Map<number, AssociationHealth>();
  private readonly keys = new Map<number, Map<string, KeyHealth>>();
  private readonly checks = new Map<number, ProviderCheck>();
  /** Set when verdicts are shared with other instances. */
  listener: HealthListener | undefined;

  constructor(readonly breakerOptions: BreakerOptions = DEFAULT_BREAKER) {}

  association(id: number): AssociationHealth {
    let health = this.associations.get(id);
    if (!health) this.associations.set(id, (health = new AssociationHealth(this.breakerOptions)));
    return health;
  }

  key(providerId: number, key: string): KeyHealth {
    let byKey = this.keys.get(providerId);
    if (!byKey) this.keys.set(providerId, (byKey = new Map()));
    let health = byKey.get(key);
    if (!health) byKey.set(key, (health = new KeyHealth(this.breakerOptions)));
    return health;
  }

  /** The key's entry, if it has one (or shared verdicts give it one). */
  private findKey(providerId: number, key: string): KeyHealth | undefined {
    const health = this.keys.get(providerId)?.get(key);
    if (health || !this.listener) return health;
    this.listener.adoptKey(providerId, key);
    return this.keys.get(providerId)?.get(key);
  }

  /** Whether a key may be used now (not dead, not cooling down, its breaker admits). */
  keyUsable(providerId: number, key: string, now: number): boolean {
    const health = this.findKey(providerId, key);
    if (!health) return true;
    return !health.dead && health.coolingUntil <= now && health.breaker.canPass(now);
  }

  /** The earliest time a cooling key of this provider becomes usable again. */
  keyReadyAt(providerId: number, key: string): number {
    const health = this.findKey(providerId, key);
    if (!health || health.dead) return health?.dead ? Infinity : 0;
    return Math.max(health.coolingUntil, health.breaker.retryAt() ?? 0);
  }

  latencyOf(associationId: number): LatencyStats | undefined {
    return this.associations.get(associationId)?.latency;
  }

  record(associationId: number, providerId: number, key: string, outcome: AttemptVerdict, now: number): void {
    const association = this.association(associationId);
    const keyHealth = this.key(providerId, key);
    // An outcome that gives no verdict on a breaker must still end its half-open probe,
    // or the breaker would refuse every request from then on.
    association.breaker.release();
    keyHealth.breaker.release();
    if (outcome.neutral) return;
    association.recent.push(outcome.ok);
    if (association.recent.length > RECENT_OUTCOMES) association.recent.shift();
    // A success through an open (or half-open) breaker is a recovery: the failures before it are history.
    if (outcome.ok && association.breaker.state !== "closed") markRecovered(association, now);
    association.sinceRecovery = Math.min(association.sinceRecovery + 1, RECENT_OUTCOMES);
    const errorSample = outcome.ok ? 0 : 1;
    const firstByte = outcome.firstByteMs ?? association.latency?.firstByteMs ?? 0;
    association.latency = association.latency
      ? {
          firstByteMs: outcome.firstByteMs === undefined ? association.latency.firstByteMs : ewma(association.latency.firstByteMs, firstByte),
          errorRate: ewma(association.latency.errorRate, errorSample),
        }
      : { firstByteMs: firstByte, errorRate: errorSample };

    const listener = this.listener;
    if (outcome.ok) {
      // Only a breaker with something to forget tells the other instances: a healthy gateway says nothing.
      if (listener && association.breaker.troubled) listener.breakerRecovered({ associationId });
      if (listener && keyHealth.breaker.troubled) listener.breakerRecovered({ providerId, key });
      association.breaker.recordSuccess();
      keyHealth.breaker.recordSuccess();
      keyHealth.rateLimitStreak = 0;
      return;
    }
    const failure = failureRecord(outcome.failure ?? "server", outcome.message, now, outcome.status);
    association.lastError = failure;
    // A bad request or refused content is the client's doing: it says nothing about the key.
    if (outcome.failure !== "bad_request" && outcome.failure !== "content") keyHealth.lastFailure = failure;
    switch (outcome.failure) {
      case "credential":
        keyHealth.dead = { reason: outcome.message ?? "credentials refused", at: now };
        listener?.keyDead(providerId, key, keyHealth.dead);
        return;
      case "rate_limit": {
        keyHealth.rateLimitStreak++;
        const backoff = Math.min(RATE_LIMIT_BACKOFF_MS * 2 ** (keyHealth.rateLimitStreak - 1), RATE_LIMIT_BACKOFF_MAX_MS);
        keyHealth.coolingUntil = now + (outcome.retryAfterMs ?? backoff);
        listener?.keyCooling(providerId, key, keyHealth.coolingUntil);
        return;
      }
      case "quota":
        keyHealth.coolingUntil = now + (outcome.retryAfterMs ?? QUOTA_COOLDOWN_MS);
        listener?.keyCooling(providerId, key, keyHealth.coolingUntil);
        return;
      case "bad_request":
      case "content":
        // The request was at fault, not the provider.
        return;
      default:
        association.breaker.recordFailure(now);
        keyHealth.breaker.recordFailure(now);
        listener?.breakerFailed({ associationId }, association.breaker, now);
        listener?.breakerFailed({ providerId, key }, keyHealth.breaker, now);
    }
  }

  /** Forget what was learned about a provider's keys (it was edited: keys may be new), on every instance. */
  resetProvider(providerId: number): void {
    this.keys.delete(providerId);
    this.listener?.providerReset(providerId);
  }

  /**
   * Closes a provider's breakers (its associations' and every one of its keys') and revives
   * the keys that answered; `share`: tell the other instances (false when they told us).
   */
  recoverProvider(providerId: number, recovery: ProviderRecovery, share = true): void {
    for (const id of recovery.associationIds) {
      const association = this.associations.get(id);
      if (!association) continue;
      association.breaker.recordSuccess();
      markRecovered(association, recovery.at);
    }
    const keys = this.keys.get(providerId);
    for (const [key, health] of keys ?? []) {
      health.breaker.recordSuccess();
      if (recovery.revivedKeys === "all" || recovery.revivedKeys.includes(key)) health.revive();
    }
    this.checks.set(providerId, { by: recovery.by, ok: true, at: recovery.at, failure: null });
    if (share) this.listener?.providerRecovered(providerId, recovery);
  }

  /**
   * A background probe of a provider failed: its key and the probed association learn it as
   * a real attempt would teach them, except that only breakers already open are opened again
   * (from now), so a probe never opens a closed breaker by itself.
   */
  recordProbeFailure(providerId: number, associationId: number, key: string, failure: FailureRecord, retryAfterMs?: number): void {
    const now = failure.at;
    this.checks.set(providerId, { by: "probe", ok: false, at: now, failure });
    const association = this.association(associationId);
    const keyHealth = this.key(providerId, key);
    association.lastError = failure;
    keyHealth.lastFailure = failure;
    const listener = this.listener;
    switch (failure.failure) {
      case "credential":
        keyHealth.dead = { reason: failure.message, at: now };
        listener?.keyDead(providerId, key, keyHealth.dead);
        return;
      case "rate_limit":
      case "quota":
        keyHealth.coolingUntil = now + (retryAfterMs ?? (failure.failure === "quota" ? QUOTA_COOLDOWN_MS : RATE_LIMIT_BACKOFF_MS));
        listener?.keyCooling(providerId, key, keyHealth.coolingUntil);
        return;
      case "bad_request":
      case "content":
        return;
      default:
        for (const [target, breaker] of [[{ associationId }, association.breaker], [{ providerId, key }, keyHealth.breaker]] as const) {
          if (breaker.state === "closed") continue;
          breaker.reopen(now);
          listener?.breakerFailed(target, breaker, now);
        }
    }
  }

  /** Whether this instance may probe the provider now (always, unless instances share health). */
  claimProbe(providerId: number, forMs: number): Promise<boolean> {
    return this.listener ? this.listener.claimProbe(providerId, forMs) : Promise.resolve(true);
  }

  /** Whether any breaker is open or half-open: the background probe has nothing to do otherwise. */
  anyBreakerOpen(): boolean {
    for (const association of this.associations.values()) if (association.breaker.state !== "closed") return true;
    for (const byKey of this.keys.values()) for (const health of byKey.values()) if (health.breaker.state !== "closed") return true;
    return false;
  }

  /** Whether the association's breaker is open or half-open (no entry: closed). */
  associationTroubled(associationId: number): boolean {
    return (this.associations.get(associationId)?.breaker.state ?? "closed") !== "closed";
  }

  /** A key's breaker state, and whether it is otherwise usable (not dead, not cooling), without creating an entry. */
  keyCondition(providerId: number, key: string, now: number): { breakerOpen: boolean; usable: boolean } {
    const health = this.findKey(providerId, key);
    if (!health) return { breakerOpen: false, usable: true };
    return { breakerOpen: health.breaker.state !== "closed", usable: !health.dead && health.coolingUntil <= now };
  }

  /** The last probe, Test connection or Reset of a provider. */
  providerCheck(providerId: number): ProviderCheck | null {
    return this.checks.get(providerId) ?? null;
  }

  /** Forget a provider's keys here only (another instance reset them). */
  forgetProvider(providerId: number): void {
    this.keys.delete(providerId);
  }

  /** The keys of a provider this registry has entries for. */
  knownKeys(providerId: number): IterableIterator<string> | undefined {
    return this.keys.get(providerId)?.keys();
  }

  /** Breaker state, recent outcomes and latency of an association, for the admin API. */
  associationSnapshot(id: number, now = Date.now()) {
    const health = this.associations.get(id);
    const recent = health?.recent.slice() ?? [];
    return {
      breaker: health?.breaker.snapshot(now) ?? { state: "closed" as const, consecutiveFailures: 0, retryAt: null },
      recent,
      /** How many of the newest `recent` outcomes came after the last recovery (all when there was none). */
      recentSinceRecovery: health?.recoveredAt === undefined ? recent.length : Math.min(health.sinceRecovery, recent.length),
      recoveredAt: health?.recoveredAt ?? null,
      firstByteMs: health?.latency ? Math.round(health.latency.firstByteMs) : null,
      errorRate: health?.latency ? Number(health.latency.errorRate.toFixed(3)) : null,
      lastError: health?.lastError ?? null,
    };
  }

  /** Each key of a provider, masked, with its state. */
  keySnapshots(providerId: number, keys: readonly string[], now: number) {
    return keys.map((key) => {
      const health = this.findKey(providerId, key);
      const state: KeyState = !health ? "ok" : health.dead ? "dead" : health.coolingUntil > now ? "cooling" : health.breaker.canPass(now) ? "ok" : "open";
      return {
        key: maskKey(key),
        state,
        deadReason: health?.dead?.reason ?? null,
        coolingUntil: health && health.coolingUntil > now ? health.coolingUntil : null,
        breaker: health?.breaker.snapshot(now) ?? { state: "closed" as const, consecutiveFailures: 0, retryAt: null },
        lastFailure: health?.lastFailure ?? null,
      };
    });
  }
}

function ewma(previous: number, sample: number): number {
  return previous + EWMA_ALPHA * (sample - previous);
}

/** The association's breakers were closed after trouble: judge it by what happens from now on. */
function markRecovered(association: AssociationHealth, now: number): void {
  association.recoveredAt = now;
  association.sinceRecovery = 0;
}
