import { describe, expect, test } from "bun:test";
import type { CanonicalRequest, CanonicalResponse, ReasoningPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeResponse } from "./decode-response.ts";
import { encodeResponse } from "./encode-response.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { openEnvelope } from "./signatures.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";
import type { GeminiResponse } from "./wire-types.ts";

const fixture = (name: string) => loadFixture<GeminiResponse>(import.meta.dir, name)[0];
const request = (fields: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: "gemini-2.5-flash",
  system: [],
  messages: [],
  tools: [],
  stream: false,
  extras: {},
  ...fields,
});

describe("decode fixtures", () => {
  test("text", () => {
    const response = decodeResponse(fixture("text.response") as JsonObject);
    expect(response).toEqual({
      id: "oeFJaaqFOPLn1e8P6JbTmAs",
      model: "gemini-2.5-flash",
      content: [{ type: "text", text: "Hello! How can I help you today?" }],
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 5, outputTokens: 30, cachedTokens: 0, reasoningTokens: 21, totalTokens: 35 },
    });
  });

  test("parallel tool calls: STOP becomes tool-calls, ids are synthesized and unique, the signature stays on its call", () => {
    const response = decodeResponse(fixture("tool-call.response") as JsonObject);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("STOP");
    expect(response.content).toHaveLength(2);
    const [first, second] = response.content;
    expect(first).toMatchObject({ type: "tool-call", name: "get_weather", arguments: '{"location":"Paris"}' });
    expect(second).toMatchObject({ type: "tool-call", name: "get_weather", arguments: '{"location":"London"}' });
    expect(first.type === "tool-call" && first.signature).toStartWith("CsoCAdHtim9");
    expect(second.type === "tool-call" && second.signature).toBeUndefined();
    const ids = response.content.map((part) => (part.type === "tool-call" ? part.id : ""));
    expect(ids[0]).toMatch(/^call_[A-Za-z0-9]+_0$/);
    expect(new Set(ids).size).toBe(2);
    // Deterministic for one response: derived from its responseId.
    expect(decodeResponse(fixture("tool-call.response") as JsonObject).content.map((part) => (part.type === "tool-call" ? part.id : ""))).toEqual(ids);
  });

  test("thought summaries become Gemini reasoning; the signature stays on the text it came with", () => {
    const response = decodeResponse(fixture("reasoning.response") as JsonObject);
    expect(response.content).toEqual([
      { type: "reasoning", text: "**Calculating the sum**\n\nThe user asks for 2+2. That is 4.\n", origin: "gemini" },
      { type: "text", text: "2 + 2 = 4.", signature: expect.stringMatching(/^CiQB0e2Kb7/) },
    ]);
    expect(response.usage).toMatchObject({ outputTokens: 51, reasoningTokens: 44 });
  });

  test("usage: cached content and tool-use prompt tokens are input, thoughts are output", () => {
    expect(decodeResponse(fixture("usage.response") as JsonObject).usage).toEqual({
      inputTokens: 12043 + 120,
      outputTokens: 51 + 230,
      cachedTokens: 8110,
      reasoningTokens: 230,
      totalTokens: 12444,
    });
  });

  test("a blocked prompt has no candidate and finishes as content-filter", () => {
    const response = decodeResponse(fixture("blocked.response") as JsonObject);
    expect(response).toMatchObject({ content: [], finishReason: "content-filter", rawFinishReason: "PROHIBITED_CONTENT" });
    expect(response.usage?.inputTokens).toBe(14);
  });

  test("an empty body decodes to an empty response rather than throwing", () => {
    const response = decodeResponse({});
    expect(response.content).toEqual([]);
    expect(response.finishReason).toBe("stop");
    expect(response.id).toStartWith("gemini-");
  });
});

describe("fixture → canonical → Gemini keeps the meaningful fields", () => {
  for (const name of ["text.response", "tool-call.response", "reasoning.response", "usage.response"]) {
    test(name, () => {
      const original = fixture(name);
      const canonical = decodeResponse(original as JsonObject);
      const encoded = encodeResponse(canonical, request({ reasoning: { enabled: true, includeThoughts: true } })) as GeminiResponse;
      const [candidate] = encoded.candidates!;
      const originalCandidate = original.candidates![0];
      expect(candidate.finishReason).toBe(originalCandidate.finishReason!);
      expect(candidate.index).toBe(0);
      expect(candidate.content!.role).toBe("model");
      // Parts compare without the ids the gateway adds to function calls.
      const parts = candidate.content!.parts!.map((part) => (part.functionCall ? { ...part, functionCall: { ...part.functionCall, id: undefined } } : part));
      expect(JSON.parse(JSON.stringify(parts))).toEqual(originalCandidate.content!.parts!);
      expect(encoded.responseId).toBe(original.responseId!);
      expect(encoded.modelVersion).toBe(original.modelVersion!);
      const usage = encoded.usageMetadata!;
      const originalUsage = original.usageMetadata!;
      // Tool-use prompt tokens fold into the prompt count (canonical input has no separate field).
      expect(usage.promptTokenCount).toBe(originalUsage.promptTokenCount! + (originalUsage.toolUsePromptTokenCount ?? 0));
      expect(usage.cachedContentTokenCount).toBe(originalUsage.cachedContentTokenCount);
      expect(usage.candidatesTokenCount).toBe(originalUsage.candidatesTokenCount!);
      expect(usage.thoughtsTokenCount).toBe(originalUsage.thoughtsTokenCount!);
      expect(usage.totalTokenCount).toBe(originalUsage.totalTokenCount!);
    });
  }
});

