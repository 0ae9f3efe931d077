/**
 * Tests inside the admin UI (issue 14), through a real gateway and the fake upstream, for all
 * four provider types: testing one association calls its own provider model with its settings
 * and shows latency, status and the answer or the upstream's own error; "test all" covers
 * every association of a model; a success closes the provider's breaker like Test connection;
 * the tool-call test streams each step as it happens and passes or fails with its transcript.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { ndjsonLines } from "../src/protocols/test-kit/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const TYPES = ["openai", "openai-responses", "anthropic", "gemini"] as const;
type ProviderType = (typeof TYPES)[number];
/** Opens after two failures and stays open a minute: only a test (or a reset) closes it here. */
const BREAKER = { failureThreshold: 2, openMs: 60_000 };

let upstream: FakeUpstream;
let gateway: TestGateway;
let modelId = 0;
const providerIds = new Map<ProviderType, number>();

interface TestResult {
  associationId: number;
  providerName: string;
  providerModel: string;
  ok: boolean;
  latencyMs: number;
  status: number | null;
  answer?: string;
  error?: string;
}

interface ToolEvent {
  type: "step-start" | "step-end" | "result";
  step?: number;
  ok?: boolean;
  detail?: string;
  transcript?: Array<{ role: string; text?: string; toolCalls?: Array<{ name: string; arguments: string }> }>;
}

