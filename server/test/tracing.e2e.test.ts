/**
 * OpenTelemetry tracing through a real gateway: spans exported over OTLP/HTTP (protobuf) to a
 * receiver in the test, decoded and checked: the span tree and parent links of a failover, a
 * client's traceparent continued and passed upstream, a translated stream's attributes and first
 * byte, a client abort, the GenAI attributes, and a dead collector that changes nothing for clients.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps } from "../src/app-deps.ts";
import { openDatabase } from "../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { createTracing, NOOP_TRACING, type Tracing } from "../src/observability/tracing.ts";
import { SettingsTracing } from "../src/observability/settings-tracing.ts";
import { listenTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { startOtlpReceiver, type ReceivedSpan } from "./otel/otlp-receiver.ts";

const SERVER = 2;
const CLIENT = 3;
const folder = mkdtempSync(join(tmpdir(), "llmio-tracing-"));
let upstream: FakeUpstream;
let receiver: ReturnType<typeof startOtlpReceiver>;
let tracing: Tracing;
let gateway: TestGateway;

/** A gateway on its own database with the given tracing. */
function gatewayWith(tracingOf: Tracing, name: string): TestGateway {
  const db = openDatabase(join(folder, `${name}.db`));
  return listenTestGateway(createDeps({ token: TEST_TOKEN }, db, { logWriter: { flushIntervalMs: 10 }, tracing: tracingOf }));
}

async function model(target: TestGateway, name: string, route: Array<{ type?: string; providerModel: string }>) {
  const created = await target.admin("POST", "/api/models", { name, strategy: "priority", maxRetry: route.length });
  for (const [index, hop] of route.entries()) {
    const provider = await target.admin("POST", "/api/providers", { name: `${name}-${index}`, type: hop.type ?? "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-trace-key-0001"] });
    await target.admin("POST", "/api/model-providers", { modelId: created.id, providerId: provider.id, providerModel: hop.providerModel, weight: route.length - index });
  }
}

/** The spans of one trace once exported (the receiver keeps everything). */
async function spansOf(traceId: string): Promise<ReceivedSpan[]> {
  await tracing.flush();
  return receiver.spans.filter((span) => span.traceId === traceId);
}

/** The SERVER span whose llmio.trace_id is the log's trace id, once the request has ended and its spans were exported. */
async function serverSpanOf(logTraceId: string | null): Promise<ReceivedSpan> {
  for (let tries = 0; tries < 40; tries++) {
    await tracing.flush();
    const server = receiver.spans.find((span) => span.kind === SERVER && span.attributes["llmio.trace_id"] === logTraceId);
    if (server) return server;
    await Bun.sleep(50);
  }
  throw new Error(`no server span for ${logTraceId}`);
}

function chat(model: string, options: { stream?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    signal: options.signal,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...options.headers },
    body: JSON.stringify({ model, stream: options.stream ?? false, messages: [{ role: "user", content: "trace me" }] }),
  });
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  receiver = startOtlpReceiver();
  tracing = await createTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=secret%20value", OTEL_SERVICE_NAME: "llmio-under-test" });
  gateway = gatewayWith(tracing, "traced");
  await model(gateway, "failing-over", [{ providerModel: "fake-model+status=500" }, { providerModel: "fake-model" }]);
  await model(gateway, "to-openai", [{ providerModel: "fake-model+words=12+token-delay=5" }]);
  await model(gateway, "all-failing", [{ providerModel: "fake-model+status=503" }, { providerModel: "fake-model+status=500" }]);
  await model(gateway, "slow-stream", [{ providerModel: "fake-model+words=200+token-delay=20" }]);
});

afterAll(async () => {
  await gateway.stop();
  await tracing.shutdown();
  receiver.stop();
  await upstream.stop();
  rmSync(folder, { recursive: true, force: true });
});

