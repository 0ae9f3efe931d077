import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/index.ts";
import { createAdminHarness, type AdminHarness } from "../routes/admin/test-support.ts";
import { HealthProbe } from "./health-probe.ts";

const KEY = "sk-probe-key-0001";
let upstream: FakeUpstream;
let harness: AdminHarness;

/** A provider of the fake upstream serving one model per given provider model; returns the ids. */
async function provider(name: string, providerModels: string[], options: { enabled?: boolean; apiKeys?: string[] } = {}) {
  const created = await harness.call("POST", "/api/providers", {
    name,
    type: "openai",
    baseUrl: `${upstream.url}/v1`,
    apiKeys: options.apiKeys ?? [KEY],
    enabled: options.enabled ?? true,
  });
  const associations: number[] = [];
  for (const [index, providerModel] of providerModels.entries()) {
    const model = await harness.call("POST", "/api/models", { name: `${name}-model-${index}` });
    const association = await harness.call("POST", "/api/model-providers", { modelId: model.json.id, providerId: created.json.id, providerModel });
    associations.push(association.json.id);
  }
  return { id: created.json.id as number, associations };
}

/** Opens the association's breaker (and the key's) as five refused connections would. */
function open(providerId: number, associationId: number, key = KEY) {
  for (let i = 0; i < 5; i++) harness.deps.balancer.health.record(associationId, providerId, key, { ok: false, failure: "connection", message: "ECONNREFUSED" }, Date.now());
  expect(harness.deps.balancer.health.associationTroubled(associationId)).toBe(true);
}

const probe = (timeoutMs = 2_000) => new HealthProbe(harness.deps, { intervalMs: 60_000, timeoutMs });

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});

afterAll(async () => {
  await upstream.stop();
});

describe("HealthProbe", () => {
  beforeAll(async () => {
    harness = await createAdminHarness();
  });
  afterEach(async () => {
    // Every provider starts the next test healthy.
    for (const { id } of (await harness.call("GET", "/api/providers")).json) await harness.call("POST", `/api/providers/${id}/health/reset`);
  });
  afterAll(() => harness.close());

  test("a round without an open breaker asks nobody", async () => {
    await provider("quiet", ["fake-model"]);
    const before = upstream.requests;
    expect(await probe().tick()).toEqual([]);
    expect(upstream.requests).toBe(before);
  });

  test("an open breaker gets one chat call; its answer closes every breaker of the provider", async () => {
    const { id, associations } = await provider("back", ["fake-model", "fake-model-mini"]);
    open(id, associations[0]);
    open(id, associations[1]);
    const before = upstream.requests;
    const outcomes = await probe().tick();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ providerId: id, result: { ok: true } });
    expect(upstream.requests - before).toBe(1);
    expect(upstream.lastRequest?.path).toBe("/v1/chat/completions");
    expect((upstream.lastRequest?.body as { max_tokens?: number; max_completion_tokens?: number }).max_completion_tokens ?? (upstream.lastRequest?.body as { max_tokens?: number }).max_tokens).toBe(16);
    const health = harness.deps.balancer.health;
    expect(associations.map((association) => health.associationTroubled(association))).toEqual([false, false]);
    expect(health.keyCondition(id, KEY, Date.now()).breakerOpen).toBe(false);
    expect(health.providerCheck(id)).toMatchObject({ by: "probe", ok: true });
  });

  test("a provider still failing stays open, from the probe's time, with its cause", async () => {
    const { id, associations } = await provider("still-down", ["fake-model+status=503"]);
    open(id, associations[0]);
    const [outcome] = await probe().tick();
    expect(outcome.result).toMatchObject({ ok: false, failure: { failure: "overloaded", cause: "overloaded" } });
    const breaker = harness.deps.balancer.health.associationSnapshot(associations[0]).breaker;
    expect(breaker.state).toBe("open");
    expect(breaker.retryAt!).toBeGreaterThan(Date.now() + 29_000);
  });

  test("troubled associations take turns between rounds", async () => {
    const { id, associations } = await provider("turns", ["fake-model+status=500", "fake-model-mini+status=500"]);
    open(id, associations[0]);
    open(id, associations[1]);
    const runner = probe();
    const probed = [];
    for (let round = 0; round < 2; round++) probed.push((await runner.tick()).find((outcome) => outcome.providerId === id)?.associationId);
    expect(probed.sort()).toEqual([...associations].sort());
  });

  test("never two probes of one provider at once", async () => {
    const { id, associations } = await provider("hanging", ["fake-model+first-byte-delay=400"]);
    open(id, associations[0]);
    const runner = probe();
    const before = upstream.requests;
    const [first, second] = await Promise.all([runner.tick(), Bun.sleep(50).then(() => runner.tick())]);
    expect(first.filter((outcome) => outcome.providerId === id)).toHaveLength(1);
    expect(second.filter((outcome) => outcome.providerId === id)).toHaveLength(0);
    expect(upstream.requests - before).toBe(1);
  });

  test("disabled providers and associations, and dead keys, are not probed", async () => {
    const off = await provider("off", ["fake-model"], { enabled: false });
    open(off.id, off.associations[0]);
    const dead = await provider("dead-key", ["fake-model"], { apiKeys: ["bad-key-0001"] });
    open(dead.id, dead.associations[0], "bad-key-0001");
    harness.deps.balancer.health.record(dead.associations[0], dead.id, "bad-key-0001", { ok: false, failure: "credential", message: "HTTP 401" }, Date.now());
    const paused = await provider("route-off", ["fake-model"]);
    await harness.call("PUT", `/api/model-providers/${paused.associations[0]}`, { enabled: false });
    open(paused.id, paused.associations[0]);
    const before = upstream.requests;
    expect(await probe().tick()).toEqual([]);
    expect(upstream.requests).toBe(before);
  });

  test("an answer refusing the request itself still shows a working provider", async () => {
    const { id, associations } = await provider("picky", ["fake-model+status=400"]);
    open(id, associations[0]);
    const [outcome] = await probe().tick();
    expect(outcome.result).toMatchObject({ ok: false, failure: { failure: "bad_request" } });
    expect(harness.deps.balancer.health.associationTroubled(associations[0])).toBe(false);
  });

  test("a stopped upstream is named: connection refused", async () => {
    const gone = startFakeUpstream({ port: 0 });
    const url = `${gone.url}/v1`;
    await gone.stop();
    const created = await harness.call("POST", "/api/providers", { name: "gone", type: "openai", baseUrl: url, apiKeys: [KEY] });
    const model = await harness.call("POST", "/api/models", { name: "gone-model" });
    const association = await harness.call("POST", "/api/model-providers", { modelId: model.json.id, providerId: created.json.id, providerModel: "fake-model" });
    open(created.json.id, association.json.id);
    const [outcome] = await probe().tick();
    expect(outcome.result).toMatchObject({ ok: false, failure: { failure: "connection", cause: "connection-refused" } });
  });
});
