/**
 * Health a user can trust, through a real gateway and the fake upstream: an upstream that stops
 * (connection refused) opens the breakers and the health view names the cause; once it is back,
 * the background probe closes them within its interval without any client request; a successful
 * Test connection closes them at once; the Reset action closes them on purpose.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { HealthProbe } from "../src/relay/health-probe.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/** Opens after two failures and stays open a minute: only a probe, a test or a reset can close it in this test. */
const BREAKER = { failureThreshold: 2, openMs: 60_000 };
const PROBE_INTERVAL_MS = 150;

let upstream: FakeUpstream | undefined;
let port = 0;
let gateway: TestGateway;
let providerId = 0;
let probe: HealthProbe | undefined;

interface HealthEntry {
  id: number;
  enabled: boolean;
  keys: Array<{ key: string; state: string; lastFailure: { cause: string; failure: string } | null }>;
  associations: Array<{ id: number; breaker: { state: string; retryAt: number | null }; lastError: { cause: string; message: string } | null }>;
  lastFailure: { cause: string; failure: string; message: string; at: number } | null;
  openUntil: number | null;
  lastCheck: { by: string; ok: boolean; at: number; failure: { cause: string } | null } | null;
}

async function health(): Promise<HealthEntry> {
  const all: HealthEntry[] = await gateway.admin("GET", "/api/health/providers");
  return all.find((entry) => entry.id === providerId)!;
}

async function chat(): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "recovering", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

/** Stops the upstream (its port now refuses connections) and sends requests until the breaker is open. */
async function takeUpstreamDown() {
  await upstream?.stop();
  upstream = undefined;
  for (let attempt = 0; attempt < 4 && (await health()).associations[0].breaker.state !== "open"; attempt++) await chat();
  expect((await health()).associations[0].breaker.state).toBe("open");
}

function bringUpstreamBack() {
  upstream = startFakeUpstream({ port });
}

async function rowCount(): Promise<number> {
  await gateway.logWriter.flush();
  return (await gateway.db.orm.select().from(gateway.db.tables.requestLogs)).length;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await Bun.sleep(20);
  }
  return Date.now() - started;
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  port = upstream.port;
  gateway = startTestGateway({ breaker: BREAKER });
  await configureModel(gateway, "recovering", [{ name: "flaky", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }], { maxRetry: 1 });
  providerId = (await gateway.admin("GET", "/api/providers"))[0].id;
});

afterEach(async () => {
  probe?.stop();
  probe = undefined;
  if (!upstream) bringUpstreamBack();
  await gateway.admin("POST", `/api/providers/${providerId}/health/reset`);
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

describe("health recovery", () => {
  test("a refused connection opens the breaker and is named as such, with until when", async () => {
    await takeUpstreamDown();
    const entry = await health();
    expect(entry.lastFailure).toMatchObject({ failure: "connection", cause: "connection-refused" });
    expect(entry.associations[0].lastError).toMatchObject({ cause: "connection-refused" });
    expect(entry.keys[0].lastFailure).toMatchObject({ cause: "connection-refused" });
    expect(entry.associations[0].breaker.retryAt).toBeGreaterThan(Date.now());
    expect(entry.openUntil).toBe(entry.associations[0].breaker.retryAt);
  }, 20_000);

  test("the background probe closes the breaker once the upstream is back, without any client request", async () => {
    await takeUpstreamDown();
    probe = new HealthProbe(gateway.deps, { intervalMs: PROBE_INTERVAL_MS }).start();
    // Still down: the probe fails, opens the breaker again from then and says why.
    await waitFor(async () => (await health()).lastCheck?.by === "probe", 2_000);
    const down = await health();
    expect(down.lastCheck).toMatchObject({ by: "probe", ok: false, failure: { cause: "connection-refused" } });
    expect(down.associations[0].breaker.state).toBe("open");

    const rowsBefore = await rowCount();
    bringUpstreamBack();
    const tookMs = await waitFor(async () => (await health()).associations[0].breaker.state === "closed", 5_000);
    const entry = await health();
    expect(entry.lastCheck).toMatchObject({ by: "probe", ok: true });
    expect(entry.openUntil).toBeNull();
    expect(entry.keys.every((key) => key.state === "ok")).toBe(true);
    // No client request was needed (none was logged), and the upstream saw the probe's chat call.
    expect(await rowCount()).toBe(rowsBefore);
    expect(upstream!.lastRequest?.path).toBe("/v1/chat/completions");
    expect(tookMs).toBeLessThan(PROBE_INTERVAL_MS * 4 + 1_000);
    expect(await chat()).toBe(200);
  }, 20_000);

  test("a successful Test connection closes the breaker at once", async () => {
    await takeUpstreamDown();
    bringUpstreamBack();
    const result = await gateway.admin("POST", `/api/providers/${providerId}/test`, {});
    expect(result.ok).toBe(true);
    const entry = await health();
    expect(entry.associations[0].breaker.state).toBe("closed");
    expect(entry.lastCheck).toMatchObject({ by: "test", ok: true });
  }, 20_000);

  test("a failed Test connection leaves the breaker open", async () => {
    await takeUpstreamDown();
    const result = await gateway.admin("POST", `/api/providers/${providerId}/test`, {});
    expect(result.ok).toBe(false);
    expect((await health()).associations[0].breaker.state).toBe("open");
  }, 20_000);

  test("Reset closes every breaker and revives every key on purpose, even while the upstream is still down", async () => {
    await takeUpstreamDown();
    const answer: HealthEntry = await gateway.admin("POST", `/api/providers/${providerId}/health/reset`);
    expect(answer.id).toBe(providerId);
    expect(answer.associations[0].breaker.state).toBe("closed");
    expect(answer.lastCheck).toMatchObject({ by: "reset", ok: true });
    expect(answer.keys.every((key) => key.state === "ok")).toBe(true);
    // The cause of the last failure stays visible: a reset forgets verdicts, not history.
    expect(answer.lastFailure?.cause).toBe("connection-refused");
    const missing = await fetch(`${gateway.url}/api/providers/99999/health/reset`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(missing.status).toBe(404);
  }, 20_000);
});
