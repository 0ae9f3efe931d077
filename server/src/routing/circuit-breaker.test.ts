import { describe, expect, test } from "bun:test";
import { CircuitBreaker, DEFAULT_BREAKER } from "./circuit-breaker.ts";

const options = { failureThreshold: 3, openMs: 1_000 };

/** A breaker that is open since `at`. */
function opened(at = 0) {
  const breaker = new CircuitBreaker(options);
  for (let i = 0; i < options.failureThreshold; i++) breaker.recordFailure(at);
  return breaker;
}

describe("CircuitBreaker", () => {
  test("defaults: 5 failures, 30 s", () => {
    expect(DEFAULT_BREAKER).toEqual({ failureThreshold: 5, openMs: 30_000 });
    const breaker = new CircuitBreaker();
    for (let i = 0; i < 4; i++) breaker.recordFailure(0);
    expect(breaker.state).toBe("closed");
    breaker.recordFailure(0);
    expect(breaker.state).toBe("open");
  });

  test("stays closed below the threshold; a success resets the count", () => {
    const breaker = new CircuitBreaker(options);
    breaker.recordFailure(0);
    breaker.recordFailure(0);
    breaker.recordSuccess();
    breaker.recordFailure(0);
    breaker.recordFailure(0);
    expect(breaker.state).toBe("closed");
    expect(breaker.canPass(0)).toBe(true);
    expect(breaker.snapshot()).toEqual({ state: "closed", consecutiveFailures: 2, retryAt: null });
  });

  test("opens at the threshold and rejects until openMs has passed", () => {
    const breaker = opened(100);
    expect(breaker.state).toBe("open");
    expect(breaker.retryAt()).toBe(1_100);
    expect(breaker.canPass(100)).toBe(false);
    expect(breaker.canPass(1_099)).toBe(false);
    expect(breaker.snapshot()).toEqual({ state: "open", consecutiveFailures: 3, retryAt: 1_100 });
  });

  test("half-open admits a single probe at a time", () => {
    const breaker = opened(0);
    expect(breaker.canPass(1_000)).toBe(true);
    expect(breaker.state).toBe("half-open");
    expect(breaker.retryAt()).toBeUndefined();
    breaker.onAdmit();
    expect(breaker.canPass(1_001)).toBe(false);
  });

  test("a successful probe closes the breaker", () => {
    const breaker = opened(0);
    breaker.canPass(1_000);
    breaker.onAdmit();
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.canPass(1_001)).toBe(true);
    expect(breaker.snapshot().consecutiveFailures).toBe(0);
  });

  test("a failed probe re-opens it for another openMs", () => {
    const breaker = opened(0);
    breaker.canPass(1_000);
    breaker.onAdmit();
    breaker.recordFailure(1_500);
    expect(breaker.state).toBe("open");
    expect(breaker.retryAt()).toBe(2_500);
    expect(breaker.canPass(2_499)).toBe(false);
    expect(breaker.canPass(2_500)).toBe(true);
  });

  test("onAdmit on a closed breaker changes nothing", () => {
    const breaker = new CircuitBreaker(options);
    breaker.onAdmit();
    expect(breaker.canPass(0)).toBe(true);
    expect(breaker.canPass(0)).toBe(true);
  });

  test("release ends a probe without a verdict: still half-open, next probe admitted", () => {
    const breaker = opened(0);
    breaker.canPass(1_000);
    breaker.onAdmit();
    breaker.release();
    expect(breaker.state).toBe("half-open");
    expect(breaker.canPass(1_001)).toBe(true);
  });

  test("reopen: a failed background probe opens it again from then, whatever the half-open probe was doing", () => {
    const breaker = opened(0);
    breaker.canPass(1_000);
    breaker.onAdmit();
    breaker.reopen(1_200);
    expect(breaker.state).toBe("open");
    expect(breaker.retryAt()).toBe(2_200);
    expect(breaker.canPass(2_199)).toBe(false);
    expect(breaker.canPass(2_200)).toBe(true);
  });

  test("snapshot at a time: an open breaker past its open time is shown half-open, without a past retryAt", () => {
    const breaker = opened(0);
    expect(breaker.snapshot(999)).toEqual({ state: "open", consecutiveFailures: 3, retryAt: 1_000 });
    expect(breaker.snapshot(1_000)).toEqual({ state: "half-open", consecutiveFailures: 3, retryAt: null });
    // Looking does not change it.
    expect(breaker.state).toBe("open");
  });
});
