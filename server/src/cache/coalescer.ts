import type { CachedAnswer } from "./cached-answer.ts";

/** The first request for a key: it calls the upstream and tells the waiters how that went. */
export interface Flight {
  /** The answer it stored, or undefined when it failed (the waiters then call the upstream themselves). */
  land(answer: CachedAnswer | undefined): void;
}

export interface CoalescerOptions {
  /** Requests that may wait for one flight; later ones call the upstream on their own. */
  maxWaiters: number;
}

interface Pending {
  answer: Promise<CachedAnswer | undefined>;
  land: (answer: CachedAnswer | undefined) => void;
  waiters: number;
}

/**
 * In-flight coalescing: while one request for a key is being answered, identical ones wait for
 * its answer instead of calling the upstream again. A waiter gives up after its own deadline (the
 * model's total timeout) or when its client leaves, and then goes on by itself; so do all waiters
 * when the first request fails. Only the first request's complete answer is shared.
 */
export class Coalescer {
  private readonly flights = new Map<string, Pending>();

  constructor(private readonly options: CoalescerOptions) {}

  /**
   * Either the answer of the request already in flight for `key` (undefined when it failed, the
   * wait ran out or there are too many waiters), or a new flight this request leads.
   */
  join(key: string, waitMs: number, signal?: AbortSignal): { lead: Flight } | { wait: Promise<CachedAnswer | undefined> } {
    const pending = this.flights.get(key);
    if (!pending) return { lead: this.lead(key) };
    if (pending.waiters >= this.options.maxWaiters) return { wait: Promise.resolve(undefined) };
    pending.waiters++;
    return { wait: waitAtMost(pending.answer, waitMs, signal).finally(() => pending.waiters--) };
  }

  /** Requests currently leading a flight (for tests and the live view). */
  get inFlight(): number {
    return this.flights.size;
  }

  private lead(key: string): Flight {
    let land!: (answer: CachedAnswer | undefined) => void;
    const answer = new Promise<CachedAnswer | undefined>((resolve) => (land = resolve));
    const pending: Pending = { answer, land, waiters: 0 };
    this.flights.set(key, pending);
    let landed = false;
    return {
      land: (result) => {
        if (landed) return;
        landed = true;
        if (this.flights.get(key) === pending) this.flights.delete(key);
        land(result);
      },
    };
  }
}

function waitAtMost<T>(promise: Promise<T | undefined>, ms: number, signal?: AbortSignal): Promise<T | undefined> {
  if (signal?.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const done = (value: T | undefined) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const onAbort = () => done(undefined);
    const timer = setTimeout(() => done(undefined), Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(done, () => done(undefined));
  });
}
