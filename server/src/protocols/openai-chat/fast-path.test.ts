import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, SseEvent } from "../../core/wire-protocol.ts";
import { loadFixture } from "../test-kit/index.ts";
import { openaiChat } from "./index.ts";

const NONE = { toolCall: false, structuredOutput: false, vision: false };
const needs = (body: JsonObject) => openaiChat.peek({ model: "m", messages: [], ...body }, {}).needs;
const chunk = (delta: JsonObject, extra: JsonObject = {}): SseEvent => ({
  data: JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...extra }),
});

const target = { baseUrl: "https://api.example.com/v1/", apiKey: "sk-test", model: "upstream-model", stream: true };

describe("fast path", () => {
  test("peek reads model and stream; rejects a missing model or messages", () => {
    expect(openaiChat.peek({ model: "m", messages: [], stream: true }, {})).toEqual({ model: "m", stream: true, needs: NONE });
    expect(openaiChat.peek({ model: "m", messages: [] }, {})).toEqual({ model: "m", stream: false, needs: NONE });
    expect(openaiChat.peek({ model: "m", messages: [], prompt_cache_key: "k" }, {}).sessionId).toBeUndefined();
    expect(() => openaiChat.peek({ messages: [] }, {})).toThrow(GatewayError);
    expect(() => openaiChat.peek({ model: "m" }, {})).toThrow("messages");
  });

  test("peek: needs of the recorded client requests", () => {
    const requests = loadFixture<{ client: string; body: JsonObject }>(import.meta.dir, "clients.request");
    const flags = Object.fromEntries(requests.map(({ client, body }) => [client, openaiChat.peek(body, {}).needs]));
    expect(flags).toEqual({
      "openai-sdk": NONE,
      "immersive-translate": NONE,
      nextchat: { ...NONE, vision: true },
      "open-webui": NONE,
      lobechat: { ...NONE, toolCall: true },
      "cherry-studio": { ...NONE, structuredOutput: true },
      "legacy-functions": { ...NONE, toolCall: true },
    });
  });

  test("peek: toolCall needs non-empty tools or functions that tool_choice does not switch off", () => {
    const tool = { type: "function", function: { name: "f", parameters: { type: "object" } } };
    expect(needs({ tools: [tool] }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: "required" }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: { type: "function", function: { name: "f" } } }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: "none" }).toolCall).toBe(false);
    expect(needs({ tools: [] }).toolCall).toBe(false);
    expect(needs({ functions: [{ name: "f" }] }).toolCall).toBe(true);
    expect(needs({ functions: [{ name: "f" }], function_call: "none" }).toolCall).toBe(false);
    // Tool calls in the history alone do not need tool support: nothing can be called.
    const history = [{ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] }];
    expect(needs({ messages: history }).toolCall).toBe(false);
  });

  test("peek: structuredOutput is JSON mode or a JSON schema", () => {
    expect(needs({ response_format: { type: "json_object" } }).structuredOutput).toBe(true);
    expect(needs({ response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } } }).structuredOutput).toBe(true);
    expect(needs({ response_format: { type: "text" } }).structuredOutput).toBe(false);
    expect(needs({ response_format: null }).structuredOutput).toBe(false);
  });

  test("peek: vision is an image_url part in any message", () => {
    const image = { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } };
    const text = { type: "text", text: "what is this?" };
    expect(needs({ messages: [{ role: "user", content: [text, image] }] }).vision).toBe(true);
    expect(needs({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "x" }, { role: "user", content: [image] }] }).vision).toBe(true);
    expect(needs({ messages: [{ role: "user", content: [text] }, { role: "user", content: "an image_url" }] }).vision).toBe(false);
    expect(needs({ messages: [null, 5, { role: "user", content: [null, "image_url"] }] }).vision).toBe(false);
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

  test("isPreambleEvent: only the role chunk before any content, reasoning or tool call", () => {
    const preamble = (name: string) => loadFixture<SseEvent>(import.meta.dir, name).map((event) => openaiChat.isPreambleEvent(event));
    expect(preamble("text.stream")).toEqual([true, ...Array(12).fill(false)]);
    expect(preamble("error.stream")).toEqual([true, false, false, false]);
    // DeepSeek's first chunk has `content: null, reasoning_content: ""`.
    expect(preamble("reasoning.stream")[0]).toBe(true);
    expect(preamble("reasoning.stream").slice(1)).not.toContain(true);
    // The role arrives together with the first tool call: that is output.
    expect(preamble("tool-call.stream")).not.toContain(true);

    expect(openaiChat.isPreambleEvent(chunk({ role: "assistant" }))).toBe(true);
    expect(openaiChat.isPreambleEvent(chunk({ role: "assistant", content: null, tool_calls: [] }))).toBe(true);
    expect(openaiChat.isPreambleEvent(chunk({ role: "assistant", content: "Hi" }))).toBe(false);
    expect(openaiChat.isPreambleEvent(chunk({ content: "" }))).toBe(false); // no role: not parsed, not preamble
    expect(openaiChat.isPreambleEvent(chunk({ role: "assistant", refusal: "no" }))).toBe(false);
    const finished = { data: chunk({ role: "assistant", content: "" }).data.replace('"finish_reason":null', '"finish_reason":"stop"') };
    expect(openaiChat.isPreambleEvent(finished)).toBe(false);
    // Azure's content-filter chunk before the role chunk.
    expect(openaiChat.isPreambleEvent({ data: '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}' })).toBe(true);
    expect(openaiChat.isPreambleEvent({ data: '{"error":{"message":"role missing"}}' })).toBe(false);
    expect(openaiChat.isPreambleEvent({ data: "[DONE]" })).toBe(false);
    expect(openaiChat.isPreambleEvent({ data: '{"role" broken' })).toBe(false);
  });

  test("the protocol object is complete: keep-alive comment, embeddings, no token counting", () => {
    expect(openaiChat.name).toBe("openai-chat");
    expect(openaiChat.keepAliveFrame).toBe(": keep-alive\n\n");
    expect(openaiChat.embeddings).toBeDefined();
    expect(openaiChat.countTokens).toBeUndefined();
  });
});
