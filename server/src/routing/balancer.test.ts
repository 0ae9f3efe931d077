import { describe, expect, test } from "bun:test";
import { GatewayError } from "../core/errors.ts";
import type { RouteCandidate } from "./catalog.ts";
import { Balancer, newTried } from "./balancer.ts";
import { admitted, candidate, isLease, refused, route } from "./test-support.ts";

/** Association `id` of provider `100 + id`, weight `10 - id` (lower ids weigh more). */
const makeCandidate = (id: number, overrides: Partial<RouteCandidate> = {}) => candidate(id, { weight: 10 - id, ...overrides });
const makeRoute = route;

const ids = (list: ReturnType<Balancer["plan"]>) => {
  if (list instanceof GatewayError) throw list;
  if (list instanceof Promise) throw new Error("an in-memory balancer plans synchronously");
  return list.map((candidate) => candidate.associationId);
};


const lease = (balancer: Balancer, candidates: RouteCandidate[], tried = newTried(), deadline = Date.now() + 1_000) =>
  admitted(balancer.acquire(candidates, tried, deadline));
const refusal = refused;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Balancer.plan", () => {
  const three = () => [makeCandidate(1), makeCandidate(2), makeCandidate(3)];

  test("orders by the model's strategy", () => {
    const balancer = new Balancer();
    expect(ids(balancer.plan({ route: makeRoute(three().reverse()) }))).toEqual([1, 2, 3]);
    const roundRobin = makeRoute(three(), { id: 2, strategy: "round-robin" });
    expect(ids(balancer.plan({ route: roundRobin }))).toEqual([1, 2, 3]);
    expect(ids(balancer.plan({ route: roundRobin }))).toEqual([2, 3, 1]);
  });

  test("least-latency uses what the health registry learned", () => {
    const balancer = new Balancer();
    balancer.health.record(1, 101, "k1", { ok: true, firstByteMs: 500 }, 0);
    balancer.health.record(2, 102, "k2", { ok: true, firstByteMs: 100 }, 0);
    expect(ids(balancer.plan({ route: makeRoute(three(), { strategy: "least-latency" }) }))).toEqual([3, 2, 1]);
  });

  test("a persisted pin keeps only the pinned provider", () => {
    const balancer = new Balancer();
    expect(ids(balancer.plan({ route: makeRoute(three(), { pinnedProviderId: 102 }) }))).toEqual([2]);
  });

  test("a persisted pin to a provider that is gone is ignored", () => {
    const balancer = new Balancer();
    expect(ids(balancer.plan({ route: makeRoute(three(), { pinnedProviderId: 999 }) }))).toEqual([1, 2, 3]);
  });

  test("a per-request pin by id or by name, over the persisted pin", () => {
    const balancer = new Balancer();
    const route = makeRoute(three(), { pinnedProviderId: 102 });
    expect(ids(balancer.plan({ route, providerPin: "103" }))).toEqual([3]);
    expect(ids(balancer.plan({ route, providerPin: "p1" }))).toEqual([1]);
  });

  test("a per-request pin to an unknown provider is an error", () => {
    const balancer = new Balancer();
    const result = balancer.plan({ route: makeRoute(three()), providerPin: "nope" });
    expect(result).toBeInstanceOf(GatewayError);
    const error = result as GatewayError;
    expect(error.kind).toBe("not_found");
    expect(error.status).toBe(404);
    expect(error.message).toContain("`nope`");
    expect(error.message).toContain("`test-model`");
  });

  test("capability needs filter the candidates", () => {
    const balancer = new Balancer();
    const route = makeRoute([makeCandidate(1, { vision: false }), makeCandidate(2, { toolCall: false }), makeCandidate(3)]);
    expect(ids(balancer.plan({ route, needs: { toolCall: false, structuredOutput: false, vision: false } }))).toEqual([1, 2, 3]);
    expect(ids(balancer.plan({ route, needs: { toolCall: false, structuredOutput: false, vision: true } }))).toEqual([2, 3]);
    expect(ids(balancer.plan({ route, needs: { toolCall: true, structuredOutput: true, vision: true } }))).toEqual([3]);
  });

  test("no candidate has a needed capability: a bad request naming it", () => {
    const balancer = new Balancer();
    const route = makeRoute([makeCandidate(1, { vision: false }), makeCandidate(2, { vision: false })]);
    const result = balancer.plan({ route, needs: { toolCall: false, structuredOutput: false, vision: true } });
    expect(result).toBeInstanceOf(GatewayError);
    expect((result as GatewayError).kind).toBe("bad_request");
    expect((result as GatewayError).message).toBe("No provider of model `test-model` supports image input");

    const noTools = makeRoute([makeCandidate(1, { toolCall: false, structuredOutput: false })]);
    const both = balancer.plan({ route: noTools, needs: { toolCall: true, structuredOutput: true, vision: false } });
    expect((both as GatewayError).message).toBe("No provider of model `test-model` supports tool calls, structured output");
  });

  test("the capability filter applies after the pin", () => {
    const balancer = new Balancer();
    const route = makeRoute([makeCandidate(1, { vision: false }), makeCandidate(2)]);
    const result = balancer.plan({ route, providerPin: "p1", needs: { toolCall: false, structuredOutput: false, vision: true } });
    expect((result as GatewayError).kind).toBe("bad_request");
  });

  test("a sticky session moves its association to the front", () => {
    const balancer = new Balancer();
    const route = makeRoute(three());
    balancer.stick({ route, sessionKey: "s1" }, 3);
    expect(ids(balancer.plan({ route, sessionKey: "s1" }))).toEqual([3, 1, 2]);
    // Other sessions, no session, and other models are not affected.
    expect(ids(balancer.plan({ route, sessionKey: "s2" }))).toEqual([1, 2, 3]);
    expect(ids(balancer.plan({ route }))).toEqual([1, 2, 3]);
    expect(ids(balancer.plan({ route: makeRoute(three(), { id: 9 }), sessionKey: "s1" }))).toEqual([1, 2, 3]);
  });

  test("a sticky association that is no longer a candidate is ignored", () => {
    const balancer = new Balancer();
    const route = makeRoute(three());
    balancer.stick({ route, sessionKey: "s1" }, 42);
    expect(ids(balancer.plan({ route, sessionKey: "s1" }))).toEqual([1, 2, 3]);
  });

  test("sticky sessions expire after the model's window; no session key, nothing stored", () => {
    const balancer = new Balancer();
    const route = makeRoute(three(), { stickySeconds: 0 });
    balancer.stick({ route, sessionKey: "s1" }, 3);
    expect(ids(balancer.plan({ route, sessionKey: "s1" }))).toEqual([1, 2, 3]);
    balancer.stick({ route }, 3);
    expect(balancer.sticky.size).toBe(0);
  });
});

