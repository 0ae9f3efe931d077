import { describe, expect, test } from "bun:test";
import { IpLockout } from "./ip-lockout.ts";

const MINUTE = 60_000;

describe("IpLockout", () => {
  test("defaults: the 10th failure within 5 minutes locks the IP out for 15 minutes", () => {
    const lockout = new IpLockout();
    for (let attempt = 1; attempt <= 9; attempt++) expect(lockout.recordFailure("203.0.113.7", attempt * 1000, `guess-${attempt}`)).toBe(false);
    expect(lockout.isLocked("203.0.113.7", 9000)).toBe(false);
    expect(lockout.recordFailure("203.0.113.7", 10_000, "guess-10")).toBe(true);
    expect(lockout.retryAfterSeconds("203.0.113.7", 10_000)).toBe(15 * 60);
    expect(lockout.isLocked("203.0.113.7", 10_000 + 15 * MINUTE - 1)).toBe(true);
    expect(lockout.isLocked("203.0.113.7", 10_000 + 15 * MINUTE)).toBe(false);
  });

  test("loopback is not exempt", () => {
    const lockout = new IpLockout({ maxFailures: 2, windowMs: MINUTE, lockoutMs: MINUTE });
    lockout.recordFailure("127.0.0.1", 0, "a");
    lockout.recordFailure("127.0.0.1", 1, "b");
    expect(lockout.isLocked("127.0.0.1", 2)).toBe(true);
    lockout.recordFailure("::1", 0, "a");
    lockout.recordFailure("::1", 1, "b");
    expect(lockout.isLocked("::1", 2)).toBe(true);
  });

  test("failures older than the window do not count", () => {
    const lockout = new IpLockout({ maxFailures: 3, windowMs: MINUTE, lockoutMs: MINUTE });
    lockout.recordFailure("10.0.0.1", 0, "a");
    lockout.recordFailure("10.0.0.1", 1000, "b");
    // The first failure has left the window, so this is the second of the window, not the third.
    expect(lockout.recordFailure("10.0.0.1", MINUTE + 1, "c")).toBe(false);
    expect(lockout.recordFailure("10.0.0.1", MINUTE + 2, "d")).toBe(true);
  });

  test("retrying the same wrong key counts once; failures without a key each count", () => {
    const lockout = new IpLockout({ maxFailures: 3 });
    for (let time = 0; time < 20; time++) lockout.recordFailure("10.0.0.2", time, "stale-key");
    expect(lockout.isLocked("10.0.0.2", 20)).toBe(false);
    lockout.recordFailure("10.0.0.2", 21, "other-key");
    expect(lockout.recordFailure("10.0.0.2", 22, "third-key")).toBe(true);

    for (let time = 0; time < 3; time++) lockout.recordFailure("10.0.0.3", time);
    expect(lockout.isLocked("10.0.0.3", 3)).toBe(true);
  });

  test("a success does not forget other keys' failures: valid calls between guesses do not help", () => {
    const lockout = new IpLockout({ maxFailures: 10 });
    let locked = false;
    let guesses = 0;
    // The attack from issue 12: a valid call after every 9 wrong guesses, 180 guesses in all.
    while (!locked && guesses < 180) {
      locked = lockout.recordFailure("10.0.0.4", guesses, `admin-guess-${guesses}`);
      guesses++;
      if (guesses % 9 === 0) lockout.recordSuccess("10.0.0.4", guesses, "valid-client-key");
    }
    expect(guesses).toBe(10);
    expect(lockout.isLocked("10.0.0.4", guesses)).toBe(true);
  });

  test("a success forgets only earlier failures of the same key, and does not end a lockout", () => {
    const lockout = new IpLockout({ maxFailures: 3 });
    // A key tried before it was known (created on another instance a moment ago), then accepted.
    lockout.recordFailure("10.0.0.8", 0, "new-key");
    lockout.recordFailure("10.0.0.8", 1, "guess-1");
    lockout.recordSuccess("10.0.0.8", 2, "new-key");
    expect(lockout.recordFailure("10.0.0.8", 3, "guess-2")).toBe(false);
    expect(lockout.recordFailure("10.0.0.8", 4, "guess-3")).toBe(true);
    lockout.recordSuccess("10.0.0.8", 5, "guess-3");
    expect(lockout.isLocked("10.0.0.8", 6)).toBe(true);

    // Forgetting the only failure forgets the IP.
    lockout.recordFailure("10.0.0.9", 0, "new-key");
    lockout.recordSuccess("10.0.0.9", 1, "new-key");
    expect(lockout.size).toBe(1);
  });

  test("failures fade one by one as they leave the window, successes or not", () => {
    const lockout = new IpLockout({ maxFailures: 3, windowMs: MINUTE });
    lockout.recordFailure("10.0.0.10", 0, "a");
    lockout.recordFailure("10.0.0.10", 30_000, "b");
    lockout.recordSuccess("10.0.0.10", 40_000, "valid");
    // "a" has faded, "b" has not: this is the second failure of the window.
    expect(lockout.recordFailure("10.0.0.10", MINUTE + 1, "c")).toBe(false);
    expect(lockout.recordFailure("10.0.0.10", MINUTE + 2, "d")).toBe(true);
  });

  test("other IPs are unaffected, and an expired lockout starts from zero", () => {
    const lockout = new IpLockout({ maxFailures: 2, lockoutMs: 1000 });
    lockout.recordFailure("10.0.0.5", 0, "a");
    lockout.recordFailure("10.0.0.5", 1, "b");
    expect(lockout.isLocked("10.0.0.6", 2)).toBe(false);
    expect(lockout.isLocked("10.0.0.5", 1001)).toBe(false);
    expect(lockout.recordFailure("10.0.0.5", 1002, "c")).toBe(false);
  });

  test("memory is bounded: stale records are dropped and at most maxTracked are kept", () => {
    const lockout = new IpLockout({ maxFailures: 5, windowMs: 1000, maxTracked: 100 });
    for (let index = 0; index < 1000; index++) lockout.recordFailure(`198.51.100.${index}`, index, "k");
    expect(lockout.size).toBeLessThanOrEqual(100);

    const sweeping = new IpLockout({ maxFailures: 5, windowMs: 1000 });
    for (let index = 0; index < 50; index++) sweeping.recordFailure(`192.0.2.${index}`, 0, "k");
    // Every earlier record is out of its window by now and is dropped from the front.
    sweeping.recordFailure("192.0.2.200", 5000, "k");
    expect(sweeping.size).toBe(1);
  });
});
