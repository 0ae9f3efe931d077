import { expect, test } from "bun:test";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { anthropic } from "./index.ts";
import { decodeStream } from "./decode-stream.ts";
import { pipe } from "../test-kit/index.ts";

// Anthropic reports prompt-cache writes apart from input_tokens: the gateway adds them to the prompt
// and keeps them as cacheWriteTokens, which the log records and prices at the cache-write price.
const usage = { input_tokens: 10, cache_read_input_tokens: 20, cache_creation_input_tokens: 300, output_tokens: 5 };
const message = { id: "msg_1", type: "message", role: "assistant", model: "claude", content: [{ type: "text", text: "hi" }], stop_reason: "end_turn", usage };

test("fast path, whole answer: cache creation is counted as cache-write tokens, part of the prompt", () => {
  expect(anthropic.usageFromResponse(message)).toMatchObject({ inputTokens: 330, cachedTokens: 20, cacheWriteTokens: 300, outputTokens: 5 });
});

test("fast path, stream: message_start and message_delta carry the cache-write tokens", () => {
  const start: SseEvent = { event: "message_start", data: JSON.stringify({ type: "message_start", message: { ...message, content: [], usage: { ...usage, output_tokens: 1 } } }) };
  const delta: SseEvent = { event: "message_delta", data: JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage }) };
  expect(anthropic.usageFromStreamEvent(start)).toMatchObject({ inputTokens: 330, cacheWriteTokens: 300 });
  expect(anthropic.usageFromStreamEvent(delta)).toMatchObject({ inputTokens: 330, cacheWriteTokens: 300, outputTokens: 5 });
});

test("translated, whole answer and stream: the canonical usage carries the cache-write tokens", async () => {
  const request = anthropic.decodeRequest({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }, {});
  expect(anthropic.decodeResponse(message, request).usage).toMatchObject({ inputTokens: 330, cachedTokens: 20, cacheWriteTokens: 300, outputTokens: 5, totalTokens: 335 });
  const events = await pipe(decodeStream(), [
    { event: "message_start", data: JSON.stringify({ type: "message_start", message: { ...message, content: [], usage: { ...usage, output_tokens: 1 } } }) },
    { event: "message_delta", data: JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage }) },
    { event: "message_stop", data: JSON.stringify({ type: "message_stop" }) },
  ]);
  const finish = events.find((event) => event.type === "finish");
  expect(finish).toMatchObject({ usage: { inputTokens: 330, cachedTokens: 20, cacheWriteTokens: 300, outputTokens: 5 } });
});
