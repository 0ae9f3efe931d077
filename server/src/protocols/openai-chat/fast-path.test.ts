import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import { loadFixture } from "../fixtures.ts";
import { openaiChat } from "./index.ts";

const target = { baseUrl: "https://api.example.com/v1/", apiKey: "sk-test", model: "upstream-model", stream: true };

describe("fast path", () => {
  test("peek reads model and stream; rejects a missing model or messages", () => {
    expect(openaiChat.peek({ model: "m", messages: [], stream: true }, {})).toEqual({ model: "m", stream: true });
    expect(openaiChat.peek({ model: "m", messages: [] }, {})).toEqual({ model: "m", stream: false });
    expect(() => openaiChat.peek({ messages: [] }, {})).toThrow(GatewayError);
    expect(() => openaiChat.peek({ model: "m" }, {})).toThrow("messages");
  });

  test("prepareUpstreamBody rewrites the model and asks for usage when streaming, keeping other fields", () => {
    const body = { model: "client", messages: [{ role: "user", content: "x" }], stream: true, stream_options: { include_obfuscation: false }, logprobs: true };
    expect(openaiChat.prepareUpstreamBody(body, target)).toEqual({
      model: "upstream-model",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      logprobs: true,
    });
    expect(openaiChat.prepareUpstreamBody({ model: "c", messages: [] }, { ...target, stream: false })).toEqual({ model: "upstream-model", messages: [] });
  });

  test("upstreamEndpoint: base URL + /chat/completions with bearer auth", () => {
    expect(openaiChat.upstreamEndpoint(target)).toEqual({
      url: "https://api.example.com/v1/chat/completions",
      headers: { authorization: "Bearer sk-test" },
    });
  });

  test("usage from a response body and from the stream's usage chunk only", () => {
    const response = loadFixture<Record<string, unknown>>(import.meta.dir, "text.response")[0];
    expect(openaiChat.usageFromResponse(response)).toEqual({ inputTokens: 1234, outputTokens: 9, cachedTokens: 1024, reasoningTokens: 0, totalTokens: 1243 });
    const stream = loadFixture<{ data: string }>(import.meta.dir, "text.stream");
    const reports = stream.map((event) => openaiChat.usageFromStreamEvent(event)).filter((usage) => usage !== undefined);
    expect(reports).toEqual([{ inputTokens: 1234, outputTokens: 9, cachedTokens: 1024, reasoningTokens: 0, totalTokens: 1243 }]);
    // DeepSeek reports usage on the finish chunk.
    const deepseek = loadFixture<{ data: string }>(import.meta.dir, "reasoning.stream");
    expect(deepseek.map((event) => openaiChat.usageFromStreamEvent(event)).filter(Boolean)).toHaveLength(1);
  });

  test("isStreamEnd is the [DONE] frame only", () => {
    const stream = loadFixture<{ data: string }>(import.meta.dir, "tool-call.stream");
    expect(stream.map((event) => openaiChat.isStreamEnd(event))).toEqual(stream.map((_, i) => i === stream.length - 1));
  });

  test("the protocol object is complete: keep-alive comment, embeddings, no token counting", () => {
    expect(openaiChat.name).toBe("openai-chat");
    expect(openaiChat.keepAliveFrame).toBe(": keep-alive\n\n");
    expect(openaiChat.embeddings).toBeDefined();
    expect(openaiChat.countTokens).toBeUndefined();
  });
});
