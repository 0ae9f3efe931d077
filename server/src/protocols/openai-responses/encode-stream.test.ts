import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeStream } from "./decode-stream.ts";
import { encodeStream } from "./encode-stream.ts";
import { openaiResponses } from "./index.ts";
import { unwrapForeignReasoning } from "./reasoning-envelope.ts";
import { type JsonFrame, parseSseJson, pipe, responsesStreamProblems, streamProblems } from "../test-kit/index.ts";
import { canonicalRequest, sseFixture } from "./test-support.ts";

async function encode(events: StreamEvent[], request = canonicalRequest()): Promise<JsonFrame[]> {
  return parseSseJson(await pipe(encodeStream(request, {}), events));
}

const types = (frames: JsonFrame[]) => frames.map((frame) => frame.data.type);

describe("encodeStream", () => {
  test("text: the full grammar, deltas, a complete item on output_item.done, usage in response.completed", async () => {
    const frames = await encode([
      { type: "response-start", id: "chatcmpl-123", model: "gpt-4o" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Hel" },
      { type: "text-delta", index: 0, text: "lo" },
      { type: "text-end", index: 0 },
      { type: "usage", usage: { inputTokens: 10, cachedTokens: 4 } },
      { type: "finish", finishReason: "stop", usage: { inputTokens: 10, outputTokens: 2, cachedTokens: 4, reasoningTokens: 0, totalTokens: 12 } },
    ]);
    expect(responsesStreamProblems(frames)).toEqual([]);
    expect(types(frames)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const created = frames[0].data.response;
    expect(created).toMatchObject({ id: "resp_chatcmpl-123", object: "response", status: "in_progress", model: "gpt-4o", output: [], usage: null });
    expect(frames[3].data).toMatchObject({ output_index: 0, content_index: 0, part: { type: "output_text", text: "" } });
    expect(frames[6].data.text).toBe("Hello");
    const item = frames[8].data.item;
    expect(item).toMatchObject({ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hello", annotations: [] }] });
    expect(item.id).toStartWith("msg_");
    const completed = frames[9].data.response;
    expect(completed.id).toBe(created.id);
    expect(completed.status).toBe("completed");
    expect(completed.output).toEqual([item]);
    expect(completed.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12,
    });
  });

  test("reasoning, then function and custom tool calls named back into their namespaces", async () => {
    const request = decodeRequest({
      model: "gpt-6.1-sol",
      input: [
        {
          type: "additional_tools",
          tools: [
            { type: "namespace", name: "functions", tools: [{ type: "custom", name: "exec" }] },
            { type: "namespace", name: "clock", tools: [{ type: "function", name: "sleep" }] },
          ],
        },
        { type: "message", role: "user", content: "hi" },
      ],
    });
    const frames = await encode(
      [
        { type: "response-start", id: "msg_1", model: "claude" },
        { type: "reasoning-start", index: 0 },
        { type: "reasoning-delta", index: 0, text: "Let me " },
        { type: "reasoning-delta", index: 0, text: "think." },
        { type: "reasoning-end", index: 0, signature: "sig-1", origin: "anthropic" },
        { type: "tool-input-start", index: 1, id: "toolu_1", name: "exec", kind: "custom" },
        { type: "tool-input-delta", index: 1, delta: "text(1" },
        { type: "tool-input-delta", index: 1, delta: ")" },
        { type: "tool-input-end", index: 1 },
        { type: "tool-input-start", index: 2, id: "toolu_2", name: "sleep" },
        { type: "tool-input-delta", index: 2, delta: '{"duration_ms":' },
        { type: "tool-input-delta", index: 2, delta: "5}" },
        { type: "tool-input-end", index: 2 },
        { type: "finish", finishReason: "tool-calls" },
      ],
      request,
    );
    expect(responsesStreamProblems(frames)).toEqual([]);
    expect(types(frames).slice(2)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.delta",
      "response.custom_tool_call_input.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const done = frames.filter((frame) => frame.data.type === "response.output_item.done").map((frame) => frame.data.item);
    expect(done[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: "Let me think." }] });
    expect(unwrapForeignReasoning(done[0].encrypted_content)).toMatchObject({ origin: "anthropic", signature: "sig-1" });
    expect(done[1]).toMatchObject({ type: "custom_tool_call", call_id: "toolu_1", name: "exec", namespace: "functions", input: "text(1)", status: "completed" });
    expect(done[2]).toMatchObject({ type: "function_call", call_id: "toolu_2", name: "sleep", namespace: "clock", arguments: '{"duration_ms":5}' });
    expect(frames.at(-1)!.data.response.output).toEqual(done);
    // The summary part events name the item and the summary index.
    expect(frames[3].data).toMatchObject({ item_id: done[0].id, output_index: 0, summary_index: 0, part: { type: "summary_text", text: "" } });
  });

  test("OpenAI reasoning keeps its item id and encrypted content", async () => {
    const frames = await encode([
      { type: "response-start", id: "resp_1", model: "gpt-5" },
      { type: "reasoning-start", index: 0, itemId: "rs_abc" },
      { type: "reasoning-end", index: 0, encryptedContent: "gAAAAB", origin: "openai-responses" },
      { type: "finish", finishReason: "stop" },
    ]);
    expect(responsesStreamProblems(frames)).toEqual([]);
    expect(types(frames)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.output_item.done", "response.completed"]);
    expect(frames[3].data.item).toEqual({ id: "rs_abc", type: "reasoning", summary: [], encrypted_content: "gAAAAB" });
    expect(frames[4].data.response.id).toBe("resp_1");
  });

  test("length → response.incomplete with max_output_tokens", async () => {
    const frames = await encode([
      { type: "response-start", id: "x", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "Once upon" },
      { type: "finish", finishReason: "length" },
    ]);
    expect(responsesStreamProblems(frames)).toEqual([]);
    expect(frames.at(-2)!.data.type).toBe("response.output_item.done");
    const response = frames.at(-1)!.data;
    expect(response.type).toBe("response.incomplete");
    expect(response.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
  });

  test("an error after output: response.failed with code and message, the open call never completes", async () => {
    const frames = await encode([
      { type: "response-start", id: "x", model: "m" },
      { type: "tool-input-start", index: 0, id: "c1", name: "f" },
      { type: "tool-input-delta", index: 0, delta: '{"a":' },
      { type: "error", error: new GatewayError("rate_limit", "slow down", { retryAfterSeconds: 3 }) },
      { type: "text-delta", index: 5, text: "ignored" },
    ]);
    expect(responsesStreamProblems(frames)).toEqual([]);
    expect(types(frames)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.failed",
    ]);
    const failed = frames.at(-1)!.data.response;
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({ code: "rate_limit_exceeded", message: "slow down Please try again in 3s." });
    expect(failed.output).toEqual([]);
  });

  test("short canonical streams still get the complete grammar", async () => {
    expect(types(await encode([{ type: "finish", finishReason: "stop" }]))).toEqual(["response.created", "response.in_progress", "response.completed"]);
    const onlyError = await encode([{ type: "error", error: new GatewayError("overloaded", "busy") }]);
    expect(responsesStreamProblems(onlyError)).toEqual([]);
    expect(onlyError.at(-1)!.data.response.error).toEqual({ code: "server_error", message: "busy" });
    // No finish at all: never a clean end.
    const cut = await encode([
      { type: "response-start", id: "x", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "par" },
    ]);
    expect(responsesStreamProblems(cut)).toEqual([]);
    expect(cut.at(-1)!.data.type).toBe("response.failed");
    expect(cut.at(-1)!.data.response.error.message).toContain("ended before");
    expect(types(await encode([]))).toEqual(["response.created", "response.in_progress", "response.failed"]);
  });

  test("upstream fixtures: decode → encode → decode gives the same canonical events", async () => {
    for (const name of ["text.stream", "tool-call.stream", "custom-tool.stream", "reasoning.stream", "incomplete.stream", "error.stream"]) {
      const canonical = await pipe(decodeStream(), sseFixture(name));
      const frames = await encode(canonical);
      expect(responsesStreamProblems(frames)).toEqual([]);
      const again = await pipe(
        decodeStream(),
        frames.map((frame) => ({ event: frame.event, data: JSON.stringify(frame.data) })),
      );
      expect(streamProblems(again)).toEqual([]);
      const comparable = (events: StreamEvent[]) =>
        events.map((event) => {
          if (event.type === "response-start") return { type: event.type, model: event.model };
          if (event.type === "reasoning-start") return { type: event.type, index: event.index };
          if (event.type === "error") return { type: event.type, message: event.error.message };
          return event;
        });
      expect(comparable(again)).toEqual(comparable(canonical));
    }
  });

  test("keep-alive frames are SSE comments; stream errors are complete response.failed frames", async () => {
    expect(await parseSseJson([openaiResponses.keepAliveFrame])).toEqual([]);
    const [frame] = await parseSseJson([openaiResponses.encodeStreamError(new GatewayError("upstream", "upstream died"))]);
    expect(frame.event).toBe("response.failed");
    expect(frame.data).toMatchObject({ type: "response.failed", response: { object: "response", status: "failed", error: { code: "server_error", message: "upstream died" } } });
  });
});
