/**
 * One contract, two implementations: the in-process state (one instance: A and B are the same)
 * and Redis (A and B are two instances: two connections, one key prefix). Each case says what
 * any instance sees of what another did. The Redis cases need LLMIO_TEST_REDIS_URL.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { Balancer, newTried } from "../routing/balancer.ts";
import type { BreakerOptions } from "../routing/circuit-breaker.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import type { IpLockout, IpLockoutOptions } from "../auth/ip-lockout.ts";
import { connectSharedState, memorySharedState, type SharedState } from "./index.ts";
import { admitted, candidate, deleteKeys, eventually, isLease, refused, route } from "./test-support.ts";

const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
if (!redisUrl) console.error("shared-state contract: Redis cases skipped (set LLMIO_TEST_REDIS_URL to run them)");
const runPrefix = `llmio-test:${process.pid}-${crypto.randomUUID().slice(0, 8)}:`;

interface Instance {
  state: SharedState;
  balancer: Balancer;
  lockout: IpLockout;
}

interface PairOptions {
  breaker?: BreakerOptions;
  lockout?: IpLockoutOptions;
  leaseTtlMs?: number;
}

interface Implementation {
  name: string;
  skip: boolean;
  /** Two instances; `separate` is false when they are one and the same (in-process state). */
  pair(options?: PairOptions): Promise<{ a: Instance; b: Instance; separate: boolean; join(): Promise<Instance> }>;
}

const opened: SharedState[] = [];
let pairs = 0;

function instance(state: SharedState, options: PairOptions): Instance {
  opened.push(state);
  return { state, balancer: new Balancer({ breaker: options.breaker, shared: state.routing }), lockout: state.lockout(options.lockout) };
}

const implementations: Implementation[] = [
  {
    name: "memory",
    skip: false,
    async pair(options = {}) {
      const one = instance(memorySharedState(), options);
      return { a: one, b: one, separate: false, join: async () => one };
    },
  },
  {
    name: "redis",
    skip: !redisUrl,
    async pair(options = {}) {
      const prefix = `${runPrefix}${++pairs}:`;
      const connect = async () => instance(await connectSharedState(redisUrl, { prefix, leaseTtlMs: options.leaseTtlMs }), options);
      return { a: await connect(), b: await connect(), separate: true, join: connect };
    },
  },
];

afterEach(async () => {
  for (const state of opened.splice(0)) await state.close();
});

afterAll(async () => {
  if (redisUrl) await deleteKeys(redisUrl, runPrefix);
});

const acquire = (on: Instance, candidates: RouteCandidate[], waitMs = 50) => on.balancer.acquire(candidates, newTried(), Date.now() + waitMs);

const lease = (on: Instance, candidates: RouteCandidate[], waitMs = 50) => admitted(acquire(on, candidates, waitMs));
const refusal = refused;

const LIMITED = "every provider is at its rate or concurrency limit";
const UNHEALTHY = "no healthy provider is available";

