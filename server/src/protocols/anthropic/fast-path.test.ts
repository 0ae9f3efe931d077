import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, SseEvent, UpstreamTarget } from "../../core/wire-protocol.ts";
import { loadFixture, readCapture, sseFixture } from "../test-kit/index.ts";
import { countTokens } from "./count-tokens.ts";
import { decodeRequest } from "./decode-request.ts";
import { anthropic } from "./index.ts";
import { signatureFor } from "./reasoning-envelope.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.anthropic.com/v1/", apiKey: "sk-ant-1", model: "claude-haiku-4-5", stream: true };
const stream = (name: string) => sseFixture(import.meta.dir, name);
const capture = (name: string) => readCapture<JsonObject>(name);
const NONE = { toolCall: false, structuredOutput: false, vision: false };
const needs = (body: JsonObject) => anthropic.peek({ model: "m", messages: [], ...body }, {}).needs;
const sessionOf = (userId: unknown) => anthropic.peek({ model: "m", messages: [], metadata: { user_id: userId } }, {}).sessionId;
const IMAGE = { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } };

describe("client side", () => {
  test("peek reads model, stream, needs and session from Claude Code's body", () => {
    const body = capture("claude-messages");
    expect(anthropic.peek(body, {})).toEqual({ model: "claude-opus-4-8", stream: true, needs: { ...NONE, toolCall: true }, sessionId: "<uuid>" });
    expect(anthropic.peek({ model: "m", messages: [] }, {})).toEqual({ model: "m", stream: false, needs: NONE });
    expect(anthropic.peek({ model: "m", messages: [] }, {})).not.toHaveProperty("sessionId");
    expect(() => anthropic.peek({ messages: [] }, {})).toThrow(GatewayError);
    expect(() => anthropic.peek({ model: "m" }, {})).toThrow(GatewayError);
  });

  test("peek: every Claude Code capture needs tool calls only and names its session", () => {
    const names = ["claude-messages", "claude-messages-toolresult", "claude-sonnet45-messages", "claude-sonnet45-messages-toolresult"];
    for (const name of [...names, "claude2.1.330-messages", "claude2.1.330-messages-toolresult"]) {
      const peeked = anthropic.peek(capture(name), {});
      expect({ name, needs: peeked.needs, sessionId: peeked.sessionId }).toEqual({ name, needs: { ...NONE, toolCall: true }, sessionId: "<uuid>" });
    }
  });

  test("peek: toolCall needs non-empty tools that tool_choice does not switch off", () => {
    const tool = { name: "t", input_schema: { type: "object" } };
    expect(needs({ tools: [tool] }).toolCall).toBe(true);
    expect(needs({ tools: [{ type: "web_search_20250305", name: "web_search" }] }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: { type: "any" } }).toolCall).toBe(true);
    expect(needs({ tools: [tool], tool_choice: { type: "none" } }).toolCall).toBe(false);
    expect(needs({ tools: [] }).toolCall).toBe(false);
    expect(needs({ ...capture("claude-messages"), tool_choice: { type: "none" } }).toolCall).toBe(false);
  });

  test("peek: structuredOutput is output_config.format or the beta output_format", () => {
    const format = { type: "json_schema", schema: { type: "object" } };
    expect(needs({ output_config: { format } }).structuredOutput).toBe(true);
    expect(needs({ output_config: { effort: "high", format } }).structuredOutput).toBe(true);
    expect(needs({ output_format: format }).structuredOutput).toBe(true);
    // Claude Code's output_config only sets the effort.
    expect(needs({ output_config: { effort: "high" } }).structuredOutput).toBe(false);
  });

  test("peek: vision is an image block, also inside a tool_result", () => {
    expect(needs({ messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, IMAGE] }] }).vision).toBe(true);
    expect(needs({ messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://x/y.png" } }] }] }).vision).toBe(true);
    const toolResult = (content: unknown) => ({ role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content }] });
    expect(needs({ messages: [toolResult([{ type: "text", text: "screenshot:" }, IMAGE])] }).vision).toBe(true);
    expect(needs({ messages: [toolResult("image")] }).vision).toBe(false);
    expect(needs({ messages: [{ role: "user", content: "image" }, { role: "user", content: [{ type: "document", source: {} }] }] }).vision).toBe(false);

    // Claude Code's tool result for a read file, with a screenshot added to it.
    const body = capture("claude-messages-toolresult");
    expect(needs(body).vision).toBe(false);
    const messages = structuredClone(body.messages) as Array<{ content: unknown }>;
    const result = (messages.at(-1)!.content as Array<{ type: string; content: unknown }>).find((block) => block.type === "tool_result")!;
    result.content = [{ type: "text", text: String(result.content) }, IMAGE];
    expect(needs({ ...body, messages }).vision).toBe(true);
  });

  test("peek: the session id from either form of Claude Code's metadata.user_id", () => {
    const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
    expect(sessionOf(JSON.stringify({ device_id: "ab12", account_uuid: "", session_id: uuid }))).toBe(uuid);
    expect(sessionOf(`user_${"a".repeat(64)}_account_5c1b2d3e-0000-4000-8000-000000000001_session_${uuid}`)).toBe(uuid);
    expect(sessionOf(`user_${"a".repeat(64)}_account__session_${uuid}`)).toBe(uuid);
    expect(sessionOf(JSON.stringify({ device_id: "ab12" }))).toBeUndefined();
    expect(sessionOf("{not json")).toBeUndefined();
    expect(sessionOf("user-1234")).toBeUndefined();
    expect(sessionOf("user_x_session_")).toBeUndefined();
    expect(sessionOf(42)).toBeUndefined();
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
    const response = loadFixture<Record<string, unknown>>(import.meta.dir, "usage.response")[0];
    expect(anthropic.usageFromResponse(response)).toMatchObject({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 393, totalTokens: 190548 });
    const events = stream("usage.stream");
    expect(anthropic.usageFromStreamEvent(events[0])).toEqual({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 1 });
    expect(anthropic.usageFromStreamEvent(events[2])).toBeUndefined();
    expect(anthropic.usageFromStreamEvent(events.at(-2)!)).toEqual({ inputTokens: 190155, cachedTokens: 2048, cacheWriteTokens: 188086, outputTokens: 393 });
    expect(anthropic.usageFromStreamEvent(stream("text.stream").at(-2)!)).toEqual({ outputTokens: 15 });
  });

  test("stream end and error frames", () => {
    const text = stream("text.stream");
    expect(text.filter((event) => anthropic.isStreamEnd(event))).toEqual([text.at(-1)!]);
    expect(anthropic.isStreamEnd({ data: '{"type":"message_stop"}' })).toBe(true);
    expect(anthropic.isStreamEnd({ data: '{"type":"message_delta","note":"message_stop"}' })).toBe(false);
    const errorFrame = stream("error.stream").at(-1)!;
    expect(anthropic.streamEventError(errorFrame)).toMatchObject({ kind: "overloaded", message: "overloaded_error: Overloaded" });
    expect(text.map((event) => anthropic.streamEventError(event)).filter(Boolean)).toEqual([]);
  });
});

