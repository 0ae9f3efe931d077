/**
 * Issue 12, item 7: an upstream stream that never ends was relayed until the client gave up,
 * past every timeout of the model. A model's maximum stream duration must end such a stream
 * with the client protocol's error event, log the attempt as an error saying why, cancel the
 * upstream and leave nothing in flight — on the same-protocol pass-through path and on the
 * translated path alike.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { jsonOrText, parseSse } from "../../src/protocols/test-kit/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";

const MAX_DURATION_MS = 1500;
const WHY = "stream exceeded the model's maximum duration of 1.5 s";
/** How long after the limit the stream may take to end (timer, log flush, a loaded machine). */
const SLACK_MS = 2000;
/** A client in these tests gives up after this long; the old gateway relayed until then. */
const CLIENT_PATIENCE_MS = MAX_DURATION_MS + 5000;
/** 100,000 words one every 40 ms: an hour of stream, for the test an upstream that never ends. */
const ENDLESS = "fake-model+words=100000+token-delay=40";
/** Each test waits for at most two streams of the client's patience, then for the log. */
const TEST_TIMEOUT_MS = 2 * CLIENT_PATIENCE_MS + 3000;

let upstream: FakeUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  for (const type of ["openai", "anthropic"] as const) {
    const model = await configureModel(gateway, `endless-${type}`, [{ name: `endless-${type}`, type, baseUrl: `${upstream.url}/v1`, providerModel: ENDLESS }], {
      maxRetry: 0,
    });
    const updated = await gateway.admin("PUT", `/api/models/${model.id}`, { maxStreamDurationMs: MAX_DURATION_MS });
    expect(updated.maxStreamDurationMs).toBe(MAX_DURATION_MS);
  }
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

interface StreamedAnswer {
  status: number;
  traceId: string;
  text: string;
  /** False when the client gave up on a stream still running. */
  ended: boolean;
  elapsedMs: number;
}

/** Sends a streaming request and reads the answer to its end, or until the client's patience runs out. */
async function streamFrom(path: string, body: object): Promise<StreamedAnswer> {
  const started = performance.now();
  const response = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let giveUp: ReturnType<typeof setTimeout> | undefined;
  const patience = new Promise<"gave up">((resolve) => (giveUp = setTimeout(() => resolve("gave up"), CLIENT_PATIENCE_MS)));
  let ended = false;
  try {
    for (;;) {
      const read = reader.read();
      // A read still pending when the client gives up fails once the connection is dropped.
      read.catch(() => {});
      const next = await Promise.race([read, patience]);
      if (next === "gave up") break;
      if (next.done) {
        ended = true;
        break;
      }
      text += decoder.decode(next.value, { stream: true });
    }
  } finally {
    clearTimeout(giveUp);
    if (!ended) await reader.cancel().catch(() => {});
  }
  return { status: response.status, traceId: response.headers.get("x-llmio-trace-id") ?? "", text, ended, elapsedMs: performance.now() - started };
}

/** The SSE frames of a stream body, as event name and data (parsed where it is JSON). */
async function framesOf(text: string): Promise<Array<{ event?: string; data: unknown }>> {
  return (await parseSse(text)).map(({ event, data }) => ({ event, data: jsonOrText(data) }));
}

/** The attempt's log row once written, and that nothing of the request is still in flight. */
async function expectLoggedAndSettled(traceId: string) {
  // The row waits for the token estimate of the relayed words (the first one loads the tokenizer).
  let rows = await logsOf(gateway, traceId);
  for (let waited = 0; rows.length === 0 && waited < 3000; waited += 100) rows = await logsOf(gateway, traceId);
  expect(rows).toHaveLength(1);
  expect(rows[0].status).toBe("error");
  expect(rows[0].error).toContain(WHY);
  expect(gateway.deps.inFlight.size).toBe(0);
  expect((await gateway.admin("GET", "/api/live")).inFlight).toEqual([]);
}

