import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";

/**
 * Every admitted attempt ends — its balancer lease, its in-flight entry and its log row — on
 * every path, exceptions included, and the client always gets its own protocol's error shape.
 * The attacks: a body nested 100,000 levels deep, an upstream answering HTTP 200 with an error
 * body to clients of other protocols, and clients that abort streams at every moment. Each runs
 * against a provider that admits ONE call at a time: a leaked lease would block it for good.
 */

let upstream: FakeUpstream;
/** Answers every call with HTTP 200 and an OpenAI error envelope, like some relays do. */
let errorBodyUpstream: ReturnType<typeof Bun.serve>;
let gateway: TestGateway;

const CLIENTS = {
  openai: { path: "/v1/chat/completions", body: (model: string, extra = {}) => ({ model, messages: [{ role: "user", content: "hi" }], ...extra }) },
  responses: { path: "/v1/responses", body: (model: string, extra = {}) => ({ model, input: "hi", ...extra }) },
  anthropic: { path: "/v1/messages", body: (model: string, extra = {}) => ({ model, max_tokens: 50, messages: [{ role: "user", content: "hi" }], ...extra }) },
  gemini: { path: "", body: (_model: string, extra = {}) => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }], ...extra }) },
} as const;
type Client = keyof typeof CLIENTS;

function post(client: Client, model: string, extra: Record<string, unknown> = {}, signal?: AbortSignal, stream = false) {
  const path = client === "gemini" ? `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}` : CLIENTS[client].path;
  const body = CLIENTS[client].body(model, client === "gemini" ? extra : { ...(stream ? { stream: true } : {}), ...extra });
  return fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "x-api-key": TEST_TOKEN, "anthropic-version": "2023-06-01", "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
}

/** A JSON body whose `x` is nested `depth` arrays deep (built as text: JSON.stringify would overflow). */
function deepBody(client: Client, model: string, depth: number): string {
  const plain = JSON.stringify(CLIENTS[client].body(model));
  return `${plain.slice(0, -1)},"x":${"[".repeat(depth)}${"]".repeat(depth)}}`;
}

/** A model served by one provider of `type` at `baseUrl` that admits one call at a time, then a healthy one if given. */
async function singleSlotModel(name: string, providers: Array<{ type: string; baseUrl: string; providerModel: string }>) {
  const model = await gateway.admin("POST", "/api/models", { name, maxRetry: 2, timeoutMs: 5000, strategy: "priority" });
  for (const [index, provider] of providers.entries()) {
    const created = await gateway.admin("POST", "/api/providers", {
      name: `${name}-${index}`,
      type: provider.type,
      baseUrl: provider.baseUrl,
      apiKeys: ["sk-fake-upstream-key-1234"],
      maxConcurrent: 1,
    });
    await gateway.admin("POST", "/api/model-providers", { modelId: model.id, providerId: created.id, providerModel: provider.providerModel, weight: 1, priority: 10 - index });
  }
}

const baseUrlOf = (type: string) => (type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`);

async function liveRequests(): Promise<unknown[]> {
  return (await gateway.admin("GET", "/api/live")).inFlight;
}

type Row = { traceId: string; status: string; statusCode: number; error: string | null; reason: string | null; failureClass: string | null };

/** The attempts of one trace, once the log writer has flushed. */
async function rowsOf(traceId: string | null): Promise<Row[]> {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  return traceId ? gateway.admin("GET", `/api/logs/${traceId}/attempts`) : [];
}

/** The provider still admits calls: a normal call succeeds at once instead of waiting for a slot. */
async function expectSlotFree(client: Client, model: string) {
  const started = performance.now();
  const response = await post(client, model);
  expect(response.status).toBe(200);
  await response.text();
  expect(performance.now() - started).toBeLessThan(2000);
}

function expectProtocolErrorShape(client: Client, body: any) {
  if (client === "anthropic") {
    expect(body.type).toBe("error");
    expect(typeof body.error.message).toBe("string");
  } else if (client === "gemini") {
    expect(typeof body.error.message).toBe("string");
    expect(typeof body.error.status).toBe("string");
  } else {
    expect(typeof body.error.message).toBe("string");
    expect(typeof body.error.type).toBe("string");
  }
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  errorBodyUpstream = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => Response.json({ error: { message: "The relay's upstream failed", type: "server_error", code: "internal_error" } }),
  });
  gateway = startTestGateway();
  for (const type of ["openai", "openai-responses", "anthropic", "gemini"]) {
    await singleSlotModel(`deep-${type}`, [{ type, baseUrl: baseUrlOf(type), providerModel: "fake-model" }]);
  }
  await singleSlotModel("error-body", [
    { type: "openai", baseUrl: `http://127.0.0.1:${errorBodyUpstream.port}/v1`, providerModel: "relay-model" },
    { type: "openai", baseUrl: baseUrlOf("openai"), providerModel: "fake-model" },
  ]);
  await singleSlotModel("error-body-only", [{ type: "openai", baseUrl: `http://127.0.0.1:${errorBodyUpstream.port}/v1`, providerModel: "relay-model" }]);
  await singleSlotModel("overloaded-frame", [
    { type: "anthropic", baseUrl: baseUrlOf("anthropic"), providerModel: "fake-model+error-frame" },
    { type: "openai", baseUrl: baseUrlOf("openai"), providerModel: "fake-model" },
  ]);
  await singleSlotModel("aborted", [{ type: "openai", baseUrl: baseUrlOf("openai"), providerModel: "fake-model+token-delay=5+words=40" }]);
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
  errorBodyUpstream.stop(true);
});

