import { createHash } from "node:crypto";

/** Thresholds of an `IpLockout`; every field has a default. */
export interface IpLockoutOptions {
  /** Failed authentications within `windowMs` that lock an IP out (default 10). */
  maxFailures?: number;
  /** How far back failures count (default 5 minutes). */
  windowMs?: number;
  /** How long a locked-out IP is refused (default 15 minutes). */
  lockoutMs?: number;
  /** Most IPs remembered at once; beyond it the one that failed longest ago is forgotten (default 10,000). */
  maxTracked?: number;
}

/**
 * Shares failures with other gateway instances (see `shared-state/redis-lockout.ts`), which
 * count them together and call `lockUntil` on every instance once the IP is locked out.
 */
export interface LockoutSharing {
  /** A failed authentication counted here; `credential` is the short hash of the key, if any. */
  failed(ip: string, now: number, credential: string | undefined): void;
  /** A key that had failed here from this IP now authenticated: forget that key's shared failure (only that one). */
  succeeded(ip: string, credential: string): void;
}

interface Failure {
  time: number;
  /** A short hash of the key that failed, when known. */
  credential?: string;
}

interface IpRecord {
  /** The recent failures, oldest first; never more than `maxFailures`. */
  failures: Failure[];
  lockedUntil?: number;
}

/** The short hash a failure is remembered by: enough to tell keys apart, useless to recover one. */
function credentialOf(presentedKey: string): string {
  return createHash("sha256").update(presentedKey).digest("base64url").slice(0, 12);
}

/**
 * Locks an IP out after repeated failed authentications, so keys cannot be guessed at speed.
 * Failures count per IP in a sliding window: they fade with time, never with a success, so a
 * caller holding one valid key cannot slip it in between guesses of another (the admin token)
 * to keep the count low. A success forgets only earlier failures of the very key that
 * succeeded (a key tried before another instance knew it), since those were no guesses.
 * Retrying one and the same wrong key counts once per window: that is a misconfigured client
 * (an old key in a polling extension), not a guess, and should not lock its whole host out.
 * Loopback and private addresses are not exempt: a gateway behind a local reverse proxy sees
 * every client as 127.0.0.1, and exempting it would switch the protection off there.
 * Memory is bounded: records are kept in the order of their last failure (a `Map` keeps
 * insertion order), stale ones are dropped from the front, and at most `maxTracked` are kept.
 */
export class IpLockout {
  private readonly records = new Map<string, IpRecord>();
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  private readonly maxTracked: number;

  constructor(
    options: IpLockoutOptions = {},
    private readonly sharing?: LockoutSharing,
  ) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.lockoutMs = options.lockoutMs ?? 15 * 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
  }

  /** Seconds until a locked-out IP may try again (at least 1), or undefined when it is not locked out. */
  retryAfterSeconds(ip: string, now = Date.now()): number | undefined {
    const record = this.records.get(ip);
    if (record?.lockedUntil === undefined) return undefined;
    if (record.lockedUntil <= now) {
      // The lockout is over: the IP starts again with a clean slate.
      this.records.delete(ip);
      return undefined;
    }
    return Math.max(1, Math.ceil((record.lockedUntil - now) / 1000));
  }

  isLocked(ip: string, now = Date.now()): boolean {
    return this.retryAfterSeconds(ip, now) !== undefined;
  }

  /**
   * Counts one failed authentication with the presented key (if any); returns true when the
   * IP is now locked out. Only a hash prefix of the key is kept.
   */
  recordFailure(ip: string, now = Date.now(), presentedKey?: string): boolean {
    if (this.isLocked(ip, now)) return true;
    const record = this.records.get(ip) ?? { failures: [] };
    const credential = presentedKey === undefined ? undefined : credentialOf(presentedKey);
    const recent = record.failures.filter(
      (failure) => failure.time > now - this.windowMs && (credential === undefined || failure.credential !== credential),
    );
    recent.push({ time: now, credential });
    this.sharing?.failed(ip, now, credential);
    // Re-inserting moves the record to the back, keeping the map ordered by last failure.
    this.records.delete(ip);
    if (recent.length >= this.maxFailures) this.records.set(ip, { failures: [], lockedUntil: now + this.lockoutMs });
    else this.records.set(ip, { failures: recent });
    this.evict(now);
    return recent.length >= this.maxFailures;
  }

  /**
   * A successful authentication with `presentedKey` forgets the IP's earlier failures with that
   * same key, and no others: failures of other keys still count until they leave the window.
   * A lockout runs its course.
   */
  recordSuccess(ip: string, now: number, presentedKey: string): void {
    const record = this.records.get(ip);
    if (record === undefined || this.isLocked(ip, now)) return;
    const credential = credentialOf(presentedKey);
    const others = record.failures.filter((failure) => failure.credential !== credential);
    if (others.length === record.failures.length) return;
    if (others.length === 0) this.records.delete(ip);
    else record.failures = others;
    // Only a key that failed here asks the shared count to forget: no round trip per request.
    this.sharing?.succeeded(ip, credential);
  }

  /** Another instance locked this IP out until `until`: refuse it here as well. */
  lockUntil(ip: string, until: number, now = Date.now()): void {
    if (until <= now || (this.records.get(ip)?.lockedUntil ?? 0) >= until) return;
    this.records.delete(ip);
    this.records.set(ip, { failures: [], lockedUntil: until });
    this.evict(now);
  }

  /** How many IPs are remembered (for tests and metrics). */
  get size(): number {
    return this.records.size;
  }

  private evict(now: number): void {
    for (const [ip, record] of this.records) {
      const stale = (record.lockedUntil ?? 0) <= now && (record.failures.at(-1)?.time ?? 0) <= now - this.windowMs;
      if (!stale && this.records.size <= this.maxTracked) break;
      this.records.delete(ip);
    }
  }
}