function baseUrlOf(type: ProviderType): string {
  return type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`;
}

async function associate(providerId: number, providerModel: string): Promise<number> {
  const created = await gateway.admin("POST", "/api/model-providers", { modelId, providerId, providerModel });
  return created.id;
}

/** The tool-call test's NDJSON lines, each with the time it arrived. */
async function toolTest(associationId: number): Promise<Array<ToolEvent & { atMs: number }>> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}/api/model-providers/${associationId}/tool-test`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/x-ndjson");
  const events: Array<ToolEvent & { atMs: number }> = [];
  for await (const event of ndjsonLines<ToolEvent>(response)) events.push({ ...event, atMs: performance.now() - started });
  return events;
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway({ breaker: BREAKER });
  modelId = (await gateway.admin("POST", "/api/models", { name: "tested", maxRetry: 1, timeoutMs: 5000 })).id;
  for (const type of TYPES) {
    const provider = await gateway.admin("POST", "/api/providers", { name: `fake-${type}`, type, baseUrl: baseUrlOf(type), apiKeys: ["sk-fake-upstream-key-1234"] });
    providerIds.set(type, provider.id);
  }
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

describe("association test", () => {
  test("one association: its own provider model, latency, status and the answer, for each provider type", async () => {
    for (const type of TYPES) {
      // Not the provider's default model: the association's own.
      const id = await associate(providerIds.get(type)!, `fake-model-${type}`);
      const result: TestResult = await gateway.admin("POST", `/api/model-providers/${id}/test`);
      expect(result).toMatchObject({ associationId: id, providerName: `fake-${type}`, providerModel: `fake-model-${type}`, ok: true, status: 200, answer: "Echo: Say OK" });
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      const received = upstream.lastRequest!;
      // Gemini names the model in the path (the fake records its route pattern); the failing
      // Gemini association below shows its own model (with its fault) reaches the upstream.
      if (type !== "gemini") expect((received.body as { model: string }).model).toBe(`fake-model-${type}`);
      expect(received.headers["x-api-key"] ?? received.headers["x-goog-api-key"] ?? received.headers.authorization).toContain("sk-fake-upstream-key-1234");
    }
  });

  test("the association's own settings apply: extra body and extra headers reach the upstream", async () => {
    const created = await gateway.admin("POST", "/api/model-providers", {
      modelId,
      providerId: providerIds.get("openai")!,
      providerModel: "fake-model-settings",
      extraBody: { chat_template_kwargs: { enable_thinking: false } },
      extraHeaders: { "x-association": "tested" },
    });
    const result: TestResult = await gateway.admin("POST", `/api/model-providers/${created.id}/test`);
    expect(result.ok).toBe(true);
    const received = upstream.lastRequest!;
    expect((received.body as { chat_template_kwargs: unknown }).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(received.headers["x-association"]).toBe("tested");
    await gateway.admin("DELETE", `/api/model-providers/${created.id}`);
  });

  test("a failing association shows the upstream's own error and status", async () => {
    const id = await associate(providerIds.get("anthropic")!, "fake-model+status=529");
    const result: TestResult = await gateway.admin("POST", `/api/model-providers/${id}/test`);
    expect(result.ok).toBe(false);
    expect(result.status).toBe(529);
    expect(result.error).toContain("Fake upstream fault: status 529");
    expect(result.answer).toBeUndefined();
    await gateway.admin("DELETE", `/api/model-providers/${id}`);
  });

  test("an unknown association is a 404", async () => {
    const response = await fetch(`${gateway.url}/api/model-providers/999999/test`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(response.status).toBe(404);
  });

  test("test all: every association of the model, each with its own outcome, in order", async () => {
    const failing = await associate(providerIds.get("gemini")!, "fake-model+status=503");
    const results: TestResult[] = await gateway.admin("POST", `/api/models/${modelId}/test`);
    expect(results.map((result) => result.providerModel)).toEqual([...TYPES.map((type) => `fake-model-${type}`), "fake-model+status=503"]);
    expect(results.slice(0, 4).every((result) => result.ok && result.status === 200 && result.answer === "Echo: Say OK")).toBe(true);
    expect(results[4]).toMatchObject({ associationId: failing, ok: false, status: 503 });
    expect(results[4].error).toContain("Fake upstream fault: status 503");
    await gateway.admin("DELETE", `/api/model-providers/${failing}`);
  });

  test("a successful association test closes the provider's open breaker, like Test connection", async () => {
    const provider = await gateway.admin("POST", "/api/providers", { name: "recovering", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-upstream-key-1234"] });
    const recoveringModel = await gateway.admin("POST", "/api/models", { name: "recovering", maxRetry: 1, timeoutMs: 5000 });
    const association = await gateway.admin("POST", "/api/model-providers", { modelId: recoveringModel.id, providerId: provider.id, providerModel: "fake-model+status=500" });
    const breakerState = async () => {
      const all: Array<{ id: number; associations: Array<{ id: number; breaker: { state: string } }> }> = await gateway.admin("GET", "/api/health/providers");
      return all.find((entry) => entry.id === provider.id)!.associations.find((entry) => entry.id === association.id)!.breaker.state;
    };
    for (let attempt = 0; attempt < 4 && (await breakerState()) !== "open"; attempt++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "recovering", messages: [{ role: "user", content: "hi" }] }),
      });
      await response.text();
    }
    expect(await breakerState()).toBe("open");
    // The provider model is fixed; the breaker stays open until something proves it answers.
    await gateway.admin("PUT", `/api/model-providers/${association.id}`, { providerModel: "fake-model" });
    expect(await breakerState()).toBe("open");
    const result: TestResult = await gateway.admin("POST", `/api/model-providers/${association.id}/test`);
    expect(result.ok).toBe(true);
    expect(await breakerState()).toBe("closed");
  });
});

describe("tool-call test", () => {
  for (const type of TYPES) {
    test(`${type}: a model that fills the arguments from the question passes, each step streamed as it happens`, async () => {
      // Each upstream call waits 150 ms: the first line must arrive long before the last.
      const id = await associate(providerIds.get(type)!, "fake-model+place-args+first-byte-delay=150");
      const events = await toolTest(id);
      expect(events.map((event) => `${event.type}${event.step ?? ""}`)).toEqual(["step-start1", "step-end1", "step-start2", "step-end2", "step-start3", "step-end3", "result"]);
      expect(events[0].atMs).toBeLessThan(events[6].atMs - 300);
      const result = events.at(-1)!;
      expect(result.ok).toBe(true);
      const calls = result.transcript!.flatMap((entry) => entry.toolCalls ?? []);
      expect(calls.map((call) => call.name)).toEqual(["get_weather", "get_weather"]);
      expect(calls.map((call) => JSON.parse(call.arguments).location)).toEqual(["Paris", "Tokyo"]);
      expect(result.transcript!.map((entry) => entry.role)).toEqual(["user", "assistant", "tool", "assistant", "user", "assistant"]);
      await gateway.admin("DELETE", `/api/model-providers/${id}`);
    });

    test(`${type}: a model that repeats its first arguments fails at the second call, with the transcript`, async () => {
      const id = await associate(providerIds.get(type)!, "fake-model");
      const events = await toolTest(id);
      const result = events.at(-1)!;
      expect(result).toMatchObject({ type: "result", ok: false });
      expect(result.detail).toContain("step 3 failed: expected get_weather with location Tokyo");
      expect(result.detail).toContain('"location":"Paris"');
      expect(events.filter((event) => event.type === "step-end").map((event) => event.ok)).toEqual([true, true, false]);
      await gateway.admin("DELETE", `/api/model-providers/${id}`);
    });
  }

  test("an upstream error ends the test at that step with the upstream's message", async () => {
    const id = await associate(providerIds.get("openai")!, "fake-model+status=401");
    const events = await toolTest(id);
    expect(events.map((event) => event.type)).toEqual(["step-start", "step-end", "result"]);
    expect(events[2].ok).toBe(false);
    expect(events[2].detail).toContain("Fake upstream fault: status 401");
    await gateway.admin("DELETE", `/api/model-providers/${id}`);
  });
});
