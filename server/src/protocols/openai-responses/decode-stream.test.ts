import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../core/canonical.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { decodeStream } from "./decode-stream.ts";
import { pipe, streamProblems } from "../test-kit/index.ts";
import { fixture, sseFixture } from "./test-support.ts";

const decode = (events: SseEvent[]) => pipe(decodeStream(), events);
const sse = (data: Record<string, unknown>): SseEvent => ({ event: String(data.type), data: JSON.stringify(data) });
const texts = (events: StreamEvent[], type: "text-delta" | "reasoning-delta") =>
  events.filter((event) => event.type === type).map((event) => (event as { text: string }).text);

describe("decodeStream", () => {
  test("text: start, one delta per upstream delta, end, finish with usage", async () => {
    const events = await decode(sseFixture("text.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events[0]).toEqual({ type: "response-start", id: "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b", model: "gpt-4.1-2025-04-14" });
    expect(events[1]).toEqual({ type: "text-start", index: 0 });
    expect(texts(events, "text-delta").join("")).toBe("Hi there! How can I help you today?");
    expect(texts(events, "text-delta")).toHaveLength(10);
    expect(events.at(-2)).toEqual({ type: "text-end", index: 0 });
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: { inputTokens: 37, outputTokens: 11, cachedTokens: 0, reasoningTokens: 0, totalTokens: 48 },
    });
  });

  test("function call: id and name first, arguments as deltas, tool-calls finish", async () => {
    const events = await decode(sseFixture("tool-call.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events[1]).toEqual({ type: "tool-input-start", index: 0, id: "call_hUxj4ULYVvEIdIqVhZIdmZTE", name: "get_weather", kind: "function" });
    const deltas = events.filter((event) => event.type === "tool-input-delta").map((event) => (event as { delta: string }).delta);
    expect(deltas.length).toBe(7);
    expect(deltas.join("")).toBe('{"location":"Paris, France"}');
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "tool-calls" });
  });

  test("Codex custom tool call after a summary-less reasoning item", async () => {
    const events = await decode(sseFixture("custom-tool.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events.slice(1, 3)).toEqual([
      { type: "reasoning-start", index: 0, itemId: "rs_0c3e7d1a2b9f4e1d0068af45a2c6d8e0f1a2b3c4d5e6f708" },
      { type: "reasoning-end", index: 0, encryptedContent: expect.stringMatching(/^gAAAAAB/), origin: "openai-responses" },
    ]);
    expect(events[3]).toEqual({ type: "tool-input-start", index: 1, id: "call_Vm9QJ3kC2qf8T1xq6f0ZJd2N", name: "apply_patch", kind: "custom" });
    const input = events.filter((event) => event.type === "tool-input-delta").map((event) => (event as { delta: string }).delta);
    expect(input.join("")).toBe("*** Begin Patch\n*** Add File: hello.txt\n+Hello, world!\n*** End Patch\n");
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReason: "tool-calls",
      rawFinishReason: "completed",
      usage: { inputTokens: 5213, outputTokens: 412, cachedTokens: 4864, reasoningTokens: 320, totalTokens: 5625 },
    });
  });

  test("reasoning summary parts are separated by a blank line; encrypted content on reasoning-end", async () => {
    const events = await decode(sseFixture("reasoning.stream"));
    expect(streamProblems(events)).toEqual([]);
    const [item] = fixture("reasoning.response")[0].output as any[];
    expect(texts(events, "reasoning-delta").join("")).toBe(item.summary.map((part: any) => part.text).join("\n\n"));
    const end = events.find((event) => event.type === "reasoning-end");
    expect(end).toEqual({ type: "reasoning-end", index: 0, encryptedContent: item.encrypted_content, origin: "openai-responses" });
    expect(texts(events, "text-delta").join("")).toBe("Paris.");
    expect(events.find((event) => event.type === "text-start")).toEqual({ type: "text-start", index: 1 });
  });

  test("incomplete → length", async () => {
    const events = await decode(sseFixture("incomplete.stream"));
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReason: "length", rawFinishReason: "max_output_tokens" });
  });

  test("response.failed and error events become one error event", async () => {
    const failed = await decode(sseFixture("error.stream"));
    expect(streamProblems(failed)).toEqual([]);
    const error = failed.at(-1) as Extract<StreamEvent, { type: "error" }>;
    expect(error.type).toBe("error");
    expect(error.error.kind).toBe("upstream");
    expect(error.error.message).toStartWith("The model produced invalid content");

    const bare = await decode(sseFixture("error-event.stream"));
    expect(streamProblems(bare)).toEqual([]);
    const rateLimited = bare.at(-1) as Extract<StreamEvent, { type: "error" }>;
    expect(rateLimited.error.kind).toBe("rate_limit");
    expect(rateLimited.error.message).toContain("try again in 1.5s");
  });

  test("a stream cut before its terminal event ends with an error, open blocks left open", async () => {
    const events = await decode(sseFixture("text.stream").slice(0, 8));
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { kind: "upstream" } });
    expect(events.some((event) => event.type === "text-end")).toBe(false);
  });

  test("tolerant: no created event, no deltas, only done events, events without `event:`", async () => {
    const events = await decode([
      { data: JSON.stringify({ type: "response.output_item.added", output_index: 0, item: { id: "msg_1", type: "message", content: [] } }) },
      { data: JSON.stringify({ type: "response.output_text.done", item_id: "msg_1", output_index: 0, content_index: 0, text: "whole" }) },
      { data: "[DONE]" },
      sse({ type: "response.output_item.done", output_index: 1, item: { id: "fc_1", type: "function_call", call_id: "c1", name: "f", arguments: '{"a":1}' } }),
      sse({ type: "response.completed", response: { id: "resp_1", status: "completed", usage: { input_tokens: 3, output_tokens: 2 } } }),
    ]);
    expect(streamProblems(events)).toEqual([]);
    expect(events).toEqual([
      { type: "response-start", id: "", model: "" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "whole" },
      { type: "tool-input-start", index: 1, id: "c1", name: "f", kind: "function" },
      { type: "tool-input-delta", index: 1, delta: '{"a":1}' },
      { type: "tool-input-end", index: 1 },
      { type: "text-end", index: 0 },
      {
        type: "finish",
        finishReason: "tool-calls",
        rawFinishReason: "completed",
        usage: { inputTokens: 3, outputTokens: 2, cachedTokens: 0, reasoningTokens: 0, totalTokens: 5 },
      },
    ]);
  });

  test("a relay that only sends response.completed: the output items are the answer", async () => {
    const [response] = fixture("reasoning.response");
    const events = await decode([sse({ type: "response.completed", response })]);
    expect(streamProblems(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual([
      "response-start",
      "reasoning-start",
      "reasoning-delta",
      "reasoning-end",
      "text-start",
      "text-delta",
      "text-end",
      "finish",
    ]);
  });

  test("events after the terminal one are ignored", async () => {
    const records = sseFixture("text.stream");
    const events = await decode([...records, records[5], records.at(-1)!]);
    expect(streamProblems(events)).toEqual([]);
  });
});
