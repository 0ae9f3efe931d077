import { describe, expect, test } from "bun:test";
import { Balancer, newTried } from "../routing/balancer.ts";
import { admitted, candidate, refused } from "../routing/test-support.ts";
import { exhaustedError } from "./exhausted-error.ts";

/** Fails `times` attempts of a candidate the way a refused connection does. */
async function failConnections(balancer: Balancer, target: ReturnType<typeof candidate>, times: number) {
  for (let index = 0; index < times; index++) {
    const lease = await admitted(balancer.acquire([target], newTried(), Date.now() + 1_000));
    lease.finish({ ok: false, failure: "connection", message: "connection failed: ECONNREFUSED: Unable to connect. Is the computer able to access the url?" });
  }
}

describe("the client's error when no attempt could be made", () => {
  test("lists each skipped provider with why and until when", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 2, openMs: 30_000 } });
    const broken = candidate(1, { providerName: "refusing", providerModel: "gpt-a" });
    const cooling = candidate(2, { providerName: "limited", providerModel: "gpt-b", apiKeys: ["sk-b1", "sk-b2"] });
    const dead = candidate(3, { providerName: "revoked", providerModel: "gpt-c" });
    await failConnections(balancer, broken, 2);
    for (const key of cooling.apiKeys) {
      balancer.health.record(cooling.associationId, cooling.providerId, key, { ok: false, failure: "rate_limit", retryAfterMs: 60_000, message: "HTTP 429" }, Date.now());
    }
    balancer.health.record(dead.associationId, dead.providerId, "k3", { ok: false, failure: "credential", message: "HTTP 401: invalid api key" }, Date.now());

    // Waiting is bounded by the deadline (cooling keys would come back later).
    const refusal = await refused(balancer.acquire([broken, cooling, dead], newTried(), Date.now() + 20));
    expect(refusal.skipped.map((skipped) => [skipped.providerName, skipped.why])).toEqual([
      ["refusing", "breaker_open"],
      ["limited", "keys_unusable"],
      ["revoked", "keys_unusable"],
    ]);
    const [breaker, keys] = refusal.skipped;
    expect(breaker.until).toBeGreaterThan(Date.now() + 25_000);
    expect(keys.until).toBeGreaterThan(Date.now() + 55_000);

    const error = exhaustedError({ failures: [], classes: [], clientAborted: false, refusal }, "trace-1");
    const message = error.message;
    expect(message).toStartWith("No attempt could be made: no healthy provider became available in time: ");
    expect(message).toContain("refusing (gpt-a): circuit breaker open until ");
    expect(message).toContain("(2 failures in a row; last: connection refused: connection failed: ECONNREFUSED: Unable to connect");
    expect(message).toContain("limited (gpt-b): no usable key until ");
    expect(message).toContain("(2 keys: 2 cooling down after a rate limit, quota or failures)");
    expect(message).toContain("revoked (gpt-c): no usable key (1 key: 1 refused (HTTP 401: invalid api key))");
    expect(message).toMatch(/breaker open until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(in (29|30) s\)/);
    expect(message).toMatch(/no usable key until \S+ \(in (59|60) s\)/);
  });

  test("only broken providers: refused at once, named in the message", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 30_000 } });
    const broken = candidate(1, { providerName: "down" });
    await failConnections(balancer, broken, 1);
    const refusal = await refused(balancer.acquire([broken], newTried(), Date.now() + 1_000));
    const error = exhaustedError({ failures: [], classes: [], clientAborted: false, refusal, retryAfterSeconds: 30 }, "trace-2");
    expect(error.status).toBe(503);
    expect(error.message).toMatch(/^No attempt could be made: no healthy provider is available: down \(upstream-model\): circuit breaker open until .+ \(in (29|30) s\) \(1 failure in a row; last: connection refused: connection failed/);
  });

  test("after failed attempts, the providers not tried are listed too", async () => {
    const balancer = new Balancer({ breaker: { failureThreshold: 1, openMs: 30_000 } });
    const first = candidate(1, { providerName: "first" });
    const second = candidate(2, { providerName: "second" });
    await failConnections(balancer, second, 1);
    const tried = newTried();
    tried.associations.add(first.associationId);
    const refusal = await refused(balancer.acquire([first, second], tried, Date.now() + 1_000));
    const error = exhaustedError({ failures: ["first: HTTP 500"], classes: ["server"], clientAborted: false, refusal }, "trace-3");
    expect(error.message).toStartWith("All 1 upstream attempt(s) failed: first: HTTP 500; not tried: second (upstream-model): circuit breaker open until ");
  });
});
