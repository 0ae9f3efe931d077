import { describe, expect, test } from "bun:test";
import type { CanonicalResponse } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { decodeRequest } from "./decode-request.ts";
import { decodeResponse } from "./decode-response.ts";
import { encodeResponse } from "./encode-response.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { unwrapForeignReasoning } from "./reasoning-envelope.ts";
import { canonicalRequest, fixture } from "./test-support.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";

describe("decodeResponse", () => {
  test("text", () => {
    const [body] = fixture("text.response");
    expect(decodeResponse(body)).toEqual({
      id: "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b",
      model: "gpt-4.1-2025-04-14",
      content: [{ type: "text", text: "Hi there! How can I help you today?" }],
      finishReason: "stop",
      rawFinishReason: "completed",
      usage: { inputTokens: 37, outputTokens: 11, cachedTokens: 0, reasoningTokens: 0, totalTokens: 48 },
      created: 1756315696,
    });
  });

  test("a function call means finish reason tool-calls", () => {
    const response = decodeResponse(fixture("tool-call.response")[0]);
    expect(response.content).toEqual([
      { type: "tool-call", id: "call_hUxj4ULYVvEIdIqVhZIdmZTE", name: "get_weather", arguments: '{"location":"Paris, France"}', kind: "function" },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("completed");
  });

  test("reasoning keeps its encrypted content, item id and origin; summaries are joined", () => {
    const response = decodeResponse(fixture("reasoning.response")[0]);
    const [reasoning, text] = response.content;
    expect(reasoning).toEqual({
      type: "reasoning",
      text: "**Planning the answer**\n\nThe user asks for the capital of France, which is Paris.\n\n**Checking the wording**\n\nA one-word answer is enough.",
      encryptedContent: expect.stringMatching(/^gAAAAAB/),
      itemId: "rs_68af4891a1d881a09c2f6e4b8d0a1c3e0a2c4e6f8a0b2c4d",
      origin: "openai-responses",
    });
    expect(text).toEqual({ type: "text", text: "Paris." });
    expect(response.usage?.reasoningTokens).toBe(128);
  });

  test("tolerates missing fields and unknown items", () => {
    const response = decodeResponse({ output: [{ type: "web_search_call", id: "ws_1" }, null, { type: "message", content: "plain" }] } as JsonObject);
    expect(response).toEqual({ id: "", model: "", content: [{ type: "text", text: "plain" }], finishReason: "stop", rawFinishReason: "completed" });
  });
});

describe("encodeResponse", () => {
  test("fixtures decode → encode → decode to the same canonical response", () => {
    for (const name of ["text.response", "tool-call.response", "reasoning.response"]) {
      const original = fixture(name)[0];
      const canonical = decodeResponse(original);
      const encoded = encodeResponse(canonical, canonicalRequest({ model: "client-model", stream: false }));
      expect(encoded.object).toBe("response");
      expect(encoded.id).toBe(original.id);
      expect(encoded.status).toBe("completed");
      expect(encoded.usage).toEqual(original.usage);
      expect((encoded.output as JsonObject[]).map((item) => item.type)).toEqual((original.output as JsonObject[]).map((item) => item.type));
      expect(decodeResponse(encoded)).toEqual(canonical);
    }
  });

  test("a response from another vendor: ids, namespaces, envelopes, incomplete", () => {
    const request = decodeRequest({
      model: "codex-model",
      input: [
        { type: "additional_tools", tools: [{ type: "namespace", name: "clock", tools: [{ type: "function", name: "sleep" }] }] },
        { type: "message", role: "user", content: "wait" },
      ],
    });
    const response: CanonicalResponse = {
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      model: "claude-sonnet-4-5",
      content: [
        { type: "reasoning", text: "I should wait.", signature: "EqQBCkgIARABGAIiQL", origin: "anthropic" },
        { type: "text", text: "Waiting." },
        { type: "text", text: " Now." },
        { type: "tool-call", id: "toolu_01A09q90qw90lq917835lq9", name: "sleep", arguments: '{"duration_ms":10}' },
      ],
      finishReason: "length",
      rawFinishReason: "max_tokens",
      usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 80, cacheWriteTokens: 10, reasoningTokens: 5, totalTokens: 120 },
    };
    const encoded = encodeResponse(response, request) as any;
    expect(encoded.id).toBe("resp_msg_01XFDUDYJgAACzvnptvVoYEL");
    expect(encoded.model).toBe("claude-sonnet-4-5");
    expect(encoded.status).toBe("incomplete");
    expect(encoded.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(encoded.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 80 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 120,
    });
    const [reasoning, message, call] = encoded.output;
    expect(reasoning.type).toBe("reasoning");
    expect(reasoning.id).toStartWith("rs_");
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: "I should wait." }]);
    expect(unwrapForeignReasoning(reasoning.encrypted_content)).toEqual({ origin: "anthropic", signature: "EqQBCkgIARABGAIiQL", redactedData: undefined });
    expect(message).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(message.content.map((part: any) => part.text)).toEqual(["Waiting.", " Now."]);
    expect(call).toMatchObject({ type: "function_call", call_id: "toolu_01A09q90qw90lq917835lq9", name: "sleep", namespace: "clock", arguments: '{"duration_ms":10}' });
    expect(call.id).toStartWith("fc_");
  });
});

describe("finish reasons and usage", () => {
  test("both directions, raw reason kept", () => {
    expect(decodeFinishReason({ status: "completed" }, false)).toEqual({ finishReason: "stop", rawFinishReason: "completed" });
    expect(decodeFinishReason({ status: "completed" }, true)).toEqual({ finishReason: "tool-calls", rawFinishReason: "completed" });
    expect(decodeFinishReason({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }, false)).toEqual({
      finishReason: "length",
      rawFinishReason: "max_output_tokens",
    });
    expect(decodeFinishReason({ status: "incomplete", incomplete_details: { reason: "content_filter" } }, false).finishReason).toBe("content-filter");
    expect(decodeFinishReason({ status: "failed" }, false).finishReason).toBe("error");
    expect(decodeFinishReason({ status: "queued" }, false)).toEqual({ finishReason: "other", rawFinishReason: "queued" });
    expect(encodeFinishReason("stop")).toEqual({ status: "completed", incompleteDetails: null });
    expect(encodeFinishReason("tool-calls").status).toBe("completed");
    expect(encodeFinishReason("length")).toEqual({ status: "incomplete", incompleteDetails: { reason: "max_output_tokens" } });
    expect(encodeFinishReason("content-filter")).toEqual({ status: "incomplete", incompleteDetails: { reason: "content_filter" } });
    expect(encodeFinishReason("error").status).toBe("failed");
  });

  test("usage fixtures normalise and encode back", () => {
    const [plain, cached, partial] = fixture("cases.usage");
    expect(decodeUsage(plain)).toEqual({ inputTokens: 37, outputTokens: 11, cachedTokens: 0, reasoningTokens: 0, totalTokens: 48 });
    const decoded = decodeUsage(cached)!;
    expect(decoded).toEqual({ inputTokens: 5213, outputTokens: 412, cachedTokens: 4864, reasoningTokens: 320, totalTokens: 5625 });
    expect(encodeUsage(decoded)).toEqual(cached as any);
    expect(decodeUsage(partial)).toEqual({ inputTokens: 24, outputTokens: 150, cachedTokens: 0, reasoningTokens: 0, totalTokens: 174 });
    expect(decodeUsage(null)).toBeUndefined();
    expect(encodeUsage(undefined).total_tokens).toBe(0);
  });
});