for (const implementation of implementations) {
  const { pair } = implementation;
  const it = test.skipIf(implementation.skip);

  describe(`shared state contract (${implementation.name})`, () => {
    it("requests per minute count across instances: two on A, the third on B waits for the window", async () => {
      const { a, b } = await pair();
      const candidates = [candidate(1, { limits: { requestsPerMinute: 2 } })];
      (await lease(a, candidates)).finish({ ok: true });
      (await lease(a, candidates)).finish({ ok: true });
      const refused = await refusal(acquire(b, candidates));
      expect(refused.reason).toBe(LIMITED);
      expect(refused.retryAfterMs).toBeGreaterThan(59_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
    });

    it("concurrency counts across instances, and a release on A wakes a request waiting on B", async () => {
      const { a, b } = await pair();
      const candidates = [candidate(1, { limits: { maxConcurrent: 1 } })];
      const first = await lease(a, candidates);
      expect((await refusal(acquire(b, candidates))).reason).toBe(LIMITED);
      const started = Date.now();
      const waiting = acquire(b, candidates, 3_000);
      setTimeout(() => first.finish({ ok: true }), 50);
      const second = await waiting;
      expect(isLease(second)).toBe(true);
      // Woken by the release, well before the queue's own 1 s re-check.
      expect(Date.now() - started).toBeLessThan(900);
      expect((await b.balancer.sharedLimitSnapshot(101, Date.now())).inFlight).toBe(1);
    });

    it("a key's limit holds across instances while its provider's other key is free", async () => {
      const { a, b } = await pair();
      const candidates = [candidate(1, { apiKeys: ["x", "y"], keyLimits: { maxConcurrent: 1 } })];
      expect((await lease(a, candidates)).apiKey).toBe("x");
      expect((await lease(b, candidates)).apiKey).toBe("y");
      expect((await refusal(acquire(a, candidates))).reason).toBe(LIMITED);
    });

    it("tokens per minute reported on A hold B back until the window frees", async () => {
      const { a, b } = await pair();
      const candidates = [candidate(1, { limits: { tokensPerMinute: 100 } })];
      (await lease(a, candidates)).finish({ ok: true, tokens: 150 });
      await eventually(async () => (await b.balancer.sharedLimitSnapshot(101, Date.now())).tokensLastMinute === 150);
      const refused = await refusal(acquire(b, candidates));
      expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    });

    it("a breaker opened on A refuses on B", async () => {
      const { a, b } = await pair({ breaker: { failureThreshold: 2, openMs: 60_000 } });
      for (let i = 0; i < 2; i++) a.balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
      await eventually(() => b.balancer.health.associationSnapshot(1).breaker.state === "open");
      const refused = await refusal(acquire(b, [candidate(1)]));
      expect(refused.reason).toBe(UNHEALTHY);
      expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    });

    it("failures on different instances add up to open the breaker everywhere", async () => {
      const { a, b } = await pair({ breaker: { failureThreshold: 2, openMs: 60_000 } });
      a.balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
      await eventually(() => b.balancer.health.associationSnapshot(1).breaker.consecutiveFailures === 1);
      b.balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
      await eventually(() => a.balancer.health.associationSnapshot(1).breaker.state === "open");
      expect(b.balancer.health.associationSnapshot(1).breaker.state).toBe("open");
    });

    it("a successful probe on B closes the breaker on A", async () => {
      const { a, b } = await pair({ breaker: { failureThreshold: 1, openMs: 100 } });
      a.balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
      await eventually(() => b.balancer.health.associationSnapshot(1).breaker.state === "open");
      await Bun.sleep(120);
      (await lease(b, [candidate(1)])).finish({ ok: true });
      await eventually(() => a.balancer.health.associationSnapshot(1).breaker.state === "closed");
    });

    it("a key found dead on A is skipped on B (which never used it), until the provider is reset", async () => {
      const { a, b } = await pair();
      const candidates = [candidate(1, { apiKeys: ["x", "y"] })];
      a.balancer.health.record(1, 101, "x", { ok: false, failure: "credential", message: "401" }, Date.now());
      await eventually(() => !b.balancer.health.keyUsable(101, "x", Date.now()));
      for (let i = 0; i < 2; i++) {
        const got = await lease(b, candidates);
        expect(got.apiKey).toBe("y");
        got.finish({ ok: true });
      }
      expect(b.balancer.health.keySnapshots(101, ["x"], Date.now())[0]).toMatchObject({ state: "dead", deadReason: "401" });
      a.balancer.health.resetProvider(101);
      await eventually(() => b.balancer.health.keyUsable(101, "x", Date.now()));
    });

    it("a key cooling down on A cools on B", async () => {
      const { a, b } = await pair();
      a.balancer.health.record(1, 101, "x", { ok: false, failure: "rate_limit", retryAfterMs: 60_000 }, Date.now());
      await eventually(() => b.balancer.health.keySnapshots(101, ["x"], Date.now())[0].state === "cooling");
      expect(b.balancer.health.keyReadyAt(101, "x")).toBeGreaterThan(Date.now() + 59_000);
    });

    it("a sticky session set on A is followed on B", async () => {
      const { a, b } = await pair();
      const session = route([candidate(1), candidate(2), candidate(3)]);
      a.balancer.stick({ route: session, sessionKey: "s1" }, 3);
      const first = async (on: Instance, sessionKey: string) => {
        const planned = await on.balancer.plan({ route: route([candidate(1), candidate(2), candidate(3)]), sessionKey });
        if (!Array.isArray(planned)) throw planned;
        return planned[0].associationId;
      };
      await eventually(async () => (await first(b, "s1")) === 3);
      expect(await first(b, "s2")).toBe(1);
    });

    it("an IP locked out by failures on A and B is refused on both; one wrong key retried counts once", async () => {
      const { a, b } = await pair({ lockout: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000 } });
      a.lockout.recordFailure("203.0.113.9", Date.now(), "guess-1");
      b.lockout.recordFailure("203.0.113.9", Date.now(), "guess-2");
      await eventually(() => a.lockout.isLocked("203.0.113.9") && b.lockout.isLocked("203.0.113.9"));
      expect(b.lockout.retryAfterSeconds("203.0.113.9")).toBeGreaterThan(55);

      a.lockout.recordFailure("203.0.113.10", Date.now(), "old-key");
      b.lockout.recordFailure("203.0.113.10", Date.now(), "old-key");
      await Bun.sleep(100);
      expect(a.lockout.isLocked("203.0.113.10") || b.lockout.isLocked("203.0.113.10")).toBe(false);
    });

    it("a success on A does not forget failures of other keys: the next guess on B locks the IP everywhere", async () => {
      const { a, b } = await pair({ lockout: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000 } });
      a.lockout.recordFailure("203.0.113.11", Date.now(), "admin-guess-1");
      a.lockout.recordSuccess("203.0.113.11", Date.now(), "valid-client-key");
      await Bun.sleep(50);
      b.lockout.recordFailure("203.0.113.11", Date.now(), "admin-guess-2");
      await eventually(() => a.lockout.isLocked("203.0.113.11") && b.lockout.isLocked("203.0.113.11"));
    });

    it("a success on A forgets that same key's earlier failure there, and only it", async () => {
      const { a, b } = await pair({ lockout: { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000 } });
      a.lockout.recordFailure("203.0.113.12", Date.now(), "key-not-yet-known");
      a.lockout.recordFailure("203.0.113.12", Date.now(), "guess-1");
      a.lockout.recordSuccess("203.0.113.12", Date.now(), "key-not-yet-known");
      await Bun.sleep(50);
      b.lockout.recordFailure("203.0.113.12", Date.now(), "guess-2");
      await Bun.sleep(100);
      expect(a.lockout.isLocked("203.0.113.12") || b.lockout.isLocked("203.0.113.12")).toBe(false);
      b.lockout.recordFailure("203.0.113.12", Date.now(), "guess-3");
      await eventually(() => a.lockout.isLocked("203.0.113.12") && b.lockout.isLocked("203.0.113.12"));
    });

    it("failures fade with the window on every instance", async () => {
      const { a, b } = await pair({ lockout: { maxFailures: 2, windowMs: 300, lockoutMs: 60_000 } });
      a.lockout.recordFailure("203.0.113.13", Date.now(), "guess-1");
      await Bun.sleep(400);
      b.lockout.recordFailure("203.0.113.13", Date.now(), "guess-2");
      await Bun.sleep(100);
      expect(a.lockout.isLocked("203.0.113.13") || b.lockout.isLocked("203.0.113.13")).toBe(false);
      a.lockout.recordFailure("203.0.113.13", Date.now(), "guess-3");
      await eventually(() => a.lockout.isLocked("203.0.113.13") && b.lockout.isLocked("203.0.113.13"));
    });

    it("an instance that starts later sees open breakers, dead keys and locked IPs", async () => {
      const { a, join } = await pair({ breaker: { failureThreshold: 1, openMs: 60_000 }, lockout: { maxFailures: 1 } });
      a.balancer.health.record(7, 107, "k7", { ok: false, failure: "server" }, Date.now());
      a.balancer.health.record(8, 108, "x", { ok: false, failure: "credential" }, Date.now());
      a.lockout.recordFailure("198.51.100.1", Date.now(), "guess");
      await Bun.sleep(100);
      const c = await join();
      await eventually(
        () =>
          c.balancer.health.associationSnapshot(7).breaker.state === "open" &&
          !c.balancer.health.keyUsable(108, "x", Date.now()) &&
          c.lockout.isLocked("198.51.100.1"),
      );
    });

    it("the change bus tells the other instances, never the sender", async () => {
      const { a, b, separate } = await pair();
      const heard = { a: [] as string[], b: [] as string[] };
      a.state.changes.subscribe("catalog", () => heard.a.push("catalog"));
      if (separate) b.state.changes.subscribe("catalog", () => heard.b.push("catalog"));
      b.state.changes.subscribe("settings", () => heard.b.push("settings"));
      a.state.changes.publish("catalog");
      if (separate) await eventually(() => heard.b.length === 1);
      await Bun.sleep(50);
      expect(heard).toEqual({ a: [], b: separate ? ["catalog"] : [] });
    });

    // A crash only exists between instances: in-process state dies with its process.
    test.skipIf(!implementation.name.startsWith("redis") || implementation.skip)(
      "a crashed instance's slot lapses with its lease; a running one keeps renewing it",
      async () => {
        const { a, b } = await pair({ leaseTtlMs: 300 });
        const candidates = [candidate(1, { limits: { maxConcurrent: 1 } })];
        const running = await lease(a, candidates);
        await Bun.sleep(700);
        expect((await refusal(acquire(b, candidates))).reason).toBe(LIMITED);
        running.finish({ ok: true });

        await lease(a, candidates, 3_000);
        await a.state.close();
        const started = Date.now();
        const reclaimed = await acquire(b, candidates, 3_000);
        expect(isLease(reclaimed)).toBe(true);
        expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      },
    );
  });
}
