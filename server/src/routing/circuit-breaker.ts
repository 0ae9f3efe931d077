export type { BreakerState } from "@llmio/contract";
import type { BreakerState } from "@llmio/contract";

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker rejects before letting one probe through. */
  openMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, openMs: 30_000 };

/**
 * A circuit breaker: opens after repeated failures, lets a single probe through after a
 * cool-down (half-open), closes on the probe's success and re-opens on its failure.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  state: BreakerState = "closed";

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER) {}

  /** Whether a request may go through now; a half-open breaker admits one probe at a time. */
  canPass(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open") {
      if (now - this.openedAt < this.options.openMs) return false;
      this.state = "half-open";
      this.probing = false;
    }
    return !this.probing;
  }

  /** Marks that the admitted request is the half-open probe. */
  onAdmit(): void {
    if (this.state === "half-open") this.probing = true;
  }

  /** The admitted request ended without saying anything about the upstream: let another probe through. */
  release(): void {
    this.probing = false;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.probing = false;
    this.state = "closed";
  }

  recordFailure(now: number): void {
    this.failures++;
    this.probing = false;
    if (this.state === "half-open" || this.failures >= this.options.failureThreshold) {
      this.state = "open";
      this.openedAt = now;
    }
  }

  /** Whether it has anything to forget on a success (failures counted, or not closed). */
  get troubled(): boolean {
    return this.failures > 0 || this.state !== "closed";
  }

  /** A check made outside the request path (the background probe) failed: open again from `now`. */
  reopen(now: number): void {
    this.state = "open";
    this.openedAt = now;
    this.probing = false;
  }

  /** Another instance opened this breaker at `openedAt`: it holds here too. */
  openSince(openedAt: number): void {
    if (this.state === "open" && this.openedAt >= openedAt) return;
    this.state = "open";
    this.openedAt = openedAt;
    this.probing = false;
  }

  /** The consecutive failures every instance counted together (a closed breaker only counts). */
  syncFailures(count: number): void {
    if (this.state === "closed") this.failures = count;
  }

  /** When an open breaker will admit a probe. */
  retryAt(): number | undefined {
    return this.state === "open" ? this.openedAt + this.options.openMs : undefined;
  }

  /**
   * State for the admin API. Given `now`, an open breaker whose time is up is reported as
   * half-open (the next request goes through as its probe), so `retryAt` is never in the past.
   */
  snapshot(now?: number): { state: BreakerState; consecutiveFailures: number; retryAt: number | null } {
    const retryAt = this.retryAt() ?? null;
    if (now !== undefined && retryAt !== null && retryAt <= now) return { state: "half-open", consecutiveFailures: this.failures, retryAt: null };
    return { state: this.state, consecutiveFailures: this.failures, retryAt };
  }
}
