import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/**
 * The routing fault suite: several providers behind one model, most of them broken in a
 * different way, and the numbers that show no client is let down. Figures are printed.
 */
const BREAKER_OPEN_MS = 400;

let upstream: FakeUpstream;
let gateway: TestGateway;
let client: OpenAI;
const report: string[] = [];

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway({ breaker: { failureThreshold: 3, openMs: BREAKER_OPEN_MS } });
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  console.log(`\nfault suite figures:\n  ${report.join("\n  ")}\n`);
  await gateway.stop();
  await upstream.stop();
});

const ask = (model: string, content = "ping", options: { stream?: boolean; headers?: Record<string, string> } = {}) =>
  options.stream
    ? (async () => {
        const { data, response } = await client.chat.completions
          .create({ model, stream: true, messages: [{ role: "user", content }] }, { headers: options.headers })
          .withResponse();
        let text = "";
        for await (const chunk of data) text += chunk.choices[0]?.delta?.content ?? "";
        return { text, traceId: response.headers.get("x-llmio-trace-id")! };
      })()
    : client.chat.completions
        .create({ model, messages: [{ role: "user", content }] }, { headers: options.headers })
        .withResponse()
        .then(({ data, response }) => ({ text: data.choices[0].message.content ?? "", traceId: response.headers.get("x-llmio-trace-id")! }));

/** Runs `count` tasks with at most `concurrency` at a time. */
async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

describe("one healthy provider out of five", () => {
  test("500 requests, stream and non-stream, all succeed; every failed attempt is logged", async () => {
    const baseUrl = `${upstream.url}/v1`;
    await configureModel(
      gateway,
      "one-of-five",
      [
        { name: "rate-limited", baseUrl, providerModel: "fake-model+status=429+retry-after=1", weight: 10 },
        { name: "server-error", baseUrl, providerModel: "fake-model+status=500", weight: 10 },
        { name: "hanging", baseUrl, providerModel: "fake-model+hang", weight: 10 },
        { name: "refusing", baseUrl: "http://127.0.0.1:9/v1", providerModel: "fake-model", weight: 10 },
        { name: "healthy", baseUrl, providerModel: "fake-model", weight: 1 },
      ],
      { maxRetry: 4, timeoutMs: 300 },
    );
    const started = performance.now();
    const answers = await pool(500, 50, (index) => ask("one-of-five", `request ${index}`, { stream: index % 2 === 1 }));
    const seconds = (performance.now() - started) / 1000;
    expect(answers.every((answer, index) => answer.text === `Echo: request ${index}`)).toBe(true);

    await Bun.sleep(50);
    await gateway.logWriter.flush();
    const rows = gateway.db.sqlite!
      .query("SELECT provider_name AS provider, status, COUNT(*) AS n FROM request_logs WHERE model = 'one-of-five' GROUP BY provider_name, status")
      .all() as Array<{ provider: string; status: string; n: number }>;
    const successes = rows.filter((row) => row.status === "success");
    expect(successes).toEqual([{ provider: "healthy", status: "success", n: 500 }]);
    const failedAttempts = rows.filter((row) => row.status === "error");
    // Every broken provider was tried (and logged) before its breaker or cool-down kept traffic away.
    expect(failedAttempts.map((row) => row.provider).sort()).toEqual(["hanging", "rate-limited", "refusing", "server-error"]);
    // Each trace has exactly one success, and its failed attempts are all logged before it.
    const traces = gateway.db.sqlite!
      .query("SELECT trace_id, COUNT(*) AS attempts, SUM(status = 'success') AS ok, MAX(attempt) AS last FROM request_logs WHERE model = 'one-of-five' GROUP BY trace_id")
      .all() as Array<{ attempts: number; ok: number; last: number }>;
    expect(traces).toHaveLength(500);
    expect(traces.every((trace) => trace.ok === 1 && trace.last === trace.attempts - 1)).toBe(true);
    const failed = failedAttempts.reduce((sum, row) => sum + row.n, 0);
    report.push(`one healthy of five: 500/500 succeeded in ${seconds.toFixed(1)} s; ${failed} failed attempts logged (${failedAttempts.map((row) => `${row.provider} ${row.n}`).join(", ")})`);
  }, 60_000);
});

