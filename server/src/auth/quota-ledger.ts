/**
 * Lifetime quotas of client keys, reserved at admission. A key's usage is counted from the
 * request log (in the database); what the log cannot know yet is the calls still running. The
 * ledger holds those as leases: a call is admitted only if its key's usage plus the leases of its
 * calls in flight leave room, and the check and the lease are one atomic step (in this process,
 * or one Lua script across instances). When the call's log rows are counted, its lease is
 * settled: released, and what the call used added to the ledger's running totals.
 *
 * The rule, per key (quota null: no limit):
 * - refused as used up when used requests ≥ request quota, or used tokens ≥ token quota;
 * - refused while in flight when used requests + calls in flight ≥ request quota (so at most
 *   quota − used calls run at once: no overshoot), or when other calls are in flight and used
 *   tokens + their reserved tokens + this call's tokens > token quota;
 * - else admitted. A call whose tokens do not fit is thus still admitted when it is the key's
 *   only call in flight and tokens remain, and nothing is admitted beside it.
 * So a request quota is never overshot, and a token quota by at most the tokens of that last call
 * (admitted alone), provided every call stays within the tokens it reserved (see `callTokenBound`).
 */

/** What a key has used (or has reserved). */
export interface QuotaUsage {
  requests: number;
  tokens: number;
}

/** A key's lifetime quotas; null means unlimited. */
export interface QuotaLimits {
  requests: number | null;
  tokens: number | null;
}

/**
 * The ledger's running totals at one moment: what it had settled per key. `epoch` changes when
 * the totals are lost (Redis flushed), which makes every snapshot taken before useless.
 */
export interface QuotaSnapshot {
  epoch: string;
  totals: ReadonlyMap<number, QuotaUsage>;
}

/** One call asking to be admitted. */
export interface QuotaClaim {
  keyId: number;
  limits: QuotaLimits;
  /** The most tokens the call may use (0 when the key has no token quota). */
  tokens: number;
  /** The key's usage as this instance knows it now (its copy, counted up as log rows are written here). */
  used: QuotaUsage;
  /**
   * The key's usage as loaded from the database, and the ledger's snapshot taken just before that
   * read: the ledger then adds what it settled since (calls of every instance), so usage counted
   * by another instance counts at once, not when this instance next reloads. Omitted: `used` is
   * taken as it is.
   */
  loaded?: { used: QuotaUsage; snapshot: QuotaSnapshot };
  now?: number;
}

/** Why a call was refused, with the counts the decision saw. */
export interface QuotaRefusal {
  admitted: false;
  /** `used-up`: waiting will not help; `in-flight`: calls running now hold the rest. */
  reason: "used-up" | "in-flight";
  used: QuotaUsage;
  /** Calls of the key in flight and the tokens they reserved. */
  reserved: QuotaUsage;
}

/** An admitted call's hold on its key's quota. */
export interface QuotaLease {
  readonly keyId: number;
  /** Ends the lease, adding what the call used to the totals. Later calls are ignored. */
  settle(used: QuotaUsage): void;
}

export type QuotaAdmission =
  | { admitted: true; lease: QuotaLease }
  | QuotaRefusal
  /** `loaded.snapshot` is from totals since lost: reload the key and ask again. */
  | { admitted: false; reason: "stale" };

/** Reserves and settles quota; `memory` for one instance, Redis for several. */
export interface QuotaLedger {
  /** Whether other instances share the ledger (then claims should carry `loaded`). */
  readonly shared: boolean;
  /** The totals now; undefined when they cannot be read (Redis away). */
  snapshot(): Promise<QuotaSnapshot | undefined>;
  admit(claim: QuotaClaim): QuotaAdmission | Promise<QuotaAdmission>;
}

export const NO_USAGE: QuotaUsage = Object.freeze({ requests: 0, tokens: 0 });

/** The rule above; undefined: admit. `inFlight` and `reservedTokens` exclude the call asking. */
export function quotaDecision(limits: QuotaLimits, used: QuotaUsage, inFlight: number, reservedTokens: number, tokens: number): QuotaRefusal["reason"] | undefined {
  if ((limits.requests !== null && used.requests >= limits.requests) || (limits.tokens !== null && used.tokens >= limits.tokens)) return "used-up";
  if (limits.requests !== null && used.requests + inFlight >= limits.requests) return "in-flight";
  if (limits.tokens !== null && inFlight > 0 && used.tokens + reservedTokens + tokens > limits.tokens) return "in-flight";
  return undefined;
}

/**
 * The ledger of one instance: leases and totals in this process. Exact: admission is
 * synchronous, so no two calls can see the same free unit.
 */
export class MemoryQuotaLedger implements QuotaLedger {
  readonly shared = false;
  private readonly epoch = crypto.randomUUID();
  private readonly totals = new Map<number, QuotaUsage>();
  /** Per key: lease id → tokens reserved. */
  private readonly leases = new Map<number, Map<number, number>>();
  private sequence = 0;

  async snapshot(): Promise<QuotaSnapshot> {
    return { epoch: this.epoch, totals: new Map([...this.totals].map(([keyId, usage]) => [keyId, { ...usage }])) };
  }

  admit(claim: QuotaClaim): QuotaAdmission {
    let used = claim.used;
    if (claim.loaded) {
      if (claim.loaded.snapshot.epoch !== this.epoch) return { admitted: false, reason: "stale" };
      used = usageSince(claim.loaded.used, this.totals.get(claim.keyId) ?? NO_USAGE, claim.loaded.snapshot.totals.get(claim.keyId) ?? NO_USAGE);
    }
    let held = this.leases.get(claim.keyId);
    const reservedTokens = held ? sum(held.values()) : 0;
    const inFlight = held?.size ?? 0;
    const refused = quotaDecision(claim.limits, used, inFlight, reservedTokens, claim.tokens);
    if (refused) return { admitted: false, reason: refused, used, reserved: { requests: inFlight, tokens: reservedTokens } };

    if (!held) this.leases.set(claim.keyId, (held = new Map()));
    const id = ++this.sequence;
    held.set(id, claim.tokens);
    let settled = false;
    return {
      admitted: true,
      lease: {
        keyId: claim.keyId,
        settle: (usage) => {
          if (settled) return;
          settled = true;
          held.delete(id);
          if (held.size === 0 && this.leases.get(claim.keyId) === held) this.leases.delete(claim.keyId);
          const total = this.totals.get(claim.keyId) ?? { ...NO_USAGE };
          total.requests += usage.requests;
          total.tokens += usage.tokens;
          this.totals.set(claim.keyId, total);
        },
      },
    };
  }

  /** Calls of a key in flight and the tokens they reserved (for tests and status). */
  reserved(keyId: number): QuotaUsage {
    const held = this.leases.get(keyId);
    return { requests: held?.size ?? 0, tokens: held ? sum(held.values()) : 0 };
  }
}

/** Usage loaded at a snapshot, plus what was settled after it. */
export function usageSince(loaded: QuotaUsage, totalNow: QuotaUsage, totalThen: QuotaUsage): QuotaUsage {
  return {
    requests: loaded.requests + Math.max(0, totalNow.requests - totalThen.requests),
    tokens: loaded.tokens + Math.max(0, totalNow.tokens - totalThen.tokens),
  };
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
