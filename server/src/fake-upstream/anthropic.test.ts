import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { anthropicStreamProblems, readSseJson } from "../protocols/test-kit/index.ts";
import { type FakeUpstream, startFakeUpstream } from "./index.ts";

let upstream: FakeUpstream;
let client: Anthropic;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
  client = new Anthropic({ baseURL: upstream.url, apiKey: "test-key", maxRetries: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, any>;
const SYSTEM = "You are terse."; // 14 chars
const MESSAGES = [{ role: "user", content: "Hello   there,\n world" }]; // 21 chars
const PROMPT_TOKENS = Math.ceil((14 + 21) / 4);
const WEATHER_TOOL = { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { location: { type: "string" } } } };

function post(body: Json, options: { path?: string; fault?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "x-api-key": "test-key", "anthropic-version": "2023-06-01", "content-type": "application/json", ...options.headers };
  if (options.fault) headers["x-fake-fault"] = options.fault;
  return fetch(`${upstream.url}${options.path ?? "/v1/messages"}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "claude-fake", max_tokens: 1024, system: SYSTEM, messages: MESSAGES, ...body }),
  });
}

describe("non-stream", () => {
  test("echo with Anthropic's message shape and usage (official SDK)", async () => {
    const message = await client.messages.create({ model: "claude-fake", max_tokens: 100, system: SYSTEM, messages: MESSAGES as Anthropic.MessageParam[] });
    expect(message.id).toStartWith("msg_");
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe("claude-fake");
    expect(message.content).toEqual([{ type: "text", text: "Echo: Hello there, world" } as Anthropic.ContentBlock]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: PROMPT_TOKENS, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  test("Bearer auth, text blocks, images and tool results", async () => {
    const response = await post(
      {
        messages: [
          { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } }] },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny" }, { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } }] },
        ],
        tools: [WEATHER_TOOL],
      },
      { headers: { "x-api-key": "", authorization: "Bearer test-key" } },
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    // The conversation ends with a tool result: no new tool call, the echo skips the tool-result turn.
    expect(body.content).toEqual([{ type: "text", text: "Echo: look" }]);
    expect(body.usage.input_tokens).toBe(Math.ceil((14 + 4 + 5) / 4));
    expect(upstream.lastRequest?.path).toBe("/v1/messages");
  });

  test("max_tokens is required, and truncates the answer", async () => {
    const missing = await post({ max_tokens: undefined });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } });
    const short = await (await post({ max_tokens: 2 })).json();
    expect(short.content[0].text).toBe("Echo: Hello ");
    expect(short.stop_reason).toBe("max_tokens");
    expect(short.usage.output_tokens).toBe(2);
  });

  test("tool call when tools are present and the user asks about weather", async () => {
    const message = await client.messages.create({
      model: "claude-fake",
      max_tokens: 100,
      messages: [{ role: "user", content: "What's the Weather in Paris?" }],
      tools: [WEATHER_TOOL as Anthropic.Tool],
    });
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "Paris" } });
    expect((message.content[0] as Anthropic.ToolUseBlock).id).toStartWith("toolu_");
    const none = await (await post({ tools: [WEATHER_TOOL], tool_choice: { type: "none" } }, { fault: "tool" })).json();
    expect(none.content[0].type).toBe("text");
    const named = await (await post({ tools: [{ type: "web_search_20250305", name: "web_search" }, WEATHER_TOOL, { name: "other", input_schema: { type: "object" } }], tool_choice: { type: "tool", name: "other" } })).json();
    expect(named.content[0]).toMatchObject({ type: "tool_use", name: "other" });
    const any = await (await post({ tools: [{ type: "web_search_20250305", name: "web_search" }, WEATHER_TOOL], tool_choice: { type: "any" } })).json();
    expect(any.content[0]).toMatchObject({ type: "tool_use", name: "get_weather" });
    // Deferred tools (tool search) are invisible to the model: Claude Code's placeholder comes first.
    const placeholder = { name: "DeferredToolPlaceholder", input_schema: { type: "object" }, defer_loading: true };
    const deferred = await (await post({ tools: [placeholder, WEATHER_TOOL] }, { fault: "tool" })).json();
    expect(deferred.content[0]).toMatchObject({ type: "tool_use", name: "get_weather" });
  });

  test("thinking when the request enables it, omitted text with display omitted", async () => {
    const message = await client.messages.create({
      model: "claude-fake",
      max_tokens: 2000,
      messages: MESSAGES as Anthropic.MessageParam[],
      thinking: { type: "enabled", budget_tokens: 1024 },
    });
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const thinking = message.content[0] as Anthropic.ThinkingBlock;
    expect(thinking.thinking).toBe("Thinking about: Hello there, world");
    expect(thinking.signature.length).toBeGreaterThan(10);
    expect(message.usage.output_tokens).toBe(5 + 4); // "Thinking about: Hello there, world" + the echo
    const omitted = await (await post({ thinking: { type: "adaptive", display: "omitted" } })).json();
    expect(omitted.content[0]).toMatchObject({ type: "thinking", thinking: "" });
    expect(omitted.content[0].signature).toStartWith("EqFakeSig");
  });
});

describe("stream", () => {
  test("full grammar, one delta per word, same text and usage as non-stream (official SDK)", async () => {
    const nonStream = await (await post({})).json();
    const stream = client.messages.stream({ model: "claude-fake", max_tokens: 100, system: SYSTEM, messages: MESSAGES as Anthropic.MessageParam[] });
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["Echo: ", "Hello ", "there, ", "world"]);
    expect(message.content).toEqual(nonStream.content);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: PROMPT_TOKENS, output_tokens: nonStream.usage.output_tokens });

    const { frames } = await readSseJson(await post({ stream: true }));
    expect(frames.map((frame) => frame.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      ...texts.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    expect(frames[0].data.message).toMatchObject({ content: [], stop_reason: null, usage: { input_tokens: PROMPT_TOKENS, output_tokens: 1 } });
    expect(frames.at(-2)!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 },
    });
  });

  test("thinking (reasoning fault) then tool call (tool fault): indexes, signature before stop, input in pieces", async () => {
    const stream = client.messages.stream(
      { model: "claude-fake", max_tokens: 100, messages: MESSAGES as Anthropic.MessageParam[], tools: [WEATHER_TOOL as Anthropic.Tool] },
      { headers: { "x-fake-fault": "reasoning; tool" } },
    );
    const message = await stream.finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "tool_use"]);
    expect((message.content[0] as Anthropic.ThinkingBlock).thinking).toBe("Thinking about: Hello there, world");
    expect((message.content[0] as Anthropic.ThinkingBlock).signature).toStartWith("EqFakeSig");
    expect(message.content[1]).toMatchObject({ type: "tool_use", name: "get_weather", input: { location: "Paris" } });
    expect(message.stop_reason).toBe("tool_use");

    const { frames } = await readSseJson(await post({ stream: true, tools: [WEATHER_TOOL] }, { fault: "reasoning; tool" }));
    const deltas = frames.filter((frame) => frame.event === "content_block_delta").map((frame) => [frame.data.index, frame.data.delta.type]);
    expect(deltas).toEqual([
      [0, "thinking_delta"],
      [0, "thinking_delta"],
      [0, "thinking_delta"],
      [0, "thinking_delta"],
      [0, "thinking_delta"],
      [0, "signature_delta"],
      [1, "input_json_delta"],
      [1, "input_json_delta"],
      [1, "input_json_delta"],
    ]);
  });

  test("words=N and the model-name fault syntax", async () => {
    const { frames } = await readSseJson(await post({ stream: true, model: "claude-fake+words=30" }));
    expect(frames.filter((frame) => frame.data.delta?.type === "text_delta")).toHaveLength(30);
    expect(frames.at(-2)!.data.usage.output_tokens).toBe(30);
    expect(frames[0].data.message.model).toBe("claude-fake+words=30");
  });
});

describe("faults and errors", () => {
  test("status faults use Anthropic's error body, retry headers included", async () => {
    const cases: Array<[number, string]> = [
      [400, "invalid_request_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [413, "request_too_large"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [529, "overloaded_error"],
    ];
    for (const [status, type] of cases) {
      const response = await post({}, { fault: `status=${status}; retry-after=3` });
      expect(response.status).toBe(status);
      expect(response.headers.get("retry-after")).toBe("3");
      expect(response.headers.get("x-should-retry")).toBe(String(status === 429 || status >= 500));
      expect(response.headers.get("request-id")).toStartWith("req_");
      const body = await response.json();
      expect(body).toMatchObject({ type: "error", error: { type } });
      expect(body.request_id).toBe(response.headers.get("request-id"));
    }
  });

  test("the SDK sees the error as an APIError of the right class", async () => {
    const error = await client.messages
      .create({ model: "claude-fake+status=529", max_tokens: 10, messages: MESSAGES as Anthropic.MessageParam[] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
  });

  test("401 without a key or with a bad one", async () => {
    const cases: Array<Record<string, string>> = [{ "x-api-key": "" }, { "x-api-key": "bad-key" }, { "x-api-key": "", authorization: "Bearer bad-1" }];
    for (const headers of cases) {
      const response = await post({}, { headers });
      expect(response.status).toBe(401);
      expect((await response.json()).error.type).toBe("authentication_error");
    }
  });

  test("400 for malformed JSON, missing fields and unknown faults", async () => {
    const malformed = await fetch(`${upstream.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body: "{nope" });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error.type).toBe("invalid_request_error");
    expect((await post({ model: "" })).status).toBe(400);
    expect((await post({ messages: undefined })).status).toBe(400);
    const typo = await post({}, { fault: "stauts=500" });
    expect(typo.status).toBe(400);
    expect((await typo.json()).error.message).toContain("stauts");
  });

  test("error-frame: HTTP 200 with one error event", async () => {
    const response = await post({ stream: true }, { fault: "error-frame" });
    expect(response.status).toBe(200);
    const { frames, error } = await readSseJson(response);
    expect(error).toBeUndefined();
    expect(frames).toEqual([{ event: "error", data: { type: "error", error: { type: "overloaded_error", message: "Fake upstream fault: error frame" } } }]);
  });

  test("cut-after=N drops the connection after N content deltas, before message_stop", async () => {
    const { frames, error } = await readSseJson(await post({ stream: true }, { fault: "cut-after=2" }));
    expect(error).toBeDefined();
    expect(frames.filter((frame) => frame.event === "content_block_delta")).toHaveLength(2);
    expect(frames.some((frame) => frame.event === "message_stop" || frame.event === "content_block_stop")).toBe(false);
    const thinkingCut = await readSseJson(await post({ stream: true }, { fault: "reasoning, cut-after=6" }));
    expect(thinkingCut.frames.filter((frame) => frame.event === "content_block_delta").map((frame) => frame.data.delta.type)).toEqual([
      "thinking_delta",
      "thinking_delta",
      "thinking_delta",
      "thinking_delta",
      "thinking_delta",
      "signature_delta",
      "text_delta",
    ]);
  });
});

describe("count_tokens", () => {
  test("counts the prompt like the create call", async () => {
    const response = await post({ max_tokens: undefined }, { path: "/v1/messages/count_tokens" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: PROMPT_TOKENS });
    const counted = await client.messages.countTokens({ model: "claude-fake", system: SYSTEM, messages: MESSAGES as Anthropic.MessageParam[] });
    expect(counted.input_tokens).toBe(PROMPT_TOKENS);
  });
});
