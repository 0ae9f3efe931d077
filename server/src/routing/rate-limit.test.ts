import { describe, expect, test } from "bun:test";
import { RateLimit } from "./rate-limit.ts";

describe("RateLimit", () => {
  test("unlimited when nothing is set (null, 0 and undefined alike)", () => {
    expect(new RateLimit({}).unlimited).toBe(true);
    expect(new RateLimit({ requestsPerMinute: null, tokensPerMinute: 0, maxConcurrent: null }).unlimited).toBe(true);
    expect(new RateLimit({ maxConcurrent: 1 }).unlimited).toBe(false);
    const limit = new RateLimit({});
    for (let i = 0; i < 1_000; i++) limit.start(0);
    expect(limit.waitMs(0)).toBe(0);
  });

  describe("requests per minute", () => {
    test("admits up to the limit, then waits for the oldest start to leave the window", () => {
      const limit = new RateLimit({ requestsPerMinute: 2 });
      expect(limit.waitMs(0)).toBe(0);
      limit.start(0);
      limit.finish(0, 0);
      limit.start(10_000);
      limit.finish(10_000, 0);
      expect(limit.waitMs(10_000)).toBe(50_000);
      expect(limit.waitMs(59_999)).toBe(1);
      expect(limit.waitMs(60_000)).toBe(0);
    });

    test("the window slides: the n-th newest start decides", () => {
      const limit = new RateLimit({ requestsPerMinute: 2 });
      limit.start(0);
      limit.start(20_000);
      limit.start(30_000); // over the limit (started anyway, e.g. by a config change)
      // Two must leave for one to start: the one at 20 s leaves at 80 s.
      expect(limit.waitMs(30_000)).toBe(50_000);
      expect(limit.waitMs(60_000)).toBe(20_000);
      expect(limit.waitMs(80_000)).toBe(0);
    });

    test("snapshot counts only the last minute", () => {
      const limit = new RateLimit({ requestsPerMinute: 10 });
      limit.start(0);
      limit.start(30_000);
      expect(limit.snapshot(59_999)).toEqual({ inFlight: 2, requestsLastMinute: 2, tokensLastMinute: 0 });
      expect(limit.snapshot(60_000)).toEqual({ inFlight: 2, requestsLastMinute: 1, tokensLastMinute: 0 });
    });
  });

  describe("tokens per minute", () => {
    test("admits until the window is full, then waits until enough tokens leave", () => {
      const limit = new RateLimit({ tokensPerMinute: 1_000 });
      limit.start(0);
      limit.finish(0, 600);
      expect(limit.waitMs(0)).toBe(0);
      limit.start(5_000);
      limit.finish(10_000, 300);
      expect(limit.waitMs(10_000)).toBe(0);
      limit.start(20_000);
      limit.finish(20_000, 300);
      // 1,200 ≥ 1,000: the 600 at 0 s must leave (at 60 s) to go under.
      expect(limit.waitMs(20_000)).toBe(40_000);
      expect(limit.snapshot(20_000).tokensLastMinute).toBe(1_200);
      expect(limit.waitMs(60_000)).toBe(0);
      expect(limit.snapshot(60_000).tokensLastMinute).toBe(600);
    });

    test("waits for as many entries as it takes to go under", () => {
      const limit = new RateLimit({ tokensPerMinute: 100 });
      limit.finish(0, 30);
      limit.finish(10_000, 30);
      limit.finish(20_000, 90);
      // 150 total, 50 over: 0 s (30) and 10 s (30) must both leave → 70 s.
      expect(limit.waitMs(20_000)).toBe(50_000);
    });

    test("exactly at the limit counts as full", () => {
      const limit = new RateLimit({ tokensPerMinute: 100 });
      limit.finish(0, 100);
      expect(limit.waitMs(1)).toBe(59_999);
    });

    test("tokens are not tracked without a token limit", () => {
      const limit = new RateLimit({ requestsPerMinute: 100 });
      limit.start(0);
      limit.finish(0, 5_000);
      expect(limit.snapshot(0).tokensLastMinute).toBe(0);
    });
  });

  describe("concurrency", () => {
    test("waits (Infinity) while at the limit, until a running request ends", () => {
      const limit = new RateLimit({ maxConcurrent: 2 });
      limit.start(0);
      expect(limit.waitMs(0)).toBe(0);
      limit.start(0);
      expect(limit.waitMs(0)).toBe(Infinity);
      expect(limit.waitMs(10 * 60_000)).toBe(Infinity);
      limit.finish(1, 0);
      expect(limit.waitMs(1)).toBe(0);
      expect(limit.inFlight).toBe(1);
    });

    test("finish never drives the count below zero", () => {
      const limit = new RateLimit({ maxConcurrent: 1 });
      limit.finish(0, 0);
      expect(limit.inFlight).toBe(0);
      limit.start(0);
      expect(limit.waitMs(0)).toBe(Infinity);
    });
  });

  test("the longest of the waits wins", () => {
    const limit = new RateLimit({ requestsPerMinute: 1, tokensPerMinute: 10 });
    limit.start(0);
    limit.finish(30_000, 50);
    // RPM frees at 60 s, TPM at 90 s.
    expect(limit.waitMs(30_000)).toBe(60_000);
    expect(limit.waitMs(60_000)).toBe(30_000);
  });

  test("a changed config applies at once", () => {
    const limit = new RateLimit({ requestsPerMinute: 1 });
    limit.start(0);
    expect(limit.waitMs(0)).toBe(60_000);
    limit.config = { requestsPerMinute: 2 };
    expect(limit.waitMs(0)).toBe(0);
  });
});