describe("a stream that never ends (issue 12, item 7)", () => {
  test("pass-through (OpenAI client → OpenAI upstream): ends with an error chunk after the model's maximum duration", async () => {
    const answer = await streamFrom("/v1/chat/completions", {
      model: "endless-openai",
      stream: true,
      messages: [{ role: "user", content: "never stop" }],
    });
    expect(answer.status).toBe(200);
    expect(answer.ended).toBe(true);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(MAX_DURATION_MS);
    expect(answer.elapsedMs).toBeLessThan(MAX_DURATION_MS + SLACK_MS);
    const frames = await framesOf(answer.text);
    // Words were relayed before the limit; the last frame is the protocol's error, not [DONE].
    expect(frames.length).toBeGreaterThan(5);
    const last = frames.at(-1)!.data as { error?: { message: string } };
    expect(last.error?.message).toContain(WHY);
    await expectLoggedAndSettled(answer.traceId);
  }, TEST_TIMEOUT_MS);

  test("pass-through (Anthropic client → Anthropic upstream): ends with an error event", async () => {
    const answer = await streamFrom("/v1/messages", {
      model: "endless-anthropic",
      stream: true,
      max_tokens: 100_000,
      messages: [{ role: "user", content: "never stop" }],
    });
    expect(answer.ended).toBe(true);
    expect(answer.elapsedMs).toBeLessThan(MAX_DURATION_MS + SLACK_MS);
    const last = (await framesOf(answer.text)).at(-1)!;
    expect(last.event).toBe("error");
    expect((last.data as { error: { message: string } }).error.message).toContain(WHY);
    await expectLoggedAndSettled(answer.traceId);
  }, TEST_TIMEOUT_MS);

  test("translated (Anthropic client → OpenAI upstream): ends with Anthropic's error event", async () => {
    const answer = await streamFrom("/v1/messages", {
      model: "endless-openai",
      stream: true,
      max_tokens: 100_000,
      messages: [{ role: "user", content: "never stop" }],
    });
    expect(answer.status).toBe(200);
    expect(answer.ended).toBe(true);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(MAX_DURATION_MS);
    expect(answer.elapsedMs).toBeLessThan(MAX_DURATION_MS + SLACK_MS);
    const frames = await framesOf(answer.text);
    expect(frames.some((frame) => frame.event === "content_block_delta")).toBe(true);
    const error = frames.find((frame) => frame.event === "error");
    expect((error?.data as { error: { type: string; message: string } } | undefined)?.error.message).toContain(WHY);
    expect(frames.some((frame) => frame.event === "message_stop")).toBe(false);
    await expectLoggedAndSettled(answer.traceId);
  }, TEST_TIMEOUT_MS);

  test("translated (OpenAI client → Anthropic upstream): ends with an error chunk", async () => {
    const answer = await streamFrom("/v1/chat/completions", {
      model: "endless-anthropic",
      stream: true,
      messages: [{ role: "user", content: "never stop" }],
    });
    expect(answer.ended).toBe(true);
    expect(answer.elapsedMs).toBeLessThan(MAX_DURATION_MS + SLACK_MS);
    const errors = (await framesOf(answer.text)).filter((frame) => typeof frame.data === "object" && frame.data !== null && "error" in frame.data);
    expect(errors).toHaveLength(1);
    expect((errors[0].data as { error: { message: string } }).error.message).toContain(WHY);
    await expectLoggedAndSettled(answer.traceId);
  }, TEST_TIMEOUT_MS);

  test("the upstream's endless stream is cancelled on both paths", async () => {
    const endless = startCountingUpstream();
    try {
      const model = await configureModel(gateway, "endless-counted", [{ name: "counted", baseUrl: `${endless.url}/v1`, providerModel: "anything" }], { maxRetry: 0 });
      await gateway.admin("PUT", `/api/models/${model.id}`, { maxStreamDurationMs: MAX_DURATION_MS });
      const passThrough = streamFrom("/v1/chat/completions", { model: "endless-counted", stream: true, messages: [{ role: "user", content: "hi" }] });
      const translated = streamFrom("/v1/messages", { model: "endless-counted", stream: true, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
      await Bun.sleep(MAX_DURATION_MS / 2);
      expect(endless.open).toBe(2);
      const answers = await Promise.all([passThrough, translated]);
      expect(answers.map((answer) => answer.ended)).toEqual([true, true]);
      for (let waited = 0; endless.open > 0 && waited < 1000; waited += 20) await Bun.sleep(20);
      expect(endless.open).toBe(0);
      expect(endless.started).toBe(2);
    } finally {
      endless.stop();
    }
  }, TEST_TIMEOUT_MS);

  test("a model's maximum duration defaults to 30 minutes", async () => {
    const created = await gateway.admin("POST", "/api/models", { name: "defaults" });
    expect(created.maxStreamDurationMs).toBe(30 * 60_000);
  });
});

/**
 * An OpenAI-compatible upstream whose chat stream never ends and which counts the streams
 * still open, to see that the gateway hangs up on it.
 */
function startCountingUpstream() {
  let open = 0;
  let started = 0;
  const encoder = new TextEncoder();
  const chunk = (delta: object) => encoder.encode(`data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "anything", choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch() {
      let timer: ReturnType<typeof setInterval> | undefined;
      const stop = () => {
        clearInterval(timer);
        open--;
      };
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          open++;
          started++;
          controller.enqueue(chunk({ role: "assistant", content: "" }));
          timer = setInterval(() => {
            try {
              controller.enqueue(chunk({ content: "word " }));
            } catch {
              stop();
            }
          }, 40);
        },
        cancel: stop,
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    get open() {
      return open;
    },
    get started() {
      return started;
    },
    stop: () => server.stop(true),
  };
}
