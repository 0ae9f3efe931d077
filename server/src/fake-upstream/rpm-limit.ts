/**
 * The fake's requests-per-minute limit (`rpm=N`): like a vendor's per-model RPM quota, a model
 * that received more than N requests within the last 60 s answers 429 with `Retry-After`.
 * Every arrival counts, refused ones included (vendors count unsuccessful requests against the
 * limit too), so a client that retries at once keeps the window full.
 *
 * Arrivals are counted in one-second buckets per model string, so memory stays bounded however
 * fast requests come (60 counters per model); the window is therefore exact to the second.
 */

export const RPM_WINDOW_MS = 60_000;
const BUCKET_MS = 1000;
const BUCKETS = RPM_WINDOW_MS / BUCKET_MS;
/** Models tracked at most; beyond, the least recently used is forgotten (a fresh window). */
const MAX_MODELS = 1024;

interface Window {
  /** Arrivals per second, a ring indexed by (second % BUCKETS). */
  counts: Uint32Array;
  /** The second each ring slot belongs to (stale slots are reset on use). */
  seconds: Float64Array;
}

/** The verdict on one arrival: admitted, or refused with the seconds until the window has room. */
export type RpmVerdict = { admitted: true } | { admitted: false; retryAfterS: number };

export class RpmLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts one arrival for `model` and says whether it is within `limit` per minute. */
  arrive(model: string, limit: number): RpmVerdict {
    const window = this.windowOf(model);
    const second = Math.floor(this.now() / BUCKET_MS);
    const slot = second % BUCKETS;
    if (window.seconds[slot] !== second) {
      window.seconds[slot] = second;
      window.counts[slot] = 0;
    }
    window.counts[slot]++;
    let inWindow = 0;
    let oldest = second;
    for (let i = 0; i < BUCKETS; i++) {
      const at = window.seconds[i];
      if (at > second - BUCKETS && window.counts[i] > 0) {
        inWindow += window.counts[i];
        if (at < oldest) oldest = at;
      }
    }
    if (inWindow <= limit) return { admitted: true };
    // Room comes back when the oldest counted second leaves the window.
    const retryAfterS = Math.max(1, Math.ceil(((oldest + BUCKETS) * BUCKET_MS - this.now()) / 1000));
    return { admitted: false, retryAfterS };
  }

  private windowOf(model: string): Window {
    let window = this.windows.get(model);
    if (window) {
      // Map order doubles as recency: move to the end.
      this.windows.delete(model);
    } else {
      if (this.windows.size >= MAX_MODELS) this.windows.delete(this.windows.keys().next().value as string);
      window = { counts: new Uint32Array(BUCKETS), seconds: new Float64Array(BUCKETS).fill(-1) };
    }
    this.windows.set(model, window);
    return window;
  }
}
