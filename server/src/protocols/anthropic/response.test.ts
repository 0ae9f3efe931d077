import { describe, expect, test } from "bun:test";
import type { CanonicalResponse } from "../../core/canonical.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeResponse } from "./decode-response.ts";
import { encodeResponse } from "./encode-response.ts";
import { decodeRequest } from "./decode-request.ts";
import { canonicalRequest } from "./test-support.ts";

type Json = Record<string, any>;
const fixture = (name: string) => loadFixture<Json>(import.meta.dir, name)[0];
const REQUEST = canonicalRequest();

describe("decodeResponse", () => {
  test("text", () => {
    const response = decodeResponse(fixture("text.response"));
    expect(response).toEqual({
      id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Hi! My name is Claude." }],
      finishReason: "stop",
      rawFinishReason: "end_turn",
      usage: { inputTokens: 2095, outputTokens: 503, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 2598 },
    });
  });

  test("tool use", () => {
    const response = decodeResponse(fixture("tool-call.response"));
    expect(response.finishReason).toBe("tool-calls");
    expect(response.content[1]).toEqual({
      type: "tool-call",
      id: "toolu_01A09q90qw90lq917835lq9",
      name: "get_weather",
      arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
    });
  });

  test("thinking and redacted thinking keep their opaque data", () => {
    const body = fixture("reasoning.response");
    const response = decodeResponse(body);
    expect(response.content[0]).toEqual({ type: "reasoning", text: body.content[0].thinking, signature: body.content[0].signature, origin: "anthropic" });
    expect(response.content[1]).toEqual({ type: "reasoning", text: "", redactedData: body.content[1].data, origin: "anthropic" });
  });

  test("usage adds cache reads and writes to the input", () => {
    expect(decodeResponse(fixture("usage.response")).usage).toEqual({
      inputTokens: 21 + 188086 + 2048,
      outputTokens: 393,
      cachedTokens: 2048,
      cacheWriteTokens: 188086,
      reasoningTokens: 0,
      totalTokens: 21 + 188086 + 2048 + 393,
    });
  });

  test("tolerates missing fields", () => {
    const response = decodeResponse({ content: [{ type: "server_tool_use", id: "x" }, null, { type: "text" }] });
    expect(response).toEqual({ id: "", model: "", content: [{ type: "text", text: "" }], finishReason: "other" });
  });
});

describe("encodeResponse", () => {
  for (const name of ["text.response", "tool-call.response", "reasoning.response", "usage.response"]) {
    test(`${name}: fixture → canonical → Anthropic gives the fixture back`, () => {
      const body = fixture(name);
      const encoded = encodeResponse(decodeResponse(body), REQUEST) as Json;
      expect(encoded.id).toBe(body.id);
      expect(encoded.type).toBe("message");
      expect(encoded.role).toBe("assistant");
      expect(encoded.model).toBe(body.model);
      expect(encoded.content).toEqual(body.content);
      expect(encoded.stop_reason).toBe(body.stop_reason);
      expect(encoded.stop_sequence).toBeNull();
      const { input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens } = body.usage;
      expect(encoded.usage).toEqual({ input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens });
    });
  }

  test("foreign answers: ids prefixed, tool calls mean tool_use, empty text dropped, foreign reasoning enveloped", () => {
    const response: CanonicalResponse = {
      id: "chatcmpl-123",
      model: "gemini-2.5-pro",
      content: [
        { type: "reasoning", text: "thought", signature: "gem-sig", origin: "gemini" },
        { type: "reasoning", text: "plain reasoning" },
        { type: "text", text: "" },
        { type: "tool-call", id: "call_1", name: "get", arguments: '{"a":1}' },
      ],
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 10, outputTokens: 5, cachedTokens: 4, reasoningTokens: 2, totalTokens: 15 },
    };
    const encoded = encodeResponse(response, REQUEST) as Json;
    expect(encoded.id).toBe("msg_chatcmpl-123");
    expect(encoded.stop_reason).toBe("tool_use");
    expect(encoded.usage).toEqual({ input_tokens: 6, cache_read_input_tokens: 4, cache_creation_input_tokens: 0, output_tokens: 5 });
    expect(encoded.content.map((block: Json) => block.type)).toEqual(["thinking", "thinking", "tool_use"]);
    expect(encoded.content[1].signature).toBe("");
    expect(encoded.content[2].input).toEqual({ a: 1 });
    // The client replays the assistant turn: the Gemini signature comes back intact.
    const replay = decodeRequest({ model: "m", messages: [{ role: "assistant", content: encoded.content }] }, {});
    expect(replay.messages[0].content[0]).toEqual({ type: "reasoning", text: "thought", signature: "gem-sig", origin: "gemini" });
  });

  test("finish reasons", () => {
    const finish = (finishReason: CanonicalResponse["finishReason"], rawFinishReason?: string) =>
      (encodeResponse({ id: "msg_1", model: "m", content: [{ type: "text", text: "x" }], finishReason, rawFinishReason }, REQUEST) as Json).stop_reason;
    expect(finish("stop")).toBe("end_turn");
    expect(finish("stop", "stop_sequence")).toBe("stop_sequence");
    expect(finish("length")).toBe("max_tokens");
    expect(finish("content-filter")).toBe("refusal");
    expect(finish("other", "pause_turn")).toBe("pause_turn");
    expect(finish("tool-calls")).toBe("end_turn"); // no tool_use block to run
    expect(finish("error")).toBe("end_turn");
  });
});
