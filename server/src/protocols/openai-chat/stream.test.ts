import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { parseSse, pipe, sseFixture, streamProblems } from "../test-kit/index.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeStream } from "./encode-stream.ts";

type Json = Record<string, any>;

const REQUEST: CanonicalRequest = { model: "client-model", system: [], messages: [], tools: [], stream: true, extras: {} };
const WITH_USAGE: CanonicalRequest = { ...REQUEST, extras: { stream_options: { include_usage: true } } };

const decode = (events: readonly SseEvent[], request?: CanonicalRequest) => pipe(decodeStream(request), events);
const encode = (events: readonly StreamEvent[], request: CanonicalRequest = REQUEST) => pipe(encodeStream(request, {}), events);
const fixture = (name: string) => sseFixture(import.meta.dir, name);
const data = (value: unknown): SseEvent => ({ data: typeof value === "string" ? value : JSON.stringify(value) });

/** The data of each SSE event in the encoded text, parsed by a real SSE parser. */
async function frames(text: readonly string[]): Promise<string[]> {
  return (await parseSse(text.join(""))).map((event) => event.data);
}

/** What a client assembles from chat.completion.chunk frames. */
function assemble(dataFrames: string[]) {
  const chunks = dataFrames.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d) as Json);
  let content = "";
  let reasoning = "";
  const calls: Json[] = [];
  let finish: string | null = null;
  let usage: Json | undefined;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      content += delta.content ?? "";
      reasoning += delta.reasoning_content ?? "";
      for (const call of delta.tool_calls ?? []) {
        calls[call.index] ??= { id: call.id, name: call.function?.name, arguments: "" };
        calls[call.index].arguments += call.function?.arguments ?? "";
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  const normalisedUsage = usage && {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    cached: usage.prompt_tokens_details?.cached_tokens ?? 0,
    reasoning: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
  return { content, reasoning, calls, finish, usage: normalisedUsage, done: dataFrames.at(-1) === "[DONE]" };
}

describe("decodeStream", () => {
  test("text: one text block, usage event, finish with usage", async () => {
    const events = await decode(fixture("text.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events[0]).toEqual({ type: "response-start", id: "chatcmpl-BnV3kq9ZtJ6cF1sXb2yQe8Rr4WmLp", model: "gpt-4o-mini-2024-07-18" });
    expect(events[1]).toEqual({ type: "text-start", index: 0 });
    const text = events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text);
    expect(text.join("")).toBe("Hello! How can I help you today?");
    expect(events.find((e) => e.type === "usage")).toEqual({
      type: "usage",
      usage: { inputTokens: 1234, outputTokens: 9, cachedTokens: 1024, reasoningTokens: 0, totalTokens: 1243 },
    });
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: { inputTokens: 1234, outputTokens: 9, cachedTokens: 1024, reasoningTokens: 0, totalTokens: 1243 },
    });
  });

  test("parallel tool calls: one block per call index, ids and names first, arguments as deltas", async () => {
    const events = await decode(fixture("tool-call.stream"));
    expect(streamProblems(events)).toEqual([]);
    const starts = events.filter((e) => e.type === "tool-input-start");
    expect(starts).toEqual([
      { type: "tool-input-start", index: 0, id: "call_Xq3nJ8vR2mKp5sTyW1aB9cDe", name: "get_weather", kind: "function" },
      { type: "tool-input-start", index: 1, id: "call_Lm7pQ2rS9tUv4wXy6zAb3CdE", name: "get_time", kind: "function" },
    ]);
    const args = (index: number) =>
      events
        .filter((e): e is Extract<StreamEvent, { type: "tool-input-delta" }> => e.type === "tool-input-delta" && e.index === index)
        .map((e) => e.delta);
    expect(args(0)).toHaveLength(4);
    expect(args(0).join("")).toBe('{"location": "Paris, France"}');
    expect(args(1).join("")).toBe('{"timezone": "Europe/Paris"}');
    // The first call is closed before the second starts.
    const firstEnd = events.findIndex((e) => e.type === "tool-input-end" && e.index === 0);
    const secondStart = events.findIndex((e) => e.type === "tool-input-start" && e.index === 1);
    expect(firstEnd).toBeLessThan(secondStart);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" });
  });

  test("DeepSeek reasoning_content: reasoning block then text block; usage from the finish chunk", async () => {
    const events = await decode(fixture("reasoning.stream"));
    expect(streamProblems(events)).toEqual([]);
    const types = events.map((e) => e.type);
    expect(types.indexOf("reasoning-start")).toBeLessThan(types.indexOf("text-start"));
    expect(events.find((e) => e.type === "reasoning-end")).toEqual({ type: "reasoning-end", index: 0, origin: "openai-chat" });
    const reasoning = events.filter((e) => e.type === "reasoning-delta").map((e) => (e as { text: string }).text).join("");
    expect(reasoning).toBe("First, compare the whole parts: both are 9. Then compare the decimals: 0.8 is 0.80, and 0.80 > 0.11.");
    expect(events.find((e) => e.type === "text-start")).toEqual({ type: "text-start", index: 1 });
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "stop", usage: { reasoningTokens: 139, outputTokens: 151 } });
  });

  test("an error frame after output becomes an error event (no finish)", async () => {
    const events = await decode(fixture("error.stream"));
    expect(streamProblems(events)).toEqual([]);
    const last = events.at(-1) as Extract<StreamEvent, { type: "error" }>;
    expect(last.type).toBe("error");
    expect(last.error).toBeInstanceOf(GatewayError);
    expect(last.error.kind).toBe("upstream");
    expect(last.error.message).toBe("The server had an error while processing your request. Sorry about that!");
    expect(events.filter((e) => e.type === "text-delta")).toHaveLength(2);
  });

  test("an error frame first: only the error event", async () => {
    const events = await decode([data({ error: { message: "Overloaded", type: "overloaded_error" } })]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "error" });
    expect((events[0] as { error: GatewayError }).error.kind).toBe("overloaded");
  });

  test("a cut stream (no finish_reason, no [DONE]) ends with 'stream ended before completion'", async () => {
    const events = await decode(fixture("text.stream").slice(0, 4));
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "error" });
    expect((events.at(-1) as { error: GatewayError }).error.message).toBe("stream ended before completion");
  });

  test("a clean end after the finish chunk without [DONE] is complete", async () => {
    const withoutDone = fixture("text.stream").filter((e) => e.data !== "[DONE]");
    const events = await decode(withoutDone);
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "stop", usage: { inputTokens: 1234 } });
  });

  test("nothing after [DONE] is read; [DONE] alone is an empty complete answer", async () => {
    const events = await decode([data("[DONE]"), data({ choices: [{ index: 0, delta: { content: "late" } }] })]);
    expect(events).toEqual([{ type: "response-start", id: "", model: "" }, { type: "finish", finishReason: "stop" }]);
  });

  test("Ollama reuses index 0 for parallel calls; Gemini omits the index", async () => {
    const chunk = (toolCalls: Json[], finish: string | null = null) => data({ id: "x", model: "m", choices: [{ index: 0, delta: { tool_calls: toolCalls }, finish_reason: finish }] });
    const ollama = await decode([
      chunk([{ id: "call_a", index: 0, type: "function", function: { name: "run", arguments: '{"command":"ls"}' } }]),
      chunk([{ id: "call_b", index: 0, type: "function", function: { name: "run", arguments: '{"command":"ls -l"}' } }]),
      data({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
    ]);
    expect(streamProblems(ollama)).toEqual([]);
    expect(ollama.filter((e) => e.type === "tool-input-start").map((e) => (e as { id: string }).id)).toEqual(["call_a", "call_b"]);
    const gemini = await decode([
      chunk([
        { id: "g1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
        { id: "g2", type: "function", function: { name: "g", arguments: '{"b":2}' } },
      ]),
      data({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
      data("[DONE]"),
    ]);
    expect(streamProblems(gemini)).toEqual([]);
    expect(gemini.filter((e) => e.type === "tool-input-delta").map((e) => (e as { delta: string }).delta)).toEqual(['{"a":1}', '{"b":2}']);
    // STOP with tool calls still means the model wants the tools run.
    expect(gemini.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls", rawFinishReason: "stop" });
  });

  test("without an index, fragments repeating the call's id stay one call", async () => {
    const events = await decode([
      data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ id: "g1", type: "function", function: { name: "f", arguments: '{"a":' } }] } }] }),
      data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ id: "g1", function: { arguments: "1}" } }] } }] }),
      data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ function: { arguments: " " } }] } }] }),
      data({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(events.filter((e) => e.type === "tool-input-start")).toHaveLength(1);
    expect(events.filter((e) => e.type === "tool-input-delta").map((e) => (e as { delta: string }).delta).join("")).toBe('{"a":1} ');
  });

  test("fresh ids on fragments of one call (no name) stay one call", async () => {
    const events = await decode([
      data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "a1", type: "function", function: { name: "f", arguments: '{"q":' } }] } }] }),
      data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "a2", function: { arguments: '"x"}' } }] } }] }),
      data({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
    ]);
    expect(events.filter((e) => e.type === "tool-input-start")).toHaveLength(1);
  });

  test("calls to custom tools are unwrapped from {input} when the request is known", async () => {
    const request: CanonicalRequest = { ...REQUEST, tools: [{ type: "custom", name: "apply_patch" }] };
    const events = await decode(
      [
        data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "apply_patch", arguments: '{"input":"*** Begin' } }] } }] }),
        data({ id: "x", choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ' Patch\\n"}' } }] } }] }),
        data({ id: "x", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }),
        data("[DONE]"),
      ],
      request,
    );
    expect(streamProblems(events)).toEqual([]);
    expect(events.find((e) => e.type === "tool-input-start")).toMatchObject({ kind: "custom", name: "apply_patch" });
    expect(events.filter((e) => e.type === "tool-input-delta")).toEqual([{ type: "tool-input-delta", index: 0, delta: "*** Begin Patch\n" }]);
  });

  test("non-JSON data is ignored; `event: error` frames are errors", async () => {
    const events = await decode([data("keep-alive"), { event: "error", data: '{"message":"boom","type":"server_error"}' }]);
    expect(events).toHaveLength(1);
    expect((events[0] as { error: GatewayError }).error.message).toBe("boom");
  });
});

