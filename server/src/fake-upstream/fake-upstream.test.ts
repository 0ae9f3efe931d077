import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readSseData } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, parseFaults, startFakeUpstream } from "./index.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

const AUTH = { authorization: "Bearer test-key", "content-type": "application/json" };
const MESSAGES = [
  { role: "system", content: "You are terse." }, // 14 chars
  { role: "user", content: "Hello   there,\n world" }, // 21 chars
];
const PROMPT_TOKENS = Math.ceil((14 + 21) / 4);
const WEATHER_TOOLS = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];

type Json = Record<string, any>;

function chat(body: Json, options: { fault?: string; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = { ...AUTH, ...options.headers };
  if (options.fault) headers["x-fake-fault"] = options.fault;
  return fetch(`${upstream.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "fake-model", messages: MESSAGES, ...body }),
    signal: options.signal,
  });
}

function chunksOf(data: string[]): Json[] {
  return data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d));
}

describe("non-stream", () => {
  test("echoes the last user message with deterministic usage", async () => {
    const response = await chat({});
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body.id).toStartWith("chatcmpl-");
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("fake-model");
    expect(typeof body.created).toBe("number");
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].message).toMatchObject({ role: "assistant", content: "Echo: Hello there, world" });
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage).toEqual({
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: 4,
      total_tokens: PROMPT_TOKENS + 4,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test("truncates the echo to 200 characters and reads content parts", async () => {
    const long = "x".repeat(300);
    const body = await (await chat({ messages: [{ role: "user", content: [{ type: "text", text: long }] }] })).json();
    expect(body.choices[0].message.content).toBe(`Echo: ${"x".repeat(200)}`);
    expect(body.usage.prompt_tokens).toBe(75);
  });

  test("records the request (path, headers, body)", async () => {
    const before = upstream.requests;
    const response = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      headers: { ...AUTH, "x-trace": "abc" },
      body: JSON.stringify({ model: "m1", messages: [{ role: "user", content: "hi" }] }),
    });
    expect((await response.json()).choices[0].message.content).toBe("Echo: hi");
    expect(upstream.requests).toBe(before + 1);
    expect(upstream.lastRequest?.path).toBe("/v1/chat/completions");
    expect(upstream.lastRequest?.headers["x-trace"]).toBe("abc");
    expect(upstream.lastRequest?.body).toEqual({ model: "m1", messages: [{ role: "user", content: "hi" }] });
  });

});

describe("stream", () => {
  test("role chunk, one chunk per word, finish chunk, usage chunk, [DONE]", async () => {
    const nonStream = await (await chat({})).json();
    const response = await chat({ stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const { data, error } = await readSseData(response);
    expect(error).toBeUndefined();
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = chunksOf(data);
    for (const chunk of chunks) {
      expect(chunk.object).toBe("chat.completion.chunk");
      expect(chunk.id).toBe(chunks[0].id);
      expect(chunk.model).toBe("fake-model");
    }
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const words = chunks.slice(1, -2);
    expect(words.map((c) => c.choices[0].delta.content)).toEqual(["Echo: ", "Hello ", "there, ", "world"]);
    for (const c of words) expect(c.choices[0].finish_reason).toBeNull();
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(nonStream.usage);
    expect(words.map((c) => c.choices[0].delta.content).join("")).toBe(nonStream.choices[0].message.content);
  });

  test("no usage chunk unless requested", async () => {
    const chunks = chunksOf((await readSseData(await chat({ stream: true }))).data);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("stop");
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
  });

  test("words=N via the model name gives exactly N content chunks", async () => {
    const response = await chat({ model: "fake-model+words=50", stream: true, stream_options: { include_usage: true } });
    const chunks = chunksOf((await readSseData(response)).data);
    expect(chunks).toHaveLength(1 + 50 + 2);
    expect(chunks[1].choices[0].delta.content).toBe("lorem ");
    expect(chunks.at(-1)!.usage.completion_tokens).toBe(50);
    expect(chunks[0].model).toBe("fake-model+words=50");
  });
});

describe("tool calls", () => {
  test("non-stream: a tool call when tools are given and the user asks about weather", async () => {
    const body = await (
      await chat({ tools: WEATHER_TOOLS, messages: [{ role: "user", content: "What's the Weather in Paris?" }] })
    ).json();
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls[0];
    expect(call.id).toStartWith("call_");
    expect(call).toMatchObject({ type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  test("stream: id and name first, arguments across several chunks (tool fault)", async () => {
    const nonStream = await (await chat({ tools: WEATHER_TOOLS }, { fault: "tool" })).json();
    const response = await chat({ tools: WEATHER_TOOLS, stream: true, stream_options: { include_usage: true } }, { fault: "tool" });
    const { data, error } = await readSseData(response);
    expect(error).toBeUndefined();
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = chunksOf(data);
    const first = chunks[0].choices[0].delta.tool_calls[0];
    expect(first).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(first.id).toStartWith("call_");
    const fragments = chunks.slice(1, -2).map((c) => c.choices[0].delta.tool_calls[0]);
    expect(fragments.length).toBeGreaterThanOrEqual(2);
    for (const f of fragments) expect(f.index).toBe(0);
    expect(fragments.map((f) => f.function.arguments).join("")).toBe('{"location":"Paris"}');
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage).toEqual(nonStream.usage);
  });

  test("no tool call once the conversation ends with a tool result, so an agent loop terminates", async () => {
    const messages = [
      { role: "user", content: "What's the weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"location":"Paris"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ];
    const body = await (await chat({ tools: WEATHER_TOOLS, messages }, { fault: "tool" })).json();
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.choices[0].message.content).toBe("Echo: What's the weather in Paris?");
  });

  test("no tool call without tools", async () => {
    const body = await (await chat({ messages: [{ role: "user", content: "weather?" }] }, { fault: "tool" })).json();
    expect(body.choices[0].message.content).toBe("Echo: weather?");
  });
});

describe("faults", () => {
  test("status=429 with retry-after from the header", async () => {
    const response = await chat({}, { fault: "status=429; retry-after=2" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    const body = await response.json();
    expect(body.error).toMatchObject({ type: "rate_limit_error", param: null });
    expect(typeof body.error.message).toBe("string");
  });

  test("status from the model name; the header wins on conflicts", async () => {
    const fromModel = await chat({ model: "fake-model+status=503" });
    expect(fromModel.status).toBe(503);
    expect((await fromModel.json()).error.type).toBe("server_error");
    const merged = await chat({ model: "fake-model+status=503+retry-after=7" }, { fault: "status=400" });
    expect(merged.status).toBe(400);
    expect(merged.headers.get("retry-after")).toBe("7");
    expect((await merged.json()).error.type).toBe("invalid_request_error");
  });

  test("rpm=N: 429 with retry-after once more than N requests for the model arrived within a minute, per model", async () => {
    const limited = { model: "fake-model+rpm=2+words=3" };
    // Another model string (another quota): not affected by the first one's window.
    const other = { model: "fake-model+rpm=2+words=4" };
    expect((await chat(limited)).status).toBe(200);
    expect((await chat(limited)).status).toBe(200);
    const refused = await chat(limited);
    expect(refused.status).toBe(429);
    const seconds = Number(refused.headers.get("retry-after"));
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await refused.json()).error.type).toBe("rate_limit_error");
    expect((await chat(other)).status).toBe(200);
    // The quota is checked on arrival, before any first-byte delay.
    const started = performance.now();
    expect((await chat({}, { fault: "rpm=0; first-byte-delay=2000" })).status).toBe(429);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("hang is released when the client aborts", async () => {
    const started = performance.now();
    const error = await chat({}, { fault: "hang", signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect((await chat({})).status).toBe(200); // server unaffected
  });

  test("first-byte-delay delays the response headers", async () => {
    const started = performance.now();
    const response = await chat({}, { fault: "first-byte-delay=150" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  test("token-delay paces stream frames", async () => {
    const started = performance.now();
    const response = await chat({ model: "fake-model+words=3+token-delay=25", stream: true });
    const { data } = await readSseData(response);
    // 6 frames (role, 3 words, finish, [DONE]) => 5 gaps.
    expect(data).toHaveLength(6);
    expect(performance.now() - started).toBeGreaterThanOrEqual(120);
  });

  test("cut-after breaks the stream without [DONE]", async () => {
    const response = await chat({ stream: true }, { fault: "cut-after=2" });
    expect(response.status).toBe(200);
    const { data, error } = await readSseData(response);
    expect(error).toBeDefined();
    expect(data).not.toContain("[DONE]");
    const chunks = chunksOf(data);
    expect(chunks).toHaveLength(3); // role chunk + 2 content chunks
    expect(chunks.every((c) => c.choices[0].finish_reason === null)).toBe(true);
  });

  test("cut-after in non-stream mode sends a truncated body", async () => {
    const response = await chat({}, { fault: "cut-after=1" });
    expect(response.status).toBe(200);
    const outcome = await response.text().then(
      (text) => {
        try {
          JSON.parse(text);
          return "complete";
        } catch {
          return "truncated";
        }
      },
      () => "connection error",
    );
    expect(outcome).not.toBe("complete");
  });

  test("error-frame sends one error data frame on a 200 stream", async () => {
    const response = await chat({ stream: true }, { fault: "error-frame" });
    expect(response.status).toBe(200);
    const { data, error } = await readSseData(response);
    expect(error).toBeUndefined();
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0]).error.type).toBe("server_error");
  });

  test("stop() releases hung requests", async () => {
    const extra = startFakeUpstream();
    const pending = fetch(`${extra.url}/v1/chat/completions`, {
      method: "POST",
      headers: { ...AUTH, "x-fake-fault": "hang" },
      body: JSON.stringify({ model: "m", messages: [] }),
    }).then(
      () => "response",
      () => "error",
    );
    await Bun.sleep(20);
    await extra.stop();
    expect(await pending).toBe("error");
  });

  test("parseFaults merges model and header directives", () => {
    expect(parseFaults(null, "gpt-x")).toEqual({});
    expect(parseFaults("token-delay=5, words=3", "gpt-x+status=500+words=9+hang")).toEqual({
      status: 500,
      words: 3,
      hang: true,
      tokenDelayMs: 5,
    });
    expect(() => parseFaults("stauts=500", "m")).toThrow();
    expect(() => parseFaults("status=200", "m")).toThrow();
    expect(() => parseFaults(null, "m+words=abc")).toThrow();
  });
});

describe("errors and other endpoints", () => {
  test("401 without auth or with a bad key", async () => {
    for (const headers of [{ authorization: "" }, { authorization: "Bearer bad-key" }]) {
      const response = await chat({}, { headers });
      expect(response.status).toBe(401);
      expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key", param: null });
    }
  });

  test("400 for malformed JSON and unknown fault directives", async () => {
    const malformed = await fetch(`${upstream.url}/v1/chat/completions`, { method: "POST", headers: AUTH, body: "{nope" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.type).toBe("invalid_request_error");
    const typo = await chat({}, { fault: "stauts=500" });
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toContain("stauts");
  });

  test("GET /v1/models lists fake models", async () => {
    const body = await (await fetch(`${upstream.url}/v1/models`, { headers: AUTH })).json();
    expect(body.object).toBe("list");
    expect(body.data[0]).toEqual({ id: "fake-model", object: "model", created: 0, owned_by: "llmio-fake" });
  });

  test("404 JSON for unknown paths and methods, and for paths without the version (as OpenAI answers)", async () => {
    const unversioned = ["/models", "/chat/completions", "/responses", "/embeddings", "/messages", "/models/fake-model:generateContent"];
    for (const path of unversioned) {
      const response = await fetch(`${upstream.url}${path}`, { method: path === "/models" ? "GET" : "POST", headers: AUTH, body: path === "/models" ? undefined : "{}" });
      expect(response.status).toBe(404);
      expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "unknown_url" });
    }
    for (const [method, path] of [["GET", "/v1/nope"], ["GET", "/v1/chat/completions"]]) {
      const response = await fetch(`${upstream.url}${path}?x=1`, { method, headers: AUTH });
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toContain(path);
    }
    expect(upstream.lastRequest?.path).toBe("/v1/chat/completions");
  });
});

test("GET /v1/models answers Anthropic-shaped to Anthropic callers (x-api-key + anthropic-version)", async () => {
  const upstream = startFakeUpstream({ port: 0 });
  try {
    const anthropic = await fetch(`${upstream.url}/v1/models`, { headers: { "x-api-key": "sk-a", "anthropic-version": "2023-06-01" } });
    expect(anthropic.status).toBe(200);
    const body = await anthropic.json();
    expect(body.data[0]).toMatchObject({ type: "model", id: "fake-model" });
    expect(body.has_more).toBe(false);
    const refused = await fetch(`${upstream.url}/v1/models`, { headers: { "x-api-key": "bad-key", "anthropic-version": "2023-06-01" } });
    expect(refused.status).toBe(401);
  } finally {
    await upstream.stop();
  }
});