describe("Balancer.acquire", () => {
  test("admits the first candidate with its key", async () => {
    const balancer = new Balancer();
    const got = await lease(balancer, [makeCandidate(1), makeCandidate(2)]);
    expect(got.candidate.associationId).toBe(1);
    expect(got.apiKey).toBe("k1");
    expect(balancer.limitSnapshot(101, Date.now()).inFlight).toBe(1);
  });

  test("skips tried associations and tried keys", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { apiKeys: ["a", "b"] }), makeCandidate(2)];
    const tried = newTried();
    tried.keys.add("101\na");
    for (let i = 0; i < 3; i++) {
      const got = await lease(balancer, candidates, tried);
      expect(`${got.candidate.associationId}/${got.apiKey}`).toBe("1/b");
      got.finish({ ok: true });
    }
    tried.associations.add(1);
    expect((await lease(balancer, candidates, tried)).candidate.associationId).toBe(2);
    tried.associations.add(2);
    const refused = await refusal(balancer.acquire(candidates, tried, Date.now() + 1_000));
    expect(refused).toMatchObject({ reason: "no healthy provider is available", retryAfterMs: undefined });
    expect(refused.skipped.map((skipped) => skipped.why)).toEqual(["failed_here", "failed_here"]);
  });

  test("rotates through a candidate's keys", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { apiKeys: ["a", "b", "c"] })];
    const keys: string[] = [];
    for (let i = 0; i < 4; i++) {
      const got = await lease(balancer, candidates);
      keys.push(got.apiKey);
      got.finish({ ok: true });
    }
    expect(keys).toEqual(["a", "b", "c", "a"]);
  });

  test("skips dead keys; all dead is refused at once with no retry hint", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { apiKeys: ["a", "b"] }), makeCandidate(2)];
    balancer.health.record(1, 101, "a", { ok: false, failure: "credential" }, Date.now());
    for (let i = 0; i < 2; i++) {
      const got = await lease(balancer, candidates);
      expect(got.apiKey).toBe("b");
      got.finish({ ok: true });
    }
    balancer.health.record(1, 101, "b", { ok: false, failure: "credential" }, Date.now());
    balancer.health.record(2, 102, "k2", { ok: false, failure: "credential" }, Date.now());
    const started = Date.now();
    const refused = await refusal(balancer.acquire(candidates, newTried(), Date.now() + 1_000));
    expect(refused.reason).toBe("no healthy provider is available");
    expect(refused.retryAfterMs).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(50);
  });

  test("skips open breakers; only open breakers left: refused with when one reopens", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 60_000 } });
    const candidates = [makeCandidate(1), makeCandidate(2)];
    balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
    const got = await lease(balancer, candidates);
    expect(got.candidate.associationId).toBe(2);
    got.finish({ ok: false, failure: "overloaded" });
    const refused = await refusal(balancer.acquire(candidates, newTried(), Date.now() + 1_000));
    expect(refused.reason).toBe("no healthy provider is available");
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test("an open key breaker skips just that key", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 60_000 } });
    const candidates = [makeCandidate(1, { apiKeys: ["a", "b"] })];
    // Open the key's breaker but close the association's again.
    balancer.health.record(1, 101, "a", { ok: false, failure: "server" }, Date.now());
    balancer.health.association(1).breaker.recordSuccess();
    for (let i = 0; i < 2; i++) {
      const got = await lease(balancer, candidates);
      expect(got.apiKey).toBe("b");
      got.finish({ ok: true });
    }
  });

  test("a provider at its limit is skipped for the next candidate", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { limits: { maxConcurrent: 1 } }), makeCandidate(2)];
    const first = await lease(balancer, candidates);
    const second = await lease(balancer, candidates);
    expect([first.candidate.associationId, second.candidate.associationId]).toEqual([1, 2]);
  });

  test("a key at its limit is skipped for the next key", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { apiKeys: ["a", "b"], keyLimits: { maxConcurrent: 1 } }), makeCandidate(2)];
    const leases = [await lease(balancer, candidates), await lease(balancer, candidates), await lease(balancer, candidates)];
    expect(leases.map((got) => `${got.candidate.associationId}/${got.apiKey}`)).toEqual(["1/a", "1/b", "2/k2"]);
  });

  test("waits in the queue and is woken by a finishing lease", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { limits: { maxConcurrent: 1 } })];
    const first = await lease(balancer, candidates);
    const started = Date.now();
    const waiting = balancer.acquire(candidates, newTried(), Date.now() + 2_000);
    await sleep(5);
    expect(balancer.queue.length).toBe(1);
    setTimeout(() => first.finish({ ok: true }), 15);
    const second = await waiting;
    // Woken by the finish, well before the queue's own 1 s re-check.
    expect(Date.now() - started).toBeLessThan(500);
    expect(isLease(second) && second.candidate.associationId).toBe(1);
    expect(balancer.queue.length).toBe(0);
    expect(balancer.limitSnapshot(101, Date.now()).inFlight).toBe(1);
  });

  test("waits for a cooling key to come back", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1)];
    balancer.health.record(1, 101, "k1", { ok: false, failure: "rate_limit", retryAfterMs: 30 }, Date.now());
    const started = Date.now();
    const got = await lease(balancer, candidates, newTried(), Date.now() + 1_000);
    expect(got.apiKey).toBe("k1");
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(20);
    expect(elapsed).toBeLessThan(500);
  });

  test("busy past the deadline (concurrency): refused, retry after the queue's poll interval", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { limits: { maxConcurrent: 1 } })];
    await lease(balancer, candidates);
    const started = Date.now();
    const refused = await refusal(balancer.acquire(candidates, newTried(), Date.now() + 30));
    expect(Date.now() - started).toBeLessThan(500);
    expect(refused).toMatchObject({ reason: "every provider is at its rate or concurrency limit", retryAfterMs: 1_000 });
    expect(refused.skipped.map((skipped) => skipped.why)).toEqual(["provider_limit"]);
    expect(balancer.queue.length).toBe(0);
  });

  test("busy past the deadline (requests per minute): refused, retry when the window frees", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { keyLimits: { requestsPerMinute: 1 } })];
    (await lease(balancer, candidates)).finish({ ok: true });
    const refused = await refusal(balancer.acquire(candidates, newTried(), Date.now() + 20));
    expect(refused.reason).toBe("every provider is at its rate or concurrency limit");
    expect(refused.retryAfterMs).toBeGreaterThan(59_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test("the client leaving ends the wait", async () => {
    const balancer = new Balancer();
    const candidates = [makeCandidate(1, { limits: { maxConcurrent: 1 } })];
    await lease(balancer, candidates);
    const controller = new AbortController();
    const started = Date.now();
    const waiting = balancer.acquire(candidates, newTried(), Date.now() + 2_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    const refused = await refusal(waiting);
    expect(refused.reason).toBe("client closed the request");
    expect(Date.now() - started).toBeLessThan(500);
    // Already gone before the wait: no waiting at all.
    const again = Date.now();
    expect((await refusal(balancer.acquire(candidates, newTried(), Date.now() + 2_000, controller.signal))).reason).toBe("client closed the request");
    expect(Date.now() - again).toBeLessThan(100);
  });

  test("finish frees the slots once, records tokens and health", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 60_000 } });
    const candidates = [makeCandidate(1, { limits: { maxConcurrent: 2, tokensPerMinute: 1_000 }, keyLimits: { maxConcurrent: 2 } })];
    const first = await lease(balancer, candidates);
    const second = await lease(balancer, candidates);
    expect(balancer.limitSnapshot(101, Date.now()).inFlight).toBe(2);
    first.finish({ ok: true, tokens: 250 });
    first.finish({ ok: true, tokens: 250 });
    expect(balancer.limitSnapshot(101, Date.now())).toMatchObject({ inFlight: 1, requestsLastMinute: 2, tokensLastMinute: 250 });
    second.finish({ ok: false, failure: "server" });
    expect(balancer.limitSnapshot(101, Date.now()).inFlight).toBe(0);
    expect(balancer.health.associationSnapshot(1).breaker.state).toBe("open");
    expect(balancer.limitSnapshot(999, Date.now())).toEqual({ inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0 });
  });

  test("a half-open probe the client abandoned does not block the association", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 15 } });
    const candidates = [makeCandidate(1)];
    balancer.health.record(1, 101, "k1", { ok: false, failure: "server" }, Date.now());
    await sleep(20);
    const probe = await lease(balancer, candidates);
    // While the probe runs, nothing else gets through.
    expect((await refusal(balancer.acquire(candidates, newTried(), Date.now() + 1_000))).reason).toBe("no healthy provider is available");
    probe.finish({ ok: false, neutral: true });
    const next = await lease(balancer, candidates);
    next.finish({ ok: true });
    expect(balancer.health.associationSnapshot(1).breaker.state).toBe("closed");
  });

  test("limits follow config changes of the candidate", async () => {
    const balancer = new Balancer();
    await lease(balancer, [makeCandidate(1, { limits: { maxConcurrent: 1 } })]);
    const raised = [makeCandidate(1, { limits: { maxConcurrent: 2 } })];
    expect((await lease(balancer, raised)).candidate.associationId).toBe(1);
  });
});
