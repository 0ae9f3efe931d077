import { describe, expect, test } from "bun:test";
import type { StreamEvent } from "../../core/canonical.ts";
import { encodeStream } from "./encode-stream.ts";
import { parseSseJson, pipe } from "../test-kit/index.ts";
import { canonicalRequest } from "./test-support.ts";

const REQUEST = canonicalRequest({ model: "client-model", stream: true });
const FINISH: StreamEvent = {
  type: "finish",
  finishReason: "stop",
  usage: { inputTokens: 120, outputTokens: 7, cachedTokens: 20, reasoningTokens: 0, totalTokens: 127 },
};

async function frames(events: StreamEvent[], promptTokens?: () => number | undefined) {
  return parseSseJson((await pipe(encodeStream(REQUEST, promptTokens), events)).join(""));
}

describe("message_start usage of a translated stream", () => {
  test("carries the gateway's count when the upstream has not reported input tokens; message_delta keeps the upstream's", async () => {
    const parsed = await frames(
      [{ type: "response-start", id: "x", model: "up" }, { type: "text-start", index: 0 }, { type: "text-delta", index: 0, text: "hi" }, { type: "text-end", index: 0 }, FINISH],
      () => 99,
    );
    const start = parsed.find((frame) => frame.event === "message_start")!;
    expect(start.data.message.usage).toMatchObject({ input_tokens: 99, output_tokens: 1, cache_read_input_tokens: 0 });
    const delta = parsed.find((frame) => frame.event === "message_delta")!;
    expect(delta.data.usage).toEqual({ input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 20, output_tokens: 7 });
  });

  test("the upstream's own input tokens win when it reported them at the start", async () => {
    const parsed = await frames(
      [{ type: "response-start", id: "x", model: "up", usage: { inputTokens: 42 } }, { type: "text-start", index: 0 }, { type: "text-delta", index: 0, text: "hi" }, FINISH],
      () => 99,
    );
    expect(parsed.find((frame) => frame.event === "message_start")!.data.message.usage.input_tokens).toBe(42);
  });

  test("without a count (or when it cannot be made) the field stays 0", async () => {
    for (const count of [undefined, () => undefined]) {
      const parsed = await frames([{ type: "response-start", id: "x", model: "up" }, FINISH], count);
      expect(parsed.find((frame) => frame.event === "message_start")!.data.message.usage.input_tokens).toBe(0);
    }
  });
});