describe("isPreambleEvent", () => {
  const run = (events: SseEvent[]) => events.map((event) => anthropic.isPreambleEvent(event));

  test("message_start, ping and the start of an empty text or thinking block", () => {
    expect(run(stream("text.stream"))).toEqual([true, true, true, false, false, false, false, false]);
    expect(run(stream("reasoning.stream")).slice(0, 3)).toEqual([true, true, false]);
    // An error right after the preamble can still fail over.
    expect(run(stream("error.stream"))).toEqual([true, true, false, false]);
    // A tool_use block start names the tool: that is output.
    const toolStart = stream("tool-call.stream").find((event) => event.data.includes('"tool_use"'))!;
    expect(anthropic.isPreambleEvent(toolStart)).toBe(false);
    expect(anthropic.isPreambleEvent({ event: "content_block_start", data: '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"Hi"}}' })).toBe(false);
    expect(anthropic.isPreambleEvent({ event: "content_block_start", data: '{"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"x"}}' })).toBe(false);
    // This gateway's own keep-alive frame (a ping) is preamble too.
    expect(anthropic.isPreambleEvent({ event: "ping", data: '{"type":"ping"}' })).toBe(true);
  });

  test("without event: lines the type is read from the data", () => {
    for (const name of ["text.stream", "reasoning.stream", "tool-call.stream", "error.stream"]) {
      const events = stream(name);
      expect(run(events.map((event) => ({ data: event.data })))).toEqual(run(events));
    }
    expect(anthropic.isPreambleEvent({ data: '{ "type": "message_start", "message": {} }' })).toBe(true);
    expect(anthropic.isPreambleEvent({ data: "not json" })).toBe(false);
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
