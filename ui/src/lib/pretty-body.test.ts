import { describe, expect, it } from "vitest";
import { readExchange } from "./pretty-body.ts";

/**
 * Captures recorded through a real gateway with body capture on (the fake upstream answering with
 * reasoning and a tool call): every client protocol against every upstream protocol, so both the
 * passed-through streams (data lines) and the translated ones (the client's SSE frames) are here.
 * File names: `<client>--<upstream>.json`; `gemini-array` is `streamGenerateContent` without `alt=sse`.
 */
const fixtures = import.meta.glob<{ client: string; upstream: string; protocol: string; requestBody: string; responseBody: string }>("./__fixtures__/exchange/*.json", {
  eager: true,
  import: "default",
});

describe("readExchange over real captures", () => {
  const entries = Object.entries(fixtures);
  it("has a capture for each client × upstream protocol", () => {
    expect(entries.length).toBe(20);
  });

  for (const [file, capture] of entries) {
    const name = file.replace(/^.*\//, "").replace(/\.json$/, "");
    it(`${name}: request messages, tools and parameters; streamed answer with tool call, usage and finish reason`, () => {
      const { request, answer } = readExchange(capture.requestBody, capture.responseBody, capture.protocol);
      expect(request).toBeDefined();
      const userText = request!.messages.flatMap((message) => message.parts).find((part) => part.kind === "text");
      expect(userText).toEqual({ kind: "text", text: "What is the weather in Paris?" });
      expect(request!.tools.map((tool) => tool.name)).toEqual(["get_weather"]);
      if (capture.client !== "gemini-array") expect(request!.system).toBe("You are terse.");
      expect(request!.parameters.map(([parameter]) => parameter)).not.toContain("messages");

      expect(answer).toBeDefined();
      expect(answer!.streamed).toBe(true);
      expect(answer!.events).toBeGreaterThan(1);
      expect(answer!.toolCalls.map((call) => call.name)).toEqual(["get_weather"]);
      expect(JSON.parse(answer!.toolCalls[0].arguments)).toEqual({ location: "Paris" });
      expect(answer!.usage?.input).toBeGreaterThan(0);
      expect(answer!.finishReason).toBeTruthy();
      expect(answer!.error).toBeUndefined();
    });
  }

  it("reasoning is assembled where the client's format carries it", () => {
    for (const [file, capture] of entries) {
      if (capture.client === "gemini" || capture.client === "gemini-array") continue;
      const { answer } = readExchange(capture.requestBody, capture.responseBody, capture.protocol);
      expect(answer!.reasoning, file).toMatch(/^Thinking about: What is the weather/);
    }
  });

  it("parameters are listed by name with short values", () => {
    const capture = Object.values(fixtures).find((entry) => entry.client === "openai-chat")!;
    const { request } = readExchange(capture.requestBody, capture.responseBody, capture.protocol);
    expect(Object.fromEntries(request!.parameters)).toMatchObject({ stream: "true", temperature: "0.2", stream_options: '{"include_usage":true}' });
  });
});

describe("readExchange on other shapes", () => {
  it("whole (non-stream) answers of each protocol", () => {
    const chat = readExchange(null, JSON.stringify({ choices: [{ message: { content: "Hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } }));
    expect(chat.answer).toMatchObject({ streamed: false, text: "Hi", finishReason: "stop", usage: { input: 3, output: 1, total: 4 } });
    const anthropic = readExchange(null, JSON.stringify({ type: "message", content: [{ type: "thinking", thinking: "hm" }, { type: "text", text: "Hi" }], stop_reason: "end_turn", usage: { input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 1 } }));
    expect(anthropic.answer).toMatchObject({ text: "Hi", reasoning: "hm", finishReason: "end_turn", usage: { input: 7, cached: 2, output: 1, total: 8 } });
    const responses = readExchange(null, JSON.stringify({ object: "response", status: "completed", output: [{ type: "message", content: [{ type: "output_text", text: "Hi" }] }], usage: { input_tokens: 2, output_tokens: 1 } }));
    expect(responses.answer).toMatchObject({ text: "Hi", finishReason: "completed", usage: { input: 2, output: 1 } });
    const gemini = readExchange(null, JSON.stringify({ candidates: [{ content: { parts: [{ text: "Hi" }] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 1 } }));
    expect(gemini.answer).toMatchObject({ text: "Hi", finishReason: "STOP", usage: { input: 2, output: 1 } });
  });

  it("an error envelope and an error frame", () => {
    expect(readExchange(null, JSON.stringify({ error: { message: "Invalid API key", type: "invalid_request_error" } })).answer).toMatchObject({ error: "Invalid API key" });
    const stream = 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    expect(readExchange(null, stream).answer).toMatchObject({ streamed: true, error: "Overloaded", usage: { input: 3 } });
  });

  it("a stream cut at the capture limit keeps what parsed", () => {
    const capture = Object.values(fixtures).find((entry) => entry.client === "anthropic" && entry.upstream === "anthropic")!;
    const cut = `${capture.responseBody.slice(0, 900)}… [1213 more characters]`;
    const { answer } = readExchange(null, cut);
    expect(answer?.streamed).toBe(true);
    expect(answer!.reasoning.length).toBeGreaterThan(0);
  });

  it("bodies of no known shape are left for the raw view", () => {
    expect(readExchange("not json", "plain text")).toEqual({ request: undefined, answer: undefined });
    expect(readExchange('{"hello":1}', '{"hello":1}', "openai-chat").answer).toBeUndefined();
  });

  it("Codex-style Responses input: tool calls, their outputs and tools in an input item", () => {
    const body = {
      model: "gpt-5",
      instructions: "sys",
      input: [
        { type: "message", role: "user", content: [{ type: "input_text", text: "read a file" }] },
        { type: "additional_tools", tools: [{ type: "function", name: "shell" }] },
        { type: "reasoning", summary: [{ type: "summary_text", text: "I will read it" }] },
        { type: "function_call", name: "shell", call_id: "c1", arguments: '{"cmd":"cat a"}' },
        { type: "function_call_output", call_id: "c1", output: "contents" },
      ],
      prompt_cache_key: "session-1",
    };
    const { request } = readExchange(JSON.stringify(body), null, "openai-responses");
    expect(request).toMatchObject({
      system: "sys",
      tools: [{ name: "shell" }],
      messages: [
        { role: "user", parts: [{ kind: "text", text: "read a file" }] },
        { role: "assistant", parts: [{ kind: "reasoning", text: "I will read it" }, { kind: "tool-call", name: "shell", id: "c1", arguments: '{"cmd":"cat a"}' }] },
        { role: "tool", parts: [{ kind: "tool-result", id: "c1", text: "contents" }] },
      ],
    });
    expect(Object.fromEntries(request!.parameters)).toEqual({ model: "gpt-5", prompt_cache_key: "session-1" });
  });
});
