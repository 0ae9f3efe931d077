/**
 * Requests that found every candidate at its limit wait here, first come first served,
 * until a slot frees (a request finished or a window moved on) or their wait runs out.
 */
export class WaitQueue {
  private readonly waiters: Array<{ wake: () => void }> = [];

  constructor(readonly maxLength = 10_000) {}

  get length(): number {
    return this.waiters.length;
  }

  /**
   * Resolves when woken (the caller then tries again), after `retryInMs` (a window frees),
   * or false when `deadline` passes or the client leaves.
   */
  wait(deadline: number, retryInMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.waiters.length >= this.maxLength || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const now = Date.now();
      const entry = { wake: () => done(true) };
      const timeout = setTimeout(() => done(now + retryInMs < deadline), Math.max(0, Math.min(retryInMs, deadline - now)));
      const onAbort = () => done(false);
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = (again: boolean) => {
        clearTimeout(timeout);
        signal?.removeEventListener("abort", onAbort);
        const index = this.waiters.indexOf(entry);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(again && Date.now() < deadline);
      };
      this.waiters.push(entry);
    });
  }

  /** A slot freed: wake the longest-waiting request (it re-checks the limits itself). */
  wakeOne(): void {
    this.waiters[0]?.wake();
  }

  wakeAll(): void {
    for (const waiter of this.waiters.slice()) waiter.wake();
  }
}