describe("a request body nested 100,000 levels deep", () => {
  for (const client of ["openai", "responses", "anthropic", "gemini"] as const) {
    const type = { openai: "openai", responses: "openai-responses", anthropic: "anthropic", gemini: "gemini" }[client];
    test(`${client} client: a 400 in its own shape, the slot is freed, the attempt is logged`, async () => {
      const model = `deep-${type}`;
      const path = client === "gemini" ? `/v1beta/models/${model}:generateContent` : CLIENTS[client].path;
      const response = await fetch(`${gateway.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "x-api-key": TEST_TOKEN, "content-type": "application/json" },
        body: deepBody(client, model, 100_000),
      });
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.status).toBe(400);
      const body = await response.json();
      expectProtocolErrorShape(client, body);
      expect(JSON.stringify(body)).toContain("nested too deeply");
      expect(await liveRequests()).toEqual([]);
      await expectSlotFree(client, model);
      const rows = await rowsOf(response.headers.get("x-llmio-trace-id"));
      expect(rows.map((row) => row.status)).toEqual(["error"]);
      // The request could not be built: the client's fault, which teaches the provider's health nothing.
      expect(rows.map((row) => [row.reason, row.failureClass])).toEqual([["bad_request", "bad_request"]]);
    });
  }
});

describe("an Anthropic upstream sending overloaded_error on a 200 stream", () => {
  for (const client of ["anthropic", "openai"] as const) {
    test(`${client} client (${client === "anthropic" ? "passed through" : "translated"}): the attempt is classed by the error's type, and fails over`, async () => {
      const response = await post(client, "overloaded-frame", {}, undefined, true);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toContain("Echo");
      const attempts = await rowsOf(response.headers.get("x-llmio-trace-id"));
      // Its words say nothing a text rule could read; the protocol's decoder knows overloaded_error.
      expect(attempts.map((row) => [row.status, row.failureClass]).sort()).toEqual([["error", "overloaded"], ["success", null]]);
      expect(await liveRequests()).toEqual([]);
    });
  }
});

describe("an OpenAI-type upstream answering HTTP 200 with an error body", () => {
  for (const client of ["openai", "responses", "anthropic", "gemini"] as const) {
    test(`${client} client: the attempt fails over to the healthy provider`, async () => {
      const response = await post(client, "error-body");
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toContain("Echo: hi");
      const traceId = response.headers.get("x-llmio-trace-id")!;
      const attempts = await rowsOf(traceId);
      expect(attempts.map((row) => row.status).sort()).toEqual(["error", "success"]);
      expect(attempts.find((row) => row.status === "error")!.error).toContain("relay's upstream failed");
      // The class was decided where the error body was decoded, and stored with the row.
      expect(attempts.map((row) => [row.status, row.failureClass]).sort()).toEqual([["error", "server"], ["success", null]]);
      expect(await liveRequests()).toEqual([]);
    });

    test(`${client} client, no other provider: a 5xx in its own shape, and the slot is free again`, async () => {
      // 502 for the failed attempt; 503 once the breaker has opened after several of them.
      const response = await post(client, "error-body-only");
      expect([502, 503]).toContain(response.status);
      expect(response.headers.get("content-type")).toContain("application/json");
      expectProtocolErrorShape(client, await response.json());
      expect(await liveRequests()).toEqual([]);
      // The single slot is free: the next call is answered at once, not queued until its budget ends.
      const started = performance.now();
      const again = await post(client, "error-body-only");
      expect([502, 503]).toContain(again.status);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }
});

describe("clients aborting streams at every moment", () => {
  test("192 streams, 48 at a time, aborted at staggered times leave no in-flight entry, no held slot, a row each", async () => {
    const started = Date.now();
    const traces = new Set<string>();
    const runs = Array.from({ length: 192 }, async (_, index) => {
      const controller = new AbortController();
      // From before the request is admitted to mid-stream: 0 to 190 ms.
      const abortAfterMs = (index % 20) * 10;
      setTimeout(() => controller.abort(), abortAfterMs);
      try {
        const response = await post("openai", "aborted", {}, controller.signal, true);
        const traceId = response.headers.get("x-llmio-trace-id");
        if (traceId) traces.add(traceId);
        await response.text();
      } catch {}
    });
    // At most 48 at once. Before the fix, a client leaving while the first events were read (an
    // AbortError from the upstream reader) escaped failover: no row, a ghost entry, a slot held for good.
    for (let batch = 0; batch < runs.length; batch += 48) await Promise.all(runs.slice(batch, batch + 48));
    // Streams end their attempts asynchronously: give the last ones a moment.
    let live: unknown[] = [];
    for (let waited = 0; waited < 3000; waited += 100) {
      live = await liveRequests();
      if (live.length === 0) break;
      await Bun.sleep(100);
    }
    expect(live).toEqual([]);
    await expectSlotFree("openai", "aborted");
    for (const traceId of traces) {
      const rows = await rowsOf(traceId);
      expect(rows.length).toBeGreaterThan(0);
      // A client that left blames no one: its rows carry no failure class.
      for (const row of rows) if (row.reason === "client_closed") expect(row.failureClass).toBeNull();
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
