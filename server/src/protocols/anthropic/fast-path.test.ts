import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { GatewayError } from "../../core/errors.ts";
import type { SseEvent, UpstreamTarget } from "../../core/wire-protocol.ts";
import { loadFixture } from "../fixtures.ts";
import { countTokens } from "./count-tokens.ts";
import { decodeRequest } from "./decode-request.ts";
import { anthropic } from "./index.ts";
import { signatureFor } from "./reasoning-envelope.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.anthropic.com/v1/", apiKey: "sk-ant-1", model: "claude-haiku-4-5", stream: true };
const stream = (name: string) => loadFixture<SseEvent>(import.meta.dir, name);

describe("client side", () => {
  test("peek reads model and stream from Claude Code's body", () => {
    const body = JSON.parse(readFileSync("/work/shared/captures/claude-messages.json", "utf8"));
    expect(anthropic.peek(body, {})).toEqual({ model: "claude-opus-4-8", stream: true });
    expect(anthropic.peek({ model: "m", messages: [] }, {})).toEqual({ model: "m", stream: false });
    expect(() => anthropic.peek({ messages: [] }, {})).toThrow(GatewayError);
    expect(() => anthropic.peek({ model: "m" }, {})).toThrow(GatewayError);
  });

  test("keep-alive is an Anthropic ping event", () => {
    expect(anthropic.keepAliveFrame).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(anthropic.embeddings).toBeUndefined();
  });
});

describe("upstream side", () => {
  test("endpoint: /messages under the base URL, x-api-key, default anthropic-version", () => {
    expect(anthropic.upstreamEndpoint(TARGET)).toEqual({
      url: "https://api.anthropic.com/v1/messages",
      headers: { "x-api-key": "sk-ant-1" },
      defaultHeaders: { "anthropic-version": "2023-06-01" },
    });
    expect(anthropic.upstreamEndpoint({ ...TARGET, baseUrl: "https://proxy.example/anthropic" }).url).toBe("https://proxy.example/anthropic/messages");
  });

  test("prepareUpstreamBody rewrites the model and strips thinking blocks Anthropic did not sign", () => {
    const body = {
      model: "alias",
      stream: true,
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "real", signature: "EqQB" },
            { type: "thinking", thinking: "foreign", signature: signatureFor({ origin: "gemini", signature: "g" }) },
            { type: "thinking", thinking: "unsigned", signature: "" },
            { type: "text", text: "a" },
          ],
        },
      ],
    };
    const prepared = anthropic.prepareUpstreamBody(body, TARGET);
    expect(prepared.model).toBe("claude-haiku-4-5");
    expect(prepared.stream).toBe(true);
    expect((prepared.messages as Array<{ content: unknown }>)[1].content).toEqual([
      { type: "thinking", thinking: "real", signature: "EqQB" },
      { type: "text", text: "a" },
    ]);
    expect(body.messages[1].content).toHaveLength(4); // the client's body is not mutated
    const untouched = { model: "alias", messages: [{ role: "user", content: "q" }] };
    expect(anthropic.prepareUpstreamBody(untouched, TARGET).messages).toBe(untouched.messages);
  });

  test("usage from a response and from stream events", () => {
    const response = loadFixture<Record<string, unknown>>(import.meta.dir, "usage-response")[0];
    expect(anthropic.usageFromResponse(response)).toMatchObject({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 393, totalTokens: 190548 });
    const events = stream("usage-stream");
    expect(anthropic.usageFromStreamEvent(events[0])).toEqual({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 1 });
    expect(anthropic.usageFromStreamEvent(events[2])).toBeUndefined();
    expect(anthropic.usageFromStreamEvent(events.at(-2)!)).toEqual({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 393 });
    expect(anthropic.usageFromStreamEvent(stream("text-stream").at(-2)!)).toEqual({ outputTokens: 15 });
  });

  test("stream end and error frames", () => {
    const text = stream("text-stream");
    expect(text.filter((event) => anthropic.isStreamEnd(event))).toEqual([text.at(-1)!]);
    expect(anthropic.isStreamEnd({ data: '{"type":"message_stop"}' })).toBe(true);
    expect(anthropic.isStreamEnd({ data: '{"type":"message_delta","note":"message_stop"}' })).toBe(false);
    const errorFrame = stream("error-stream").at(-1)!;
    expect(anthropic.streamEventError(errorFrame)).toBe("overloaded_error: Overloaded");
    expect(text.map((event) => anthropic.streamEventError(event)).filter(Boolean)).toEqual([]);
  });
});

describe("count tokens", () => {
  const codec = countTokens;

  test("client side: a Messages-like body without max_tokens decodes; the answer is {input_tokens}", () => {
    const request = codec.decodeRequest({ model: "claude-sonnet-4-5", system: "s", messages: [{ role: "user", content: "hi" }], tools: [] }, {});
    expect(request.messages).toHaveLength(1);
    expect(request.maxOutputTokens).toBeUndefined();
    expect(codec.encodeResponse(42)).toEqual({ input_tokens: 42 });
  });

  test("upstream side: count_tokens endpoint and a body without max_tokens or stream", () => {
    expect(codec.endpoint(TARGET).url).toBe("https://api.anthropic.com/v1/messages/count_tokens");
    expect(codec.endpoint(TARGET).headers).toEqual({ "x-api-key": "sk-ant-1" });
    const request = decodeRequest(
      {
        model: "x",
        system: "s",
        messages: [{ role: "user", content: "hi" }],
        tools: [{ name: "t", input_schema: { type: "object" } }],
        tool_choice: { type: "auto" },
        temperature: 0.5,
        max_tokens: 10,
      },
      {},
    );
    expect(codec.encodeRequest(request, TARGET)).toEqual({
      model: "claude-haiku-4-5",
      system: [{ type: "text", text: "s" }],
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [{ name: "t", input_schema: { type: "object" } }],
      tool_choice: { type: "auto" },
    });
    expect(codec.decodeResponse({ input_tokens: 17 })).toBe(17);
    expect(codec.decodeResponse({})).toBe(0);
  });
});
