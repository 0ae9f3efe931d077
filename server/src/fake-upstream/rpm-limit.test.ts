import { describe, expect, test } from "bun:test";
import { RpmLimiter } from "./rpm-limit.ts";

/** A limiter on a clock the test moves. */
function limiterAt(startMs: number) {
  let now = startMs;
  const limiter = new RpmLimiter(() => now);
  return { limiter, advance: (ms: number) => void (now += ms) };
}

describe("RpmLimiter", () => {
  test("admits N requests a minute, refuses the next with the seconds until the window has room", () => {
    const { limiter, advance } = limiterAt(1_000_000);
    for (let i = 0; i < 3; i++) expect(limiter.arrive("m", 3)).toEqual({ admitted: true });
    advance(10_000);
    expect(limiter.arrive("m", 3)).toEqual({ admitted: false, retryAfterS: 50 });
  });

  test("refused arrivals count too, and the window slides: room again once the first second has left it", () => {
    const { limiter, advance } = limiterAt(2_000_000);
    expect(limiter.arrive("m", 1).admitted).toBe(true);
    advance(30_000);
    expect(limiter.arrive("m", 1).admitted).toBe(false); // counted: 2 in the window
    advance(30_000); // the first arrival has left; the refused one is still inside
    expect(limiter.arrive("m", 1)).toEqual({ admitted: false, retryAfterS: 30 });
    advance(60_000);
    expect(limiter.arrive("m", 1).admitted).toBe(true);
  });

  test("each model string has its own window", () => {
    const { limiter } = limiterAt(3_000_000);
    expect(limiter.arrive("a", 1).admitted).toBe(true);
    expect(limiter.arrive("b", 1).admitted).toBe(true);
    expect(limiter.arrive("a", 1).admitted).toBe(false);
  });
});