describe("tracing on", () => {
  test("a failover is one SERVER span with a CLIENT span per attempt, continuing the client's traceparent and passing it upstream", async () => {
    const clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const clientSpan = "00f067aa0ba902b7";
    const response = await chat("failing-over", { headers: { traceparent: `00-${clientTrace}-${clientSpan}-01` } });
    expect(response.status).toBe(200);
    await response.text();
    const spans = await spansOf(clientTrace);
    const server = spans.find((span) => span.kind === SERVER)!;
    const attempts = spans.filter((span) => span.kind === CLIENT).sort((a, b) => Number(a.attributes["llmio.attempt"]) - Number(b.attributes["llmio.attempt"]));
    expect(server).toBeDefined();
    expect(server.parentSpanId).toBe(clientSpan);
    expect(server.name).toBe("chat failing-over");
    expect(server.service).toBe("llmio-under-test");
    expect(server.headers["x-collector-key"]).toBe("secret value");
    expect(server.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "failing-over",
      "llmio.trace_id": response.headers.get("x-llmio-trace-id"),
      "llmio.attempts": 2,
      "http.response.status_code": 200,
    });
    expect(server.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);

    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(server.spanId);
    expect(attempts[0]).toMatchObject({ name: "chat fake-model+status=500", status: { code: 2 } });
    expect(attempts[0].attributes).toMatchObject({ "error.type": "server", "http.response.status_code": 500, "server.address": "127.0.0.1", "llmio.attempt": 0 });
    expect(attempts[1].attributes).toMatchObject({ "gen_ai.request.model": "fake-model", "gen_ai.provider.name": "openai", "http.response.status_code": 200, "llmio.attempt": 1 });
    expect(attempts[1].attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    // A passed-through answer's own model and finish reason (decoded because the span records).
    expect(attempts[1].attributes["gen_ai.response.model"]).toBe("fake-model");
    expect(attempts[1].attributes["gen_ai.response.finish_reasons"]).toEqual(["stop"]);
    expect(attempts[0].attributes["gen_ai.response.finish_reasons"]).toEqual(["error"]);
    // The upstream saw the second attempt's span as its parent, not the client's.
    expect(upstream.lastRequest?.headers.traceparent).toBe(`00-${clientTrace}-${attempts[1].spanId}-01`);
    // The log rows carry the trace id the tracing UI knows the request by.
    await gateway.logWriter.flush();
    const rows = await gateway.admin("GET", `/api/logs/${response.headers.get("x-llmio-trace-id")}/attempts`);
    expect(rows.map((row: { otelTraceId: string }) => row.otelTraceId)).toEqual([clientTrace, clientTrace]);
  });

  test("a translated stream: the server span in the client's flavour, the attempt in the provider's, first byte as an event", async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": TEST_TOKEN, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "to-openai", max_tokens: 100, stream: true, messages: [{ role: "user", content: "trace a stream" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const server = await serverSpanOf(response.headers.get("x-llmio-trace-id"));
    const [attempt] = await spansOf(server.traceId).then((spans) => spans.filter((span) => span.kind === CLIENT));
    expect(server.attributes).toMatchObject({ "gen_ai.provider.name": "anthropic", "gen_ai.request.stream": true, "llmio.client.protocol": "anthropic" });
    expect(server.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThan(0);
    expect(server.events.map((event) => event.name)).toContain("llmio.first_byte");
    // An Anthropic client, an OpenAI-compatible provider: translated.
    expect(attempt.attributes).toMatchObject({ "gen_ai.provider.name": "openai", "gen_ai.request.model": "fake-model+words=12+token-delay=5", "gen_ai.response.finish_reasons": ["stop"] });
    expect(attempt.attributes["gen_ai.response.model"]).toBeDefined();
    expect(attempt.parentSpanId).toBe(server.spanId);
  });

  test("every attempt failing: the server span ends as an error with the client's status and the last attempt's class", async () => {
    const response = await chat("all-failing");
    expect(response.status).toBeGreaterThanOrEqual(500);
    await response.text();
    const server = await serverSpanOf(response.headers.get("x-llmio-trace-id"));
    expect(server.status.code).toBe(2);
    expect(server.attributes).toMatchObject({ "http.response.status_code": response.status, "error.type": "server", "llmio.attempts": 2 });
    const attempts = receiver.spans.filter((span) => span.parentSpanId === server.spanId);
    expect(attempts.map((span) => span.attributes["http.response.status_code"]).sort()).toEqual([500, 503]);
  });

  test("an embeddings call is an `embeddings` SERVER span with its attempt", async () => {
    const response = await fetch(`${gateway.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "failing-over", input: "embed me" }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const server = await serverSpanOf(response.headers.get("x-llmio-trace-id"));
    expect(server.name).toBe("embeddings failing-over");
    const attempts = receiver.spans.filter((span) => span.parentSpanId === server.spanId);
    expect(attempts.map((span) => span.name)).toContain("embeddings fake-model");
    expect(server.attributes["gen_ai.operation.name"]).toBe("embeddings");
  });

  test("a token count is a `count_tokens` SERVER span, answered locally when no provider counts", async () => {
    const response = await fetch(`${gateway.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": TEST_TOKEN, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "to-openai", messages: [{ role: "user", content: "count me" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    const server = await serverSpanOf(response.headers.get("x-llmio-trace-id"));
    expect(server.name).toBe("count_tokens to-openai");
    expect(server.attributes["gen_ai.operation.name"]).toBe("count_tokens");
  });

  test("a call refused before routing is a span of its own with the refusal as error.type, once", async () => {
    const before = receiver.spans.length;
    const response = await chat("no-such-model");
    expect(response.status).toBe(404);
    await response.text();
    await tracing.flush();
    const refused = receiver.spans.slice(before).filter((span) => span.name === "chat no-such-model");
    expect(refused).toHaveLength(1);
    // A 4xx leaves the server span's status unset (the HTTP conventions), the refusal in error.type.
    expect(refused[0].kind).toBe(SERVER);
    expect(refused[0].status.code ?? 0).toBe(0);
    expect(refused[0].attributes).toMatchObject({ "error.type": "unknown_model", "http.response.status_code": 404, "llmio.attempts": 0 });
  });

  test("while body capture is on, the span carries the prompt and the completion in the GenAI message shape; off, neither", async () => {
    const plain = await chat("failing-over");
    const withoutCapture = await serverSpanOf(plain.headers.get("x-llmio-trace-id"));
    await plain.text();
    expect(withoutCapture.attributes["gen_ai.input.messages"]).toBeUndefined();
    await gateway.admin("PUT", "/api/settings", { bodyCapture: true });
    const captured = await chat("failing-over");
    await captured.text();
    const server = await serverSpanOf(captured.headers.get("x-llmio-trace-id"));
    await gateway.admin("PUT", "/api/settings", { bodyCapture: false });
    expect(JSON.parse(String(server.attributes["gen_ai.input.messages"]))).toEqual([{ role: "user", parts: [{ type: "text", content: "trace me" }] }]);
    const [output] = JSON.parse(String(server.attributes["gen_ai.output.messages"]));
    expect(output).toMatchObject({ role: "assistant", finish_reason: "stop" });
    expect(output.parts[0].content).toContain("trace me");
  });

  test("a client that leaves mid-stream: the attempt span ends as client_closed", async () => {
    const abort = new AbortController();
    const response = await chat("slow-stream", { stream: true, signal: abort.signal });
    const traceId = response.headers.get("x-llmio-trace-id");
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => {});
    const server = await serverSpanOf(traceId);
    const attempt = receiver.spans.find((span) => span.kind === CLIENT && span.parentSpanId === server.spanId);
    expect(attempt?.attributes["error.type"]).toBe("client_closed");
    expect(attempt?.status.code).toBe(2);
  });
});

describe("tracing from the admin settings", () => {
  test("setting an endpoint turns tracing on for the next requests, with its headers and ratio; clearing it turns it off", async () => {
    const settingsReceiver = startOtlpReceiver();
    const followed = new SettingsTracing({}, () => {});
    const target = gatewayWith(followed, "settings-tracing");
    await followed.follow(target.deps.settings);
    await model(target, "followed", [{ providerModel: "fake-model" }]);
    const ask = async () => {
      const response = await fetch(`${target.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "followed", messages: [{ role: "user", content: "settings" }] }),
      });
      await response.text();
      await followed.flush();
    };
    await ask();
    expect(followed.enabled).toBe(false);
    const saved = await target.admin("PUT", "/api/settings", { tracingEndpoint: settingsReceiver.url, tracingHeaders: "x-honeycomb-team=abcdefghijklmnop", tracingSampleRatio: 1 });
    // The collector's key never comes back whole.
    expect(saved.tracingHeaders).toBe("x-honeycomb-team=abc…mnop");
    await Bun.sleep(100);
    expect(followed.enabled).toBe(true);
    await ask();
    expect(settingsReceiver.spans.filter((span) => span.kind === SERVER)).toHaveLength(1);
    expect(settingsReceiver.spans[0].headers["x-honeycomb-team"]).toBe("abcdefghijklmnop");
    // Sent back masked, the stored key is kept.
    await target.admin("PUT", "/api/settings", { tracingHeaders: saved.tracingHeaders, tracingSampleRatio: 0.5 });
    await Bun.sleep(100);
    await ask();
    expect(settingsReceiver.spans.find((span) => span.kind === SERVER && span.headers["x-honeycomb-team"] !== "abcdefghijklmnop")).toBeUndefined();
    await target.admin("PUT", "/api/settings", { tracingEndpoint: null });
    await Bun.sleep(100);
    expect(followed.enabled).toBe(false);
    await target.stop();
    await followed.shutdown();
    settingsReceiver.stop();
  });
});

describe("tracing off, or a collector that is away", () => {
  test("without an OTLP endpoint tracing is the no-op singleton (the SDK is not loaded)", async () => {
    expect(await createTracing({})).toBe(NOOP_TRACING);
    expect(await createTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "true" })).toBe(NOOP_TRACING);
    expect(NOOP_TRACING.request({ headers: new Headers(), protocol: "openai-chat", model: "m", stream: false }).recording).toBe(false);
  });

  for (const collector of ["hung (accepts, never answers)", "gone (connection refused)"]) {
    test(`a collector that is ${collector} changes nothing for clients; spans past the queue are dropped and counted`, async () => {
      // Port 9 (discard) has no listener here; the hung one reads the export and never answers.
      const hung = collector.startsWith("hung") ? Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Promise<Response>(() => {}) }) : undefined;
      let dropped = 0;
      const awayTracing = await createTracing(
        { OTEL_EXPORTER_OTLP_ENDPOINT: hung ? `http://127.0.0.1:${hung.port}` : "http://127.0.0.1:9", OTEL_BSP_MAX_QUEUE_SIZE: "4", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2", OTEL_EXPORTER_OTLP_TIMEOUT: "300" },
        { onDropped: (spans) => (dropped += spans) },
      );
      const away = gatewayWith(awayTracing, `collector-${hung ? "hung" : "gone"}`);
      await model(away, "plain", [{ providerModel: "fake-model" }]);
      const started = performance.now();
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${away.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "plain", messages: [{ role: "user", content: `call ${i}` }] }),
          }),
        ),
      );
      for (const response of responses) {
        expect(response.status).toBe(200);
        await response.text();
      }
      expect(performance.now() - started).toBeLessThan(5000);
      expect(dropped).toBeGreaterThan(0);
      await away.stop();
      await awayTracing.shutdown();
      hung?.stop(true);
    }, 20_000);
  }
});
