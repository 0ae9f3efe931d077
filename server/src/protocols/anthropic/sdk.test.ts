/**
 * The encoders checked by Anthropic's official SDK (what Claude Code is built on): encoded
 * streams and responses are served over HTTP and read with `messages.stream()` / `create()`.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CanonicalResponse, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { encodeResponse } from "./encode-response.ts";
import { encodeStream } from "./encode-stream.ts";
import { encodeError, errorHeaders } from "./errors.ts";
import { pipe } from "../test-kit/index.ts";
import { canonicalRequest } from "./test-support.ts";

let server: ReturnType<typeof Bun.serve>;
let next: () => Response;
let client: Anthropic;
beforeAll(() => {
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => next() });
  client = new Anthropic({ baseURL: `http://127.0.0.1:${server.port}`, apiKey: "k", maxRetries: 0 });
});
afterAll(() => server.stop(true));

const REQUEST = canonicalRequest({ model: "client-model", stream: true });
const PARAMS = { model: "client-model", max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] };

async function serveStream(events: StreamEvent[]) {
  const text = (await pipe(encodeStream(REQUEST), events)).join("");
  next = () => new Response(text, { headers: { "content-type": "text/event-stream" } });
}

describe("official SDK reading our encoders", () => {
  test("a cross-protocol stream with interleaved tool calls and foreign reasoning", async () => {
    await serveStream([
      { type: "response-start", id: "chatcmpl-9", model: "gpt-4o", usage: { inputTokens: 50, cachedTokens: 20 } },
      { type: "reasoning-start", index: 0 },
      { type: "reasoning-delta", index: 0, text: "plan" },
      { type: "reasoning-end", index: 0, signature: "g-1", origin: "gemini" },
      { type: "text-start", index: 1 },
      { type: "tool-input-start", index: 2, id: "call_a", name: "read" },
      { type: "text-delta", index: 1, text: "Reading " },
      { type: "tool-input-delta", index: 2, delta: '{"path":' },
      { type: "tool-input-start", index: 3, id: "call_b", name: "read" },
      { type: "tool-input-delta", index: 3, delta: '{"path":"b"}' },
      { type: "text-delta", index: 1, text: "both." },
      { type: "tool-input-delta", index: 2, delta: '"a"}' },
      { type: "text-end", index: 1 },
      { type: "tool-input-end", index: 2 },
      { type: "tool-input-end", index: 3 },
      { type: "usage", usage: { outputTokens: 12 } },
      { type: "finish", finishReason: "tool-calls", rawFinishReason: "tool_calls" },
    ]);
    const stream = client.messages.stream(PARAMS);
    const texts: string[] = [];
    stream.on("text", (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["Reading ", "both."]);
    expect(message.id).toBe("msg_chatcmpl-9");
    expect(message.model).toBe("gpt-4o");
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text", "tool_use", "tool_use"]);
    expect(message.content[2]).toMatchObject({ id: "call_a", input: { path: "a" } });
    expect(message.content[3]).toMatchObject({ id: "call_b", input: { path: "b" } });
    expect((message.content[0] as Anthropic.ThinkingBlock).signature).toStartWith("llmio1:");
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 12 });
  });

  test("an error event after output makes the SDK throw the matching APIError", async () => {
    await serveStream([
      { type: "response-start", id: "x", model: "m" },
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "partial" },
      { type: "error", error: new GatewayError("overloaded", "upstream overloaded") },
    ]);
    const error = await client.messages.stream(PARAMS).finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String((error as Error).message)).toContain("upstream overloaded");
    expect(String((error as Error).message)).toContain("overloaded_error");
  });

  test("a non-stream response and an error response", async () => {
    const response: CanonicalResponse = {
      id: "r",
      model: "gemini-2.5-flash",
      content: [{ type: "text", text: "hello" }],
      finishReason: "length",
      usage: { inputTokens: 7, outputTokens: 3, cachedTokens: 0, reasoningTokens: 0, totalTokens: 10 },
    };
    next = () => Response.json(encodeResponse(response, REQUEST));
    const message = await client.messages.create(PARAMS);
    expect(message.content).toEqual([{ type: "text", text: "hello" } as Anthropic.ContentBlock]);
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage).toMatchObject({ input_tokens: 7, output_tokens: 3 });

    const gatewayError = new GatewayError("rate_limit", "slow down", { traceId: "t-9" });
    next = () => Response.json(encodeError(gatewayError), { status: gatewayError.status, headers: errorHeaders(gatewayError) });
    const error = await client.messages.create(PARAMS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.APIError>).requestID).toBe("t-9");
  });
});