describe("encode for Gemini clients", () => {
  const foreign: CanonicalResponse = {
    id: "msg_1",
    model: "claude-sonnet-4-5",
    content: [
      { type: "reasoning", text: "I should read the file.", signature: "EqQBsig", origin: "anthropic" },
      { type: "tool-call", id: "toolu_01", name: "read_file", arguments: '{"path":"a.txt"}' },
    ],
    finishReason: "tool-calls",
    rawFinishReason: "tool_use",
    usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 40, reasoningTokens: 0, totalTokens: 120 },
  };

  test("thoughts are shown only when asked for; foreign reasoning rides on the next part's signature", () => {
    const hidden = encodeResponse(foreign, request()) as GeminiResponse;
    const parts = hidden.candidates![0].content!.parts!;
    expect(parts).toHaveLength(1);
    expect(parts[0].functionCall).toEqual({ id: "toolu_01", name: "read_file", args: { path: "a.txt" } });
    expect(openEnvelope(parts[0].thoughtSignature!)).toEqual([foreign.content[0] as ReasoningPart]);
    expect(hidden.candidates![0].finishReason).toBe("STOP");
    expect(hidden.usageMetadata).toEqual({ promptTokenCount: 100, candidatesTokenCount: 20, cachedContentTokenCount: 40, totalTokenCount: 120 });
    expect(hidden.modelVersion).toBe("claude-sonnet-4-5");
    expect(hidden.responseId).toBe("msg_1");

    const shown = encodeResponse(foreign, request({ reasoning: { enabled: true, includeThoughts: true } })) as GeminiResponse;
    expect(shown.candidates![0].content!.parts![0]).toEqual({ text: "I should read the file.", thought: true });
  });

  test("arguments that are not a JSON object become {}", () => {
    const encoded = encodeResponse(
      { id: "r", model: "m", content: [{ type: "tool-call", id: "c", name: "f", arguments: "[1,2" }], finishReason: "tool-calls" },
      request(),
    ) as GeminiResponse;
    expect(encoded.candidates![0].content!.parts![0].functionCall!.args).toEqual({});
  });
});

describe("finish reasons", () => {
  test("decode", () => {
    expect(decodeFinishReason("STOP", false)).toBe("stop");
    expect(decodeFinishReason("STOP", true)).toBe("tool-calls");
    expect(decodeFinishReason("MAX_TOKENS", true)).toBe("length");
    for (const raw of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]) {
      expect(decodeFinishReason(raw, false)).toBe("content-filter");
    }
    for (const raw of ["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS", "MISSING_THOUGHT_SIGNATURE"]) {
      expect(decodeFinishReason(raw, false)).toBe("error");
    }
    expect(decodeFinishReason("OTHER", false)).toBe("other");
    expect(decodeFinishReason("LANGUAGE", false)).toBe("other");
    expect(decodeFinishReason("SOMETHING_NEW", false)).toBe("other");
  });

  test("encode, keeping a raw value that already is Gemini's", () => {
    expect(encodeFinishReason("stop")).toBe("STOP");
    expect(encodeFinishReason("tool-calls", "tool_use")).toBe("STOP");
    expect(encodeFinishReason("length", "max_tokens")).toBe("MAX_TOKENS");
    expect(encodeFinishReason("content-filter", "refusal")).toBe("SAFETY");
    expect(encodeFinishReason("content-filter", "RECITATION")).toBe("RECITATION");
    expect(encodeFinishReason("error")).toBe("OTHER");
    expect(encodeFinishReason("other", "pause_turn")).toBe("OTHER");
  });
});

describe("usage", () => {
  test("decode tolerates junk, encode omits empty optional counts", () => {
    expect(decodeUsage(undefined)).toBeUndefined();
    expect(decodeUsage({ promptTokenCount: 3 })).toEqual({ inputTokens: 3, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 3 });
    expect(encodeUsage({ inputTokens: 3 })).toEqual({ promptTokenCount: 3, totalTokenCount: 3 });
    expect(encodeUsage({ inputTokens: 10, outputTokens: 7, reasoningTokens: 5, cachedTokens: 0, totalTokens: 17 })).toEqual({
      promptTokenCount: 10,
      candidatesTokenCount: 2,
      thoughtsTokenCount: 5,
      totalTokenCount: 17,
    });
  });
});
