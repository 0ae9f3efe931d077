export interface LimitConfig {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  maxConcurrent?: number | null;
}

const WINDOW_MS = 60_000;

/**
 * Requests per minute, tokens per minute and concurrent requests for one provider or key.
 * Windows slide: a request counts for 60 s after it started; tokens count from when they
 * were reported. Tokens are only known afterwards, so TPM admits until the window is full.
 */
export class RateLimit {
  private readonly starts: number[] = [];
  private readonly tokens: Array<{ at: number; count: number }> = [];
  private tokenSum = 0;
  inFlight = 0;

  constructor(public config: LimitConfig) {}

  get unlimited(): boolean {
    const { requestsPerMinute, tokensPerMinute, maxConcurrent } = this.config;
    return !requestsPerMinute && !tokensPerMinute && !maxConcurrent;
  }

  /** 0 when a request may start now, else how long until one may (Infinity: when a running one ends). */
  waitMs(now: number): number {
    this.expire(now);
    const { requestsPerMinute, tokensPerMinute, maxConcurrent } = this.config;
    let wait = 0;
    if (maxConcurrent && this.inFlight >= maxConcurrent) wait = Infinity;
    if (requestsPerMinute && this.starts.length >= requestsPerMinute) {
      wait = Math.max(wait, this.starts[this.starts.length - requestsPerMinute] + WINDOW_MS - now);
    }
    if (tokensPerMinute && this.tokenSum >= tokensPerMinute && this.tokens.length > 0) {
      let excess = this.tokenSum - tokensPerMinute;
      for (const entry of this.tokens) {
        excess -= entry.count;
        if (excess < 0) {
          wait = Math.max(wait, entry.at + WINDOW_MS - now);
          break;
        }
      }
    }
    return wait;
  }

  start(now: number): void {
    this.starts.push(now);
    this.inFlight++;
  }

  finish(now: number, tokens: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (tokens > 0 && this.config.tokensPerMinute) {
      this.tokens.push({ at: now, count: tokens });
      this.tokenSum += tokens;
    }
  }

  snapshot(now: number) {
    this.expire(now);
    return { inFlight: this.inFlight, requestsLastMinute: this.starts.length, tokensLastMinute: this.tokenSum };
  }

  private expire(now: number): void {
    const cutoff = now - WINDOW_MS;
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop] <= cutoff) drop++;
    if (drop > 0) this.starts.splice(0, drop);
    while (this.tokens.length > 0 && this.tokens[0].at <= cutoff) this.tokenSum -= this.tokens.shift()!.count;
  }
}
