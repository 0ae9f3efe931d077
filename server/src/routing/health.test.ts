import { describe, expect, test } from "bun:test";
import { HealthRegistry, type AttemptVerdict } from "./health.ts";
import type { FailureClass } from "./failure-class.ts";

const breaker = { failureThreshold: 2, openMs: 1_000 };
const ASSOC = 1;
const PROVIDER = 10;
const KEY = "sk-test-0123456789";
const fail = (failure: FailureClass, extra: Partial<AttemptVerdict> = {}): AttemptVerdict => ({ ok: false, failure, ...extra });

describe("HealthRegistry", () => {
  test("unknown keys are usable and ready", () => {
    const health = new HealthRegistry(breaker);
    expect(health.keyUsable(PROVIDER, KEY, 0)).toBe(true);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(0);
    expect(health.latencyOf(ASSOC)).toBeUndefined();
  });

  test("refused credentials make the key dead, not the breakers", () => {
    const health = new HealthRegistry(breaker);
    for (let i = 0; i < 3; i++) health.record(ASSOC, PROVIDER, KEY, fail("credential", { message: "invalid key" }), 100);
    expect(health.keyUsable(PROVIDER, KEY, 10 ** 12)).toBe(false);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(Infinity);
    expect(health.keyUsable(PROVIDER, "sk-other", 100)).toBe(true);
    expect(health.association(ASSOC).breaker.state).toBe("closed");
    expect(health.key(PROVIDER, KEY).dead).toEqual({ reason: "invalid key", at: 100 });
  });

  test("rate limit with Retry-After cools the key for exactly that long", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, fail("rate_limit", { retryAfterMs: 7_000 }), 1_000);
    expect(health.keyUsable(PROVIDER, KEY, 7_999)).toBe(false);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(8_000);
    expect(health.keyUsable(PROVIDER, KEY, 8_000)).toBe(true);
    expect(health.association(ASSOC).breaker.state).toBe("closed");
  });

  test("rate limit without Retry-After backs off 1 s, doubling, at most a minute; a success resets it", () => {
    const health = new HealthRegistry(breaker);
    const cooldowns: number[] = [];
    for (let i = 0; i < 9; i++) {
      health.record(ASSOC, PROVIDER, KEY, fail("rate_limit"), 0);
      cooldowns.push(health.keyReadyAt(PROVIDER, KEY));
    }
    expect(cooldowns).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    health.record(ASSOC, PROVIDER, KEY, { ok: true }, 100_000);
    health.record(ASSOC, PROVIDER, KEY, fail("rate_limit"), 100_000);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(101_000);
  });

  test("quota cools the key for ten minutes, or Retry-After", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, fail("quota"), 0);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(600_000);
    expect(health.keyUsable(PROVIDER, KEY, 599_999)).toBe(false);
    expect(health.keyUsable(PROVIDER, KEY, 600_000)).toBe(true);
    health.record(ASSOC, PROVIDER, "sk-b", fail("quota", { retryAfterMs: 5_000 }), 0);
    expect(health.keyReadyAt(PROVIDER, "sk-b")).toBe(5_000);
  });

  test("bad requests and refused content touch no breaker and no key", () => {
    const health = new HealthRegistry(breaker);
    for (let i = 0; i < 5; i++) {
      health.record(ASSOC, PROVIDER, KEY, fail("bad_request"), 0);
      health.record(ASSOC, PROVIDER, KEY, fail("content"), 0);
    }
    expect(health.association(ASSOC).breaker.state).toBe("closed");
    expect(health.key(PROVIDER, KEY).breaker.state).toBe("closed");
    expect(health.keyUsable(PROVIDER, KEY, 0)).toBe(true);
    expect(health.associationSnapshot(ASSOC).breaker.consecutiveFailures).toBe(0);
  });

  test("server failures open the association and key breakers at the threshold", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, fail("server"), 0);
    expect(health.association(ASSOC).breaker.canPass(0)).toBe(true);
    expect(health.keyUsable(PROVIDER, KEY, 0)).toBe(true);
    health.record(ASSOC, PROVIDER, KEY, fail("timeout"), 10);
    expect(health.association(ASSOC).breaker.canPass(10)).toBe(false);
    expect(health.keyUsable(PROVIDER, KEY, 10)).toBe(false);
    expect(health.keyReadyAt(PROVIDER, KEY)).toBe(1_010);
    expect(health.associationSnapshot(ASSOC, 10).breaker).toEqual({ state: "open", consecutiveFailures: 2, retryAt: 1_010 });
    // Past its open time the next request is let through as a probe: the view says so, never a past "until".
    expect(health.associationSnapshot(ASSOC, 1_010).breaker).toEqual({ state: "half-open", consecutiveFailures: 2, retryAt: null });
  });

  test("neutral outcomes (the client left) are ignored", () => {
    const health = new HealthRegistry(breaker);
    for (let i = 0; i < 5; i++) health.record(ASSOC, PROVIDER, KEY, { ok: false, neutral: true, failure: "server", firstByteMs: 9_999 }, 0);
    expect(health.latencyOf(ASSOC)).toBeUndefined();
    expect(health.associationSnapshot(ASSOC)).toEqual({
      breaker: { state: "closed", consecutiveFailures: 0, retryAt: null },
      recent: [],
      recentSinceRecovery: 0,
      recoveredAt: null,
      firstByteMs: null,
      errorRate: null,
      lastError: null,
    });
    expect(health.keyUsable(PROVIDER, KEY, 0)).toBe(true);
  });

  describe("a half-open probe that ends without a verdict does not stay stuck", () => {
    /** Opens both breakers, lets the open time pass and admits a probe as the balancer does. */
    function probing() {
      const health = new HealthRegistry(breaker);
      health.record(ASSOC, PROVIDER, KEY, fail("server"), 0);
      health.record(ASSOC, PROVIDER, KEY, fail("server"), 0);
      expect(health.association(ASSOC).breaker.canPass(1_000)).toBe(true);
      expect(health.keyUsable(PROVIDER, KEY, 1_000)).toBe(true);
      health.association(ASSOC).breaker.onAdmit();
      health.key(PROVIDER, KEY).breaker.onAdmit();
      expect(health.association(ASSOC).breaker.canPass(1_001)).toBe(false);
      return health;
    }

    const endings: Array<[string, AttemptVerdict]> = [
      ["client left", { ok: false, neutral: true }],
      ["bad request", fail("bad_request")],
      ["content", fail("content")],
      ["rate limit (key)", fail("rate_limit", { retryAfterMs: 0 })],
    ];
    for (const [name, outcome] of endings) {
      test(name, () => {
        const health = probing();
        health.record(ASSOC, PROVIDER, KEY, outcome, 1_002);
        const association = health.association(ASSOC).breaker;
        expect(association.state).toBe("half-open");
        expect(association.canPass(1_003)).toBe(true);
        expect(health.keyUsable(PROVIDER, KEY, 1_003)).toBe(true);
      });
    }
  });

  test("latency and error rate follow an EWMA; a success resets the breakers", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, { ok: true, firstByteMs: 100 }, 0);
    expect(health.latencyOf(ASSOC)).toEqual({ firstByteMs: 100, errorRate: 0 });
    health.record(ASSOC, PROVIDER, KEY, { ok: true, firstByteMs: 200 }, 0);
    expect(health.latencyOf(ASSOC)!.firstByteMs).toBeCloseTo(120);
    health.record(ASSOC, PROVIDER, KEY, fail("server"), 0);
    expect(health.latencyOf(ASSOC)!.firstByteMs).toBeCloseTo(120);
    expect(health.latencyOf(ASSOC)!.errorRate).toBeCloseTo(0.2);
    health.record(ASSOC, PROVIDER, KEY, { ok: true }, 0);
    expect(health.associationSnapshot(ASSOC).breaker.consecutiveFailures).toBe(0);
    expect(health.key(PROVIDER, KEY).breaker.snapshot().consecutiveFailures).toBe(0);
  });

  test("the first sample is a failure: error rate 1", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, fail("connection"), 0);
    expect(health.latencyOf(ASSOC)).toEqual({ firstByteMs: 0, errorRate: 1 });
  });

  test("resetProvider forgets its keys only", () => {
    const health = new HealthRegistry(breaker);
    health.record(ASSOC, PROVIDER, KEY, fail("credential"), 0);
    health.record(2, 20, KEY, fail("credential"), 0);
    health.record(ASSOC, PROVIDER, "sk-b", fail("quota"), 0);
    health.resetProvider(PROVIDER);
    expect(health.keyUsable(PROVIDER, KEY, 0)).toBe(true);
    expect(health.keyUsable(PROVIDER, "sk-b", 0)).toBe(true);
    expect(health.keyUsable(20, KEY, 0)).toBe(false);
  });

  test("association snapshot: last 20 outcomes, rounded latency, last error", () => {
    const health = new HealthRegistry({ failureThreshold: 100, openMs: 1_000 });
    for (let i = 0; i < 25; i++) health.record(ASSOC, PROVIDER, KEY, i % 5 === 4 ? fail("server", { message: `boom ${i}` }) : { ok: true, firstByteMs: 100.4 }, i);
    const snapshot = health.associationSnapshot(ASSOC);
    expect(snapshot.recent).toHaveLength(20);
    expect(snapshot.recent.slice(-5)).toEqual([true, true, true, true, false]);
    expect(snapshot.firstByteMs).toBe(100);
    expect(snapshot.lastError).toEqual({ failure: "server", cause: "server-error", message: "boom 24", at: 24 });
    expect(snapshot.errorRate).toBe(Number(snapshot.errorRate!.toFixed(3)));
  });

  test("key snapshots are masked and show each key's state", () => {
    const health = new HealthRegistry(breaker);
    const keys = ["sk-live-aaaaaaaa1111", "sk-live-bbbbbbbb2222", "sk-live-cccccccc3333", "sk-live-dddddddd4444", "short"];
    health.record(ASSOC, PROVIDER, keys[0], fail("credential", { message: "revoked" }), 0);
    health.record(ASSOC, PROVIDER, keys[1], fail("rate_limit", { retryAfterMs: 5_000 }), 0);
    health.record(ASSOC, PROVIDER, keys[2], fail("server"), 0);
    health.record(ASSOC, PROVIDER, keys[2], fail("server"), 0);
    const snapshots = health.keySnapshots(PROVIDER, keys, 100);
    expect(snapshots.map((snapshot) => snapshot.key)).toEqual(["sk-…1111", "sk-…2222", "sk-…3333", "sk-…4444", "…rt"]);
    expect(snapshots.map((snapshot) => snapshot.state)).toEqual(["dead", "cooling", "open", "ok", "ok"]);
    expect(snapshots[0].deadReason).toBe("revoked");
    expect(snapshots[1].coolingUntil).toBe(5_000);
    expect(snapshots[2].breaker).toEqual({ state: "open", consecutiveFailures: 2, retryAt: 1_000 });
    expect(snapshots[0].lastFailure).toMatchObject({ failure: "credential", cause: "credential", message: "revoked" });
    expect(snapshots[3]).toEqual({
      key: "sk-…4444",
      state: "ok",
      deadReason: null,
      coolingUntil: null,
      breaker: { state: "closed", consecutiveFailures: 0, retryAt: null },
      lastFailure: null,
    });
    expect(JSON.stringify(snapshots)).not.toContain("aaaaaaaa");
  });

  describe("causes", () => {
    test("a refused connection is named as such on the association and the key", () => {
      const health = new HealthRegistry(breaker);
      const message = "connection failed: ECONNREFUSED: Unable to connect. Is the computer able to access the url?";
      health.record(ASSOC, PROVIDER, KEY, fail("connection", { message }), 5);
      expect(health.associationSnapshot(ASSOC).lastError).toEqual({ failure: "connection", cause: "connection-refused", message, at: 5 });
      expect(health.keySnapshots(PROVIDER, [KEY], 5)[0].lastFailure).toMatchObject({ cause: "connection-refused" });
    });

    test("a bad request is the client's: the association remembers it, the key does not", () => {
      const health = new HealthRegistry(breaker);
      health.record(ASSOC, PROVIDER, KEY, fail("bad_request", { message: "HTTP 400: bad" }), 5);
      expect(health.associationSnapshot(ASSOC).lastError?.cause).toBe("bad-request");
      expect(health.keySnapshots(PROVIDER, [KEY], 5)[0].lastFailure).toBeNull();
    });
  });

  describe("recovery outside the request path", () => {
    /** Both breakers of ASSOC, KEY and a second key's breaker open at time 0; a dead third key; another provider's key dead. */
    function broken() {
      const health = new HealthRegistry(breaker);
      for (const key of [KEY, "sk-second"]) for (let i = 0; i < 2; i++) health.record(ASSOC, PROVIDER, key, fail("connection", { message: "ECONNREFUSED" }), 0);
      health.record(ASSOC, PROVIDER, "sk-dead", fail("credential", { message: "revoked" }), 0);
      health.record(2, 20, KEY, fail("credential"), 0);
      return health;
    }

    test("a provider that answered: every breaker of it closes, the key that answered revives, the others stay dead", () => {
      const health = broken();
      expect(health.anyBreakerOpen()).toBe(true);
      expect(health.associationSnapshot(ASSOC, 10).recentSinceRecovery).toBe(5);
      health.recoverProvider(PROVIDER, { associationIds: [ASSOC], revivedKeys: [KEY], by: "test", at: 50 });
      expect(health.associationSnapshot(ASSOC, 60)).toMatchObject({ breaker: { state: "closed" }, recoveredAt: 50, recentSinceRecovery: 0 });
      expect(health.keyUsable(PROVIDER, KEY, 60)).toBe(true);
      expect(health.keyUsable(PROVIDER, "sk-second", 60)).toBe(true);
      expect(health.keyUsable(PROVIDER, "sk-dead", 60)).toBe(false);
      expect(health.keyUsable(20, KEY, 60)).toBe(false);
      expect(health.anyBreakerOpen()).toBe(false);
      expect(health.providerCheck(PROVIDER)).toEqual({ by: "test", ok: true, at: 50, failure: null });
      // The failures before the recovery stay in the history; what comes after is judged alone.
      health.record(ASSOC, PROVIDER, KEY, { ok: true }, 70);
      expect(health.associationSnapshot(ASSOC, 70)).toMatchObject({ recent: [false, false, false, false, false, true], recentSinceRecovery: 1 });
    });

    test("a reset revives every key of the provider", () => {
      const health = broken();
      health.recoverProvider(PROVIDER, { associationIds: [ASSOC], revivedKeys: "all", by: "reset", at: 50 });
      expect(health.keyUsable(PROVIDER, "sk-dead", 60)).toBe(true);
      expect(health.keyUsable(20, KEY, 60)).toBe(false);
    });

    test("a real success through an open breaker counts as a recovery too", () => {
      const health = broken();
      health.record(ASSOC, PROVIDER, KEY, { ok: true }, 2_000);
      expect(health.associationSnapshot(ASSOC, 2_000)).toMatchObject({ recoveredAt: 2_000, recentSinceRecovery: 1 });
    });

    test("a failed probe opens again, from now, only the breakers that were open, and names the cause", () => {
      const health = broken();
      health.association(3).breaker; // a closed association of the same provider
      const refused = { failure: "connection" as const, cause: "connection-refused" as const, message: "ECONNREFUSED", at: 900 };
      health.recordProbeFailure(PROVIDER, ASSOC, KEY, refused);
      expect(health.associationSnapshot(ASSOC, 950).breaker).toMatchObject({ state: "open", retryAt: 1_900 });
      expect(health.key(PROVIDER, KEY).breaker.retryAt()).toBe(1_900);
      // The second key was not probed: its open time runs as before.
      expect(health.key(PROVIDER, "sk-second").breaker.retryAt()).toBe(1_000);
      expect(health.providerCheck(PROVIDER)).toEqual({ by: "probe", ok: false, at: 900, failure: refused });
      expect(health.associationSnapshot(ASSOC, 950).lastError).toEqual(refused);

      health.recordProbeFailure(PROVIDER, 3, KEY, { ...refused, at: 950 });
      expect(health.association(3).breaker.state).toBe("closed");
    });

    test("a probe refused for its key marks the key dead, not the breakers", () => {
      const health = broken();
      health.recordProbeFailure(PROVIDER, ASSOC, "sk-second", { failure: "credential", cause: "credential", message: "HTTP 401: revoked", at: 900 });
      expect(health.keyUsable(PROVIDER, "sk-second", 5_000)).toBe(false);
      expect(health.keyCondition(PROVIDER, "sk-second", 5_000)).toEqual({ breakerOpen: true, usable: false });
      expect(health.associationSnapshot(ASSOC, 950).breaker.retryAt).toBe(1_000);
    });

    test("without shared state every instance may probe", async () => {
      expect(await new HealthRegistry(breaker).claimProbe(PROVIDER, 1_000)).toBe(true);
    });
  });
});
