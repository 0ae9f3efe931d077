import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

let upstream: FakeUpstream;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  const baseUrl = `${upstream.url}/v1`;
  await configureModel(gateway, "echo", [{ name: "fake", baseUrl, providerModel: "fake-model" }]);
  // One association always fails with 500, the other is healthy: every request must still succeed.
  // Priority: the broken one (higher weight) is always tried first.
  await configureModel(
    gateway,
    "flaky",
    [
      { name: "broken", baseUrl, providerModel: "fake-model+status=500", weight: 1000 },
      { name: "healthy", baseUrl, providerModel: "fake-model", weight: 1 },
    ],
    { strategy: "priority" },
  );
  await configureModel(gateway, "all-down", [
    { name: "down-429", baseUrl, providerModel: "fake-model+status=429+retry-after=7" },
    { name: "down-refused", baseUrl: "http://127.0.0.1:9/v1", providerModel: "fake-model" },
  ]);
  await configureModel(gateway, "hanging", [{ name: "hang", baseUrl, providerModel: "fake-model+hang" }], { maxRetry: 0, timeoutMs: 300 });
  await configureModel(gateway, "cut", [{ name: "cutter", baseUrl, providerModel: "fake-model+cut-after=3" }], { maxRetry: 0 });
  client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

describe("OpenAI SDK through the gateway", () => {
  test("non-stream: answer, model rewrite, usage logged", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "echo", messages: [{ role: "user", content: "hello gateway" }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe("Echo: hello gateway");
    expect(data.usage?.completion_tokens).toBe(3);
    expect((upstream.lastRequest?.body as { model: string }).model).toBe("fake-model");
    expect(upstream.lastRequest?.headers.authorization).toBe("Bearer sk-fake-upstream-key-1234");

    const traceId = response.headers.get("x-llmio-trace-id")!;
    const [row] = await logsOf(gateway, traceId);
    expect(row).toMatchObject({
      status: "success",
      statusCode: 200,
      model: "echo",
      providerModel: "fake-model",
      clientProtocol: "openai-chat",
      stream: false,
      completionTokens: 3,
      totalTokens: data.usage!.total_tokens,
    });
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.firstByteMs).toBeGreaterThanOrEqual(0);
  });

  test("stream: chunks reassemble the answer and usage is recorded", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: "echo", stream: true, messages: [{ role: "user", content: "one two three four" }] })
      .withResponse();
    let text = "";
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("Echo: one two three four");
    expect(finish).toBe("stop");
    // The gateway asked the upstream for usage although the client did not.
    expect((upstream.lastRequest?.body as any).stream_options).toEqual({ include_usage: true });

    const [row] = await logsOf(gateway, response.headers.get("x-llmio-trace-id")!);
    expect(row).toMatchObject({ status: "success", stream: true, completionTokens: 5 });
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(row.firstByteMs).not.toBeNull();
    expect(row.durationMs).toBeGreaterThanOrEqual(row.firstByteMs);
  });

  test("failover: a failing association is retried on a healthy one, every attempt logged", async () => {
    for (const stream of [false, true]) {
      const { data, response } = await client.chat.completions
        .create({ model: "flaky", stream: stream as false, messages: [{ role: "user", content: "still works" }] })
        .withResponse();
      if (!stream) expect(data.choices[0].message.content).toBe("Echo: still works");
      else for await (const _ of data as unknown as AsyncIterable<unknown>) {}
      const rows = await logsOf(gateway, response.headers.get("x-llmio-trace-id")!);
      expect(rows.map((row: any) => [row.attempt, row.providerName, row.status])).toEqual([
        [0, "broken", "error"],
        [1, "healthy", "success"],
      ]);
      expect(rows[0].statusCode).toBe(500);
      expect(rows[0].error).toContain("HTTP 500");
    }
  });

  test("all attempts failed: 502 in OpenAI's shape with the trace id and retry-after", async () => {
    const error = await client.chat.completions
      .create({ model: "all-down", messages: [{ role: "user", content: "x" }] })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    const traceId = error.headers.get("x-llmio-trace-id");
    expect(error.message).toContain(traceId);
    expect(error.error.type).toBe("upstream_error");
    expect(error.headers.get("retry-after")).toBe("7");
    const rows = await logsOf(gateway, traceId);
    expect(rows).toHaveLength(2);
    expect(rows.every((row: any) => row.status === "error")).toBe(true);
  });

  test("a hanging upstream times out instead of hanging the client", async () => {
    const started = performance.now();
    const error = await client.chat.completions
      .create({ model: "hanging", messages: [{ role: "user", content: "x" }] })
      .catch((caught) => caught);
    // A timeout is reported as one (504), with the cause.
    expect(error.status).toBe(504);
    expect(error.message).toContain("no response within 300 ms");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  test("a stream cut mid-way ends with an error event, not a clean end", async () => {
    const stream = await client.chat.completions.create({
      model: "cut",
      stream: true,
      messages: [{ role: "user", content: "a b c d e f g h" }],
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    })().catch((caught) => caught);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String(error.message)).toContain("upstream stream");
  });

  test("models list shows the public names", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(["all-down", "cut", "echo", "flaky", "hanging"]);
  });

  test("error shapes: 401, 404, 400", async () => {
    const wrongKey = new OpenAI({ apiKey: "wrong", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const unauthorized = await wrongKey.chat.completions.create({ model: "echo", messages: [] }).catch((caught) => caught);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(unauthorized.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });

    const unknown = await client.chat.completions
      .create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })
      .catch((caught) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.error).toMatchObject({ code: "model_not_found", param: "model" });

    const malformed = await fetch(`${gateway.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    const body = await malformed.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("not valid JSON");
  });
});
