import { expect, test } from "bun:test";
import type { CanonicalResponse } from "../core/canonical.ts";
import { collectResponse } from "./collect-response.ts";
import { replayEvents } from "./replay-events.ts";

const answer: CanonicalResponse = {
  id: "resp-1",
  model: "fake-model",
  content: [
    { type: "reasoning", text: "Thinking about it", signature: "sig", origin: "anthropic" },
    { type: "text", text: "Bonjour le monde" },
    { type: "tool-call", id: "call-1", name: "lookup", arguments: '{"q":"x"}' },
  ],
  finishReason: "tool-calls",
  rawFinishReason: "tool_use",
  usage: { inputTokens: 12, outputTokens: 30, cachedTokens: 2, reasoningTokens: 5, totalTokens: 42 },
};

test("an answer replayed as events and collected again is the same answer", () => {
  expect(collectResponse(replayEvents(answer))).toEqual(answer);
});

test("only whole answers are collected: no finish, an error, or an error finish give nothing", () => {
  const events = replayEvents(answer);
  expect(collectResponse(events.slice(0, -1))).toBeUndefined();
  expect(collectResponse([...events.slice(0, 3), { type: "error", error: new Error("cut") as never }, ...events.slice(3)])).toBeUndefined();
  expect(collectResponse([...events.slice(0, -1), { type: "finish", finishReason: "error" }])).toBeUndefined();
});
