import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { anthropicStreamProblems, parseSseJson, pipe, sseFixture, sseText, streamProblems } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeStream, KEEP_ALIVE_FRAME } from "./encode-stream.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { accumulate, canonicalRequest } from "./test-support.ts";

const stream = (name: string) => sseFixture(import.meta.dir, name);
const decode = (events: SseEvent[]) => pipe(decodeStream(), events);
const REQUEST = canonicalRequest({ model: "client-model", stream: true });
async function encode(events: StreamEvent[]) {
  const text = (await pipe(encodeStream(REQUEST), events)).join("");
  return { text, frames: await parseSseJson(text) };
}

/** The final message an SDK would rebuild from a recorded Anthropic stream. */
async function recorded(name: string) {
  return accumulate(await parseSseJson(sseText(stream(name))));
}

describe("decodeStream", () => {
  test("text", async () => {
    const events = await decode(stream("text.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events).toEqual([
      {
        type: "response-start",
        id: "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY",
        model: "claude-sonnet-4-5-20250929",
        usage: { inputTokens: 25, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0 },
      },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hello" },
      { type: "text-delta", index: 0, text: "!" },
      { type: "text-end", index: 0 },
      { type: "usage", usage: { inputTokens: 25, outputTokens: 15, cachedTokens: 0, cacheWriteTokens: 0 } },
      {
        type: "finish",
        finishReason: "stop",
        rawFinishReason: "end_turn",
        usage: { inputTokens: 25, outputTokens: 15, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 40 },
      },
    ]);
  });

  test("tool use: id, name, argument deltas that join to the input", async () => {
    const events = await decode(stream("tool-call.stream"));
    expect(streamProblems(events)).toEqual([]);
    const start = events.find((event) => event.type === "tool-input-start");
    expect(start).toEqual({ type: "tool-input-start", index: 1, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" });
    const json = events.flatMap((event) => (event.type === "tool-input-delta" ? [event.delta] : [])).join("");
    expect(JSON.parse(json)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_use", usage: { inputTokens: 472, outputTokens: 89 } });
  });

  test("thinking: deltas, then the signature on reasoning-end; usage-free streams still finish", async () => {
    const events = await decode(stream("reasoning.stream"));
    expect(streamProblems(events)).toEqual([]);
    const end = events.find((event) => event.type === "reasoning-end");
    expect(end).toEqual({ type: "reasoning-end", index: 0, signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...", origin: "anthropic" });
    const thought = events.flatMap((event) => (event.type === "reasoning-delta" ? [event.text] : [])).join("");
    expect(thought).toContain("So GCD(1071, 462) = 21");
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "stop", usage: { inputTokens: 0, outputTokens: 0 } });
  });

  test("redacted thinking and tool input given whole in content_block_start", async () => {
    const events = await decode([
      { event: "message_start", data: '{"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":3,"output_tokens":1}}}' },
      { event: "content_block_start", data: '{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"opaque"}}' },
      { event: "content_block_stop", data: '{"type":"content_block_stop","index":0}' },
      { event: "content_block_start", data: '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"n","input":{"a":1}}}' },
      { event: "content_block_stop", data: '{"type":"content_block_stop","index":1}' },
      { event: "content_block_start", data: '{"type":"content_block_start","index":2,"content_block":{"type":"server_tool_use","id":"s","name":"web_search","input":{}}}' },
      { event: "content_block_delta", data: '{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}}' },
      { event: "content_block_stop", data: '{"type":"content_block_stop","index":2}' },
      { event: "message_delta", data: '{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":7}}' },
      { event: "message_stop", data: '{"type":"message_stop"}' },
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(events.slice(1, 6)).toEqual([
      { type: "reasoning-start", index: 0 },
      { type: "reasoning-end", index: 0, redactedData: "opaque", origin: "anthropic" },
      { type: "tool-input-start", index: 1, id: "t", name: "n" },
      { type: "tool-input-delta", index: 1, delta: '{"a":1}' },
      { type: "tool-input-end", index: 1 },
    ]);
    expect(events.some((event) => "index" in event && event.index === 2)).toBe(false);
  });

  test("cache usage: input includes cache reads and writes", async () => {
    const events = await decode(stream("usage.stream"));
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "length",
      rawFinishReason: "max_tokens",
      usage: { inputTokens: 190155, outputTokens: 393, cachedTokens: 2048, cacheWriteTokens: 188086, reasoningTokens: 0, totalTokens: 190548 },
    });
  });

  test("an error event closes the open block and ends with a canonical error", async () => {
    const events = await decode(stream("error.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events.slice(-2).map((event) => event.type)).toEqual(["text-end", "error"]);
    const error = (events.at(-1) as { error: GatewayError }).error;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.kind).toBe("overloaded");
    expect(error.message).toBe("Overloaded");
  });

  test("a stream cut before message_stop ends with an error, never a finish", async () => {
    const recordedEvents = stream("tool-call.stream");
    for (const cut of [0, 1, 5, recordedEvents.length - 1]) {
      const events = await decode(recordedEvents.slice(0, cut));
      expect(streamProblems(events)).toEqual([]);
      expect(events.at(-1)!.type).toBe("error");
      expect(events.some((event) => event.type === "finish")).toBe(false);
    }
  });

  test("frames without an event name and malformed data are tolerated", async () => {
    const events = await decode([
      { data: "not json" },
      { data: '{"type":"message_start","message":{"id":"msg_x","model":"m"}}' },
      { data: '{"type":"content_block_delta","index":9,"delta":{"type":"text_delta","text":"orphan"}}' },
      { data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"whole"}}' },
      { data: '{"type":"message_delta","delta":{"stop_reason":"end_turn"}}' },
      { data: '{"type":"message_stop"}' },
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(["response-start", "text-start", "text-delta", "text-end", "finish"]);
  });

  test("finish reasons", () => {
    expect(decodeFinishReason("end_turn")).toBe("stop");
    expect(decodeFinishReason("stop_sequence")).toBe("stop");
    expect(decodeFinishReason("max_tokens")).toBe("length");
    expect(decodeFinishReason("model_context_window_exceeded")).toBe("length");
    expect(decodeFinishReason("tool_use")).toBe("tool-calls");
    expect(decodeFinishReason("refusal")).toBe("content-filter");
    expect(decodeFinishReason("pause_turn")).toBe("other");
    expect(decodeFinishReason(null)).toBe("other");
    expect(decodeFinishReason("something_new")).toBe("other");
  });
});

describe("encodeStream", () => {
  for (const name of ["text.stream", "tool-call.stream", "reasoning.stream", "usage.stream"]) {
    test(`${name}: Anthropic → canonical → Anthropic rebuilds the same message`, async () => {
      const { text, frames } = await encode(await decode(stream(name)));
      expect(anthropicStreamProblems(frames)).toEqual([]);
      expect(frames[1]).toEqual({ event: "ping", data: { type: "ping" } });
      expect(text).toContain(KEEP_ALIVE_FRAME);
      const original = (await recorded(name)).message;
      const rebuilt = accumulate(frames).message;
      expect(rebuilt.id).toBe(original.id);
      expect(rebuilt.model).toBe(original.model);
      expect(rebuilt.content).toEqual(original.content.map((block: Record<string, unknown>) => (block.type === "thinking" ? { signature: "", ...block } : block)));
      expect(rebuilt.stop_reason).toBe(original.stop_reason);
      expect(rebuilt.usage.output_tokens).toBe(original.usage?.output_tokens ?? 0);
      expect(rebuilt.usage.input_tokens).toBe(original.usage?.input_tokens ?? 0);
      expect(rebuilt.usage.cache_read_input_tokens).toBe(original.usage?.cache_read_input_tokens ?? 0);
      expect(rebuilt.usage.cache_creation_input_tokens).toBe(original.usage?.cache_creation_input_tokens ?? 0);
    });
  }

  test("message_start carries input usage and a placeholder output", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "r1", model: "gpt-x", usage: { inputTokens: 30, cachedTokens: 10 } },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "hi" },
      { type: "text-end", index: 0 },
      { type: "usage", usage: { outputTokens: 4 } },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(frames[0].data.message).toMatchObject({ id: "msg_r1", model: "gpt-x", content: [], stop_reason: null, usage: { input_tokens: 20, cache_read_input_tokens: 10, output_tokens: 1 } });
    expect(frames.at(-2)!.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 4 },
    });
  });

  test("interleaved parallel tool calls are serialised, one block at a time", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "chatcmpl-1", model: "gpt-4o" },
      { type: "text-start", index: 0 },
      { type: "tool-input-start", index: 1, id: "call_a", name: "get" },
      { type: "text-delta", index: 0, text: "Checking" },
      { type: "tool-input-delta", index: 1, delta: '{"city":' },
      { type: "tool-input-start", index: 2, id: "call_b", name: "get" },
      { type: "tool-input-delta", index: 2, delta: '{"city":"Rome"}' },
      { type: "tool-input-delta", index: 1, delta: '"Paris"}' },
      { type: "text-end", index: 0 },
      { type: "tool-input-end", index: 2 },
      { type: "tool-input-end", index: 1 },
      { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" },
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    const { message } = accumulate(frames);
    expect(message.content).toEqual([
      { type: "text", text: "Checking" },
      { type: "tool_use", id: "call_a", name: "get", input: { city: "Paris" } },
      { type: "tool_use", id: "call_b", name: "get", input: { city: "Rome" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });

  test("tool calls finishing with a plain stop (Gemini) still say tool_use; empty text blocks are not sent", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "g", model: "gemini" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "" },
      { type: "text-end", index: 0 },
      { type: "tool-input-start", index: 1, id: "call_1", name: "f" },
      { type: "tool-input-end", index: 1 },
      { type: "finish", finishReason: "stop", rawFinishReason: "STOP" },
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    const { message } = accumulate(frames);
    expect(message.content).toEqual([{ type: "tool_use", id: "call_1", name: "f", input: {} }]);
    expect(message.stop_reason).toBe("tool_use");
  });

  test("foreign reasoning: its opaque data rides in the signature and returns on replay", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "resp_1", model: "gpt-5" },
      { type: "reasoning-start", index: 0, itemId: "rs_1" },
      { type: "reasoning-delta", index: 0, text: "summary" },
      { type: "reasoning-end", index: 0, encryptedContent: "gAAAAB", origin: "openai-responses" },
      { type: "reasoning-start", index: 1 },
      { type: "reasoning-end", index: 1 },
      { type: "text-start", index: 2 },
      { type: "text-delta", index: 2, text: "answer" },
      { type: "text-end", index: 2 },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    const deltas = frames.filter((frame) => frame.data.type === "content_block_delta").map((frame) => frame.data.delta.type);
    expect(deltas).toEqual(["thinking_delta", "signature_delta", "text_delta"]);
    const { message } = accumulate(frames);
    expect(message.content.map((block: Record<string, unknown>) => block.type)).toEqual(["thinking", "text"]);
    const replay = decodeRequest({ model: "m", messages: [{ role: "assistant", content: message.content }] }, {});
    expect(replay.messages[0].content[0]).toEqual({ type: "reasoning", text: "summary", origin: "openai-responses", encryptedContent: "gAAAAB", itemId: "rs_1" });
  });

  test("redacted thinking becomes a redacted_thinking block", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "msg_1", model: "claude" },
      { type: "reasoning-start", index: 0 },
      { type: "reasoning-end", index: 0, redactedData: "blob", origin: "anthropic" },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    expect(accumulate(frames).content).toEqual([{ type: "redacted_thinking", data: "blob" }]);
  });

  test("an error closes the open block and ends with an error event, not message_stop", async () => {
    const { frames } = await encode([
      { type: "response-start", id: "msg_1", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "partial" },
      { type: "tool-input-start", index: 1, id: "held", name: "f" },
      { type: "error", error: new GatewayError("overloaded", "Upstream overloaded", { traceId: "trace-1" }) },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(anthropicStreamProblems(frames, { endsWithError: true })).toEqual([]);
    expect(frames.map((frame) => frame.event)).toEqual(["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "error"]);
    expect(frames.at(-1)!.data).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Upstream overloaded (trace id: trace-1)" },
    });
  });

  test("an error before anything else is a lone error frame", async () => {
    const { frames } = await encode([{ type: "error", error: new GatewayError("rate_limit", "slow down") }]);
    expect(frames).toEqual([{ event: "error", data: { type: "error", error: { type: "rate_limit_error", message: "slow down" } } }]);
  });

  test("a canonical stream that stops without finish ends with an error event", async () => {
    for (const events of [
      [] as StreamEvent[],
      [{ type: "response-start", id: "x", model: "m" }, { type: "text-start", index: 0 }, { type: "text-delta", index: 0, text: "cut" }] as StreamEvent[],
    ]) {
      const { frames } = await encode(events);
      expect(anthropicStreamProblems(frames, { endsWithError: true })).toEqual([]);
      expect(frames.at(-1)!.data.error.type).toBe("api_error");
    }
  });

  test("a finish without response-start still produces the full grammar", async () => {
    const { frames } = await encode([
      { type: "text-start", index: 3 },
      { type: "text-delta", index: 3, text: "late start" },
      { type: "finish", finishReason: "length", usage: { inputTokens: 5, outputTokens: 2, cachedTokens: 0, reasoningTokens: 0, totalTokens: 7 } },
    ]);
    expect(anthropicStreamProblems(frames)).toEqual([]);
    const { message } = accumulate(frames);
    expect(message.id).toStartWith("msg_");
    expect(message.model).toBe("client-model");
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content).toEqual([{ type: "text", text: "late start" }]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 2 });
  });
});