describe("encodeStream", () => {
  const anthropicLike: StreamEvent[] = [
    { type: "response-start", id: "msg_01", model: "claude-sonnet-4-5", usage: { inputTokens: 472 } },
    { type: "reasoning-start", index: 0 },
    { type: "reasoning-delta", index: 0, text: "Let me " },
    { type: "reasoning-delta", index: 0, text: "think." },
    { type: "reasoning-end", index: 0, signature: "EqQB", origin: "anthropic" },
    { type: "text-start", index: 1 },
    { type: "text-delta", index: 1, text: "I'll list the files." },
    { type: "text-end", index: 1 },
    { type: "tool-input-start", index: 2, id: "toolu_01", name: "Bash" },
    { type: "tool-input-delta", index: 2, delta: '{"command": "ls' },
    { type: "tool-input-delta", index: 2, delta: ' -la"}' },
    { type: "tool-input-end", index: 2 },
    { type: "tool-input-start", index: 3, id: "toolu_02", name: "Read" },
    { type: "tool-input-delta", index: 3, delta: '{"file_path":"a"}' },
    { type: "tool-input-end", index: 3 },
    { type: "usage", usage: { outputTokens: 89 } },
    { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_use" },
  ];

  test("full grammar: role chunk, deltas, tool_calls numbered from 0, finish chunk, usage chunk, [DONE]", async () => {
    const dataFrames = await frames(await encode(anthropicLike, WITH_USAGE));
    expect(dataFrames.at(-1)).toBe("[DONE]");
    const chunks = dataFrames.slice(0, -1).map((d) => JSON.parse(d) as Json);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: "msg_01", object: "chat.completion.chunk", model: "claude-sonnet-4-5" });
      expect(typeof chunk.created).toBe("number");
    }
    expect(chunks[0].choices[0]).toEqual({ index: 0, delta: { role: "assistant", content: "", refusal: null }, logprobs: null, finish_reason: null });
    expect(chunks[0].usage).toBeNull();
    const toolDeltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      { index: 0, id: "toolu_01", type: "function", function: { name: "Bash", arguments: "" } },
      { index: 0, function: { arguments: '{"command": "ls' } },
      { index: 0, function: { arguments: ' -la"}' } },
      { index: 1, id: "toolu_02", type: "function", function: { name: "Read", arguments: "" } },
      { index: 1, function: { arguments: '{"file_path":"a"}' } },
    ]);
    const finish = chunks.at(-2)!;
    expect(finish.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: "tool_calls" }]);
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({
      prompt_tokens: 472,
      completion_tokens: 89,
      total_tokens: 561,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const assembled = assemble(dataFrames);
    expect(assembled.reasoning).toBe("Let me think.");
    expect(assembled.content).toBe("I'll list the files.");
    expect(JSON.stringify(dataFrames)).not.toContain("EqQB");
  });

  test("no usage chunk and no usage field unless the client asked", async () => {
    const dataFrames = await frames(await encode(anthropicLike));
    const chunks = dataFrames.slice(0, -1).map((d) => JSON.parse(d) as Json);
    expect(chunks.every((c) => !("usage" in c))).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("tool_calls");
    expect(dataFrames.at(-1)).toBe("[DONE]");
  });

  test("an error mid-stream: error frame last, no finish chunk, no [DONE]; later events ignored", async () => {
    const events: StreamEvent[] = [
      { type: "response-start", id: "r", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "par" },
      { type: "error", error: new GatewayError("overloaded", "Overloaded") },
      { type: "text-delta", index: 0, text: "late" },
      { type: "finish", finishReason: "stop" },
    ];
    const dataFrames = await frames(await encode(events, WITH_USAGE));
    expect(dataFrames).toHaveLength(3);
    expect(JSON.parse(dataFrames[2])).toEqual({ error: { message: "Overloaded", type: "server_error", param: null, code: null } });
    expect(dataFrames).not.toContain("[DONE]");
    expect(dataFrames.some((d) => d.includes('"finish_reason":"'))).toBe(false);
  });

  test("a canonical stream that stops without finish ends with an error frame", async () => {
    const dataFrames = await frames(await encode([{ type: "response-start", id: "r", model: "m" }, { type: "text-delta", index: 0, text: "x" }]));
    expect(JSON.parse(dataFrames.at(-1)!).error.message).toBe("stream ended before completion");
    expect(dataFrames).not.toContain("[DONE]");
  });

  test("the shortest complete stream still has the whole grammar", async () => {
    const dataFrames = await frames(await encode([{ type: "response-start", id: "", model: "" }, { type: "finish", finishReason: "stop", usage: { inputTokens: 5, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 5 } }], WITH_USAGE));
    expect(dataFrames).toHaveLength(4);
    const [role, finish, usage] = dataFrames.map((d) => (d === "[DONE]" ? {} : (JSON.parse(d) as Json)));
    expect(role.id).toStartWith("chatcmpl-");
    expect(role.model).toBe("client-model");
    expect(finish.choices[0].finish_reason).toBe("stop");
    expect(usage.usage.prompt_tokens).toBe(5);
    expect(dataFrames[3]).toBe("[DONE]");
  });

  test("an error before anything else is the only frame", async () => {
    const text = await encode([{ type: "error", error: new GatewayError("rate_limit", "slow down") }]);
    expect(text).toEqual(['data: {"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}\n\n']);
  });

  test("custom tool calls stream as `custom` tool_calls", async () => {
    const dataFrames = await frames(
      await encode([
        { type: "response-start", id: "r", model: "m" },
        { type: "tool-input-start", index: 0, id: "c", name: "apply_patch", kind: "custom" },
        { type: "tool-input-delta", index: 0, delta: "*** Begin Patch" },
        { type: "tool-input-end", index: 0 },
        { type: "finish", finishReason: "tool-calls" },
      ]),
    );
    const deltas = dataFrames.slice(0, -1).flatMap((d) => (JSON.parse(d) as Json).choices[0].delta.tool_calls ?? []);
    expect(deltas).toEqual([
      { index: 0, id: "c", type: "custom", custom: { name: "apply_patch", input: "" } },
      { index: 0, custom: { input: "*** Begin Patch" } },
    ]);
  });
});

