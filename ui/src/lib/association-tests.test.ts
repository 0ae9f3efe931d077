import { describe, expect, it } from "vitest";
import type { ToolCallTestEvent } from "@llmio/contract";
import { applyToolEvent, ndjsonLines } from "./association-tests.ts";

function streamOf(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
}

describe("ndjsonLines", () => {
  it("parses lines split across chunks, and a last line without a newline", async () => {
    const lines: unknown[] = [];
    for await (const line of ndjsonLines(streamOf('{"a":', "1}\n\n", '{"b":2}\n{"c"', ":3}"))) lines.push(line);
    expect(lines).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});

describe("applyToolEvent", () => {
  it("adds a running step on start and settles it on end", () => {
    const start: ToolCallTestEvent = { type: "step-start", step: 1, title: "Ask" };
    const running = applyToolEvent([], start);
    expect(running).toEqual([{ step: 1, title: "Ask", state: "running" }]);
    const ended = applyToolEvent(running, { type: "step-end", step: 1, ok: false, latencyMs: 12, status: 200, detail: "wrong city", transcript: [] });
    expect(ended[0]).toMatchObject({ state: "failed", latencyMs: 12, status: 200, detail: "wrong city" });
  });
});