describe("streams", () => {
  test("an error frame before any output fails over to the next provider", async () => {
    await configureModel(gateway, "error-frame", [
      { name: "frame-error", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+error-frame", weight: 1000 },
      { name: "frame-healthy", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model", weight: 1 },
    ], { strategy: "priority" });
    const answer = await ask("error-frame", "after a frame", { stream: true });
    expect(answer.text).toBe("Echo: after a frame");
    const rows = await logsOf(gateway, answer.traceId);
    expect(rows.map((row: { providerName: string; status: string }) => `${row.providerName}:${row.status}`)).toEqual(["frame-error:error", "frame-healthy:success"]);
  });

  test("a stream that goes silent past the model's idle timeout ends with an error event", async () => {
    const model = await configureModel(gateway, "silent", [{ name: "silent", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+stall-after=2" }], { maxRetry: 0 });
    await gateway.admin("PUT", `/api/models/${model.id}`, { streamIdleTimeoutMs: 300 });
    const started = performance.now();
    const error = await ask("silent", "slow words here and more", { stream: true }).catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String(error.message)).toContain("no data for 300 ms");
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe("matching and matchers", () => {
  test("aliases and globs route changing client model names, most specific pattern first", async () => {
    const baseUrl = `${upstream.url}/v1`;
    const broad = await configureModel(gateway, "any-claude", [{ name: "broad", baseUrl, providerModel: "fake-model" }]);
    await gateway.admin("PUT", `/api/models/${broad.id}`, { aliases: ["claude-*"] });
    const narrow = await configureModel(gateway, "sonnet", [{ name: "narrow", baseUrl, providerModel: "fake-model" }]);
    await gateway.admin("PUT", `/api/models/${narrow.id}`, { aliases: ["claude-sonnet-*", "my-sonnet"] });
    const served = async (model: string) => {
      const answer = await ask(model);
      return (await logsOf(gateway, answer.traceId))[0].providerName;
    };
    expect(await served("claude-sonnet-4-5-20250929")).toBe("narrow");
    expect(await served("claude-haiku-4-5")).toBe("broad");
    expect(await served("my-sonnet")).toBe("narrow");
    expect((await ask("gpt-5").catch((error) => error)).status).toBe(404);
  });

  test("a 200 answer carrying the provider's error text counts as a failure", async () => {
    const baseUrl = `${upstream.url}/v1`;
    await configureModel(gateway, "matcher", [
      { name: "relay-200-error", baseUrl, providerModel: "fake-model", weight: 1000 },
      { name: "relay-fine", baseUrl, providerModel: "fake-model", weight: 1 },
    ], { strategy: "priority" });
    const providers = await gateway.admin("GET", "/api/providers");
    const relay = providers.find((provider: { name: string }) => provider.name === "relay-200-error");
    // The fake echoes the prompt word by word, so the marker is one word (relays put it in their first frame).
    await gateway.admin("PUT", `/api/providers/${relay.id}`, { errorMatch: "exhausted" });
    for (const stream of [false, true]) {
      const answer = await ask("matcher", "quota exhausted, contact admin", { stream });
      const rows = await logsOf(gateway, answer.traceId);
      expect(rows.map((row: { providerName: string; status: string }) => `${row.providerName}:${row.status}`)).toEqual([
        "relay-200-error:error",
        "relay-fine:success",
      ]);
      expect(rows[0].error).toContain("error text");
    }
  });
});

describe("keys", () => {
  test("a refused key is marked dead and skipped; the other key serves", async () => {
    const model = await configureModel(gateway, "two-keys", [
      { name: "two-keys", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model", apiKeys: ["bad-key-0001", "sk-good-key-0002"] },
    ]);
    for (let index = 0; index < 20; index++) expect((await ask("two-keys", `k${index}`)).text).toBe(`Echo: k${index}`);
    await gateway.logWriter.flush();
    const refused = gateway.db.sqlite!.query("SELECT COUNT(*) AS n FROM request_logs WHERE model = 'two-keys' AND status_code = 401").get() as { n: number };
    expect(refused.n).toBe(1);
    const health = await gateway.admin("GET", "/api/health/providers");
    const provider = health.find((entry: { name: string }) => entry.name === "two-keys");
    expect(provider.keys.map((key: { state: string }) => key.state)).toEqual(["dead", "ok"]);
    expect(JSON.stringify(health)).not.toContain("bad-key-0001");
    expect(model.id).toBeGreaterThan(0);
    report.push("dead key: 20/20 succeeded, the refused key was tried once (1 row with 401), then shown dead in /api/health/providers");
  });
});

describe("circuit breaker", () => {
  test("opens after repeated failures, stops sending traffic, and closes after a successful probe", async () => {
    const model = await configureModel(gateway, "breaker", [{ name: "breaker", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+status=503" }], { maxRetry: 0 });
    for (let index = 0; index < 3; index++) expect((await ask("breaker").catch((error) => error)).status).toBe(503);
    const before = upstream.requests;
    const refused = await ask("breaker").catch((error) => error);
    expect(refused.status).toBe(503);
    expect(refused.message).toContain("no healthy provider");
    expect(upstream.requests).toBe(before);
    let health = await gateway.admin("GET", "/api/health/providers");
    expect(health.find((entry: { name: string }) => entry.name === "breaker").associations[0].breaker.state).toBe("open");

    // The provider recovers; after the open period one probe goes through and closes the breaker.
    const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${model.id}`);
    await gateway.admin("PUT", `/api/model-providers/${association.id}`, { providerModel: "fake-model" });
    await Bun.sleep(BREAKER_OPEN_MS + 50);
    expect((await ask("breaker", "recovered")).text).toBe("Echo: recovered");
    health = await gateway.admin("GET", "/api/health/providers");
    expect(health.find((entry: { name: string }) => entry.name === "breaker").associations[0].breaker.state).toBe("closed");
    report.push(`breaker: opened after 3 failures (the 4th request made no upstream call), closed by the first probe after ${BREAKER_OPEN_MS} ms`);
  });
});

describe("limits", () => {
  test("a burst of 200 against a 5-concurrent provider all succeed through the queue, never over the limit", async () => {
    await configureModel(gateway, "limited", [{ name: "limited", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+first-byte-delay=40" }]);
    const providers = await gateway.admin("GET", "/api/providers");
    const limited = providers.find((provider: { name: string }) => provider.name === "limited");
    await gateway.admin("PUT", `/api/providers/${limited.id}`, { maxConcurrent: 5 });
    upstream.resetPeakConcurrency();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, index) => ask("limited", `burst ${index}`)));
    const seconds = (performance.now() - started) / 1000;
    expect(answers.every((answer, index) => answer.text === `Echo: burst ${index}`)).toBe(true);
    expect(upstream.peakConcurrency).toBeLessThanOrEqual(5);
    expect(upstream.peakConcurrency).toBe(5);
    report.push(`limit 5 concurrent, burst of 200: 200/200 succeeded in ${seconds.toFixed(2)} s, peak upstream concurrency ${upstream.peakConcurrency}`);
  }, 30_000);

  test("requests per minute: past the limit a request waits, and past the wait it gets 429 with retry-after", async () => {
    await configureModel(gateway, "per-minute", [{ name: "per-minute", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    const providers = await gateway.admin("GET", "/api/providers");
    const provider = providers.find((entry: { name: string }) => entry.name === "per-minute");
    await gateway.admin("PUT", `/api/providers/${provider.id}`, { requestsPerMinute: 2 });
    await ask("per-minute");
    await ask("per-minute");
    const models = await gateway.admin("GET", "/api/models");
    const model = models.find((entry: { name: string }) => entry.name === "per-minute");
    // A short total budget, so the queue gives up quickly instead of waiting a minute.
    await gateway.admin("PUT", `/api/models/${model.id}`, { totalTimeoutMs: 300 });
    const started = performance.now();
    const limited = await ask("per-minute").catch((error) => error);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    report.push(`rpm 2: the 3rd request queued ${Math.round(performance.now() - started)} ms, then 429 with retry-after ${limited.headers.get("retry-after")} s`);
  });
});

describe("pins and sticky sessions", () => {
  let modelId = 0;
  const providerCounts = async (traceIds: string[]) => {
    const counts: Record<string, number> = {};
    for (const traceId of traceIds) {
      const rows = await logsOf(gateway, traceId);
      const name = rows.find((row: { status: string }) => row.status === "success").providerName;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };

  beforeAll(async () => {
    const baseUrl = `${upstream.url}/v1`;
    const model = await configureModel(gateway, "pinnable", [
      { name: "left", baseUrl, providerModel: "fake-model" },
      { name: "right", baseUrl, providerModel: "fake-model" },
    ]);
    modelId = model.id;
  });

  test("a persisted pin sends all traffic to one provider until unpinned", async () => {
    const providers = await gateway.admin("GET", "/api/providers");
    const right = providers.find((provider: { name: string }) => provider.name === "right");
    await gateway.admin("PUT", `/api/models/${modelId}/pin`, { providerId: right.id });
    const pinned = await Promise.all(Array.from({ length: 20 }, () => ask("pinnable").then((answer) => answer.traceId)));
    expect(await providerCounts(pinned)).toEqual({ right: 20 });
    await gateway.admin("PUT", `/api/models/${modelId}/pin`, { providerId: null });
    const unpinned = await Promise.all(Array.from({ length: 40 }, () => ask("pinnable").then((answer) => answer.traceId)));
    const counts = await providerCounts(unpinned);
    expect(counts.left).toBeGreaterThan(0);
    expect(counts.right).toBeGreaterThan(0);
    report.push(`pin: 20/20 on the pinned provider; after unpinning ${JSON.stringify(counts)}`);
  });

  test("per-request pins: model$provider and x-llmio-provider", async () => {
    const suffix = await Promise.all(Array.from({ length: 10 }, () => ask("pinnable$left").then((answer) => answer.traceId)));
    expect(await providerCounts(suffix)).toEqual({ left: 10 });
    const header = await Promise.all(Array.from({ length: 10 }, () => ask("pinnable", "x", { headers: { "x-llmio-provider": "right" } }).then((answer) => answer.traceId)));
    expect(await providerCounts(header)).toEqual({ right: 10 });
  });

  test("a session stays on the association that first served it", async () => {
    for (const session of ["session-a", "session-b", "session-c"]) {
      const traces = [];
      for (let index = 0; index < 8; index++) {
        traces.push((await ask("pinnable", "x", { headers: { "x-claude-code-session-id": session } })).traceId);
      }
      expect(Object.keys(await providerCounts(traces))).toHaveLength(1);
    }
    report.push("sticky: 3 sessions × 8 requests, each session on one provider");
  });
});

describe("client keys", () => {
  test("a key outside its allowed models gets 403 in the client's protocol shape", async () => {
    const created = await gateway.admin("POST", "/api/auth-keys", { name: "translator", allowedModels: ["pinnable"] });
    const keyed = new OpenAI({ apiKey: created.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    expect((await keyed.chat.completions.create({ model: "pinnable", messages: [{ role: "user", content: "ok" }] })).choices[0].message.content).toBe("Echo: ok");
    const openaiError = await keyed.chat.completions.create({ model: "limited", messages: [{ role: "user", content: "x" }] }).catch((error) => error);
    expect(openaiError).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(openaiError.error.type).toBe("permission_error");
    const anthropic = new Anthropic({ apiKey: created.key, baseURL: gateway.url, maxRetries: 0 });
    const anthropicError = await anthropic.messages.create({ model: "limited", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((error) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(anthropicError.error).toMatchObject({ type: "error", error: { type: "permission_error" } });
    const gemini = await fetch(`${gateway.url}/v1beta/models/limited:generateContent?key=${created.key}`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
    });
    expect(gemini.status).toBe(403);
    expect((await gemini.json()).error.status).toBe("PERMISSION_DENIED");
  });
});