describe("decode → encode round trip over the recorded streams", () => {
  for (const name of ["text.stream", "tool-call.stream", "reasoning.stream"]) {
    test(name, async () => {
      const original = fixture(name).map((e) => e.data);
      const reencoded = await frames(await encode(await decode(fixture(name)), WITH_USAGE));
      const before = assemble(original);
      const after = assemble(reencoded);
      expect(after).toEqual(before);
      expect(after.done).toBe(true);
    });
  }

  test("error.stream keeps the error frame and has no [DONE]", async () => {
    const reencoded = await frames(await encode(await decode(fixture("error.stream")), WITH_USAGE));
    expect(assemble(reencoded).content).toBe("The answer");
    expect(JSON.parse(reencoded.at(-1)!).error.message).toBe("The server had an error while processing your request. Sorry about that!");
    expect(reencoded).not.toContain("[DONE]");
  });
});

describe("the openai SDK reads the encoded stream", () => {
  const clientFor = (body: string) =>
    new OpenAI({
      apiKey: "k",
      baseURL: "http://gateway.test/v1",
      maxRetries: 0,
      fetch: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    });

  test("ChatCompletionStream assembles text, tool calls and usage", async () => {
    const body = (await encode(anthropicLikeForSdk(), WITH_USAGE)).join("");
    const stream = clientFor(body).chat.completions.stream({ model: "m", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0].message.content).toBe("Listing.");
    expect(completion.choices[0].message.tool_calls).toMatchObject([
      { id: "toolu_01", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } },
    ]);
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect(completion.usage?.total_tokens).toBe(12);
  });

  test("an error frame surfaces as an APIError", async () => {
    const body = (await encode([{ type: "response-start", id: "r", model: "m" }, { type: "text-delta", index: 0, text: "x" }, { type: "error", error: new GatewayError("upstream", "upstream died") }])).join("");
    const stream = await clientFor(body).chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toContain("upstream died");
    expect(seen.join("")).toBe("x");
  });
});

function anthropicLikeForSdk(): StreamEvent[] {
  return [
    { type: "response-start", id: "msg_01", model: "m" },
    { type: "text-start", index: 0 },
    { type: "text-delta", index: 0, text: "Listing." },
    { type: "text-end", index: 0 },
    { type: "tool-input-start", index: 1, id: "toolu_01", name: "Bash" },
    { type: "tool-input-delta", index: 1, delta: '{"command":' },
    { type: "tool-input-delta", index: 1, delta: '"ls"}' },
    { type: "tool-input-end", index: 1 },
    { type: "finish", finishReason: "tool-calls", usage: { inputTokens: 10, outputTokens: 2, cachedTokens: 0, reasoningTokens: 0, totalTokens: 12 } },
  ];
}
