import { describe, expect, test } from "bun:test";
import type { CanonicalRequest, CanonicalResponse } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeResponse } from "./decode-response.ts";
import { encodeResponse } from "./encode-response.ts";
import { decodeFinishReason, encodeFinishReason } from "./finish-reason.ts";
import { decodeUsage, encodeUsage } from "./usage.ts";
import type { ChatUsage } from "./wire-types.ts";

type Json = Record<string, any>;
const fixture = (name: string) => loadFixture<JsonObject>(import.meta.dir, name)[0];
const REQUEST: CanonicalRequest = { model: "client-model", system: [], messages: [], tools: [], stream: false, extras: {} };

/** The fields a client reads: these must survive decode → encode unchanged. */
function meaningful(body: Json) {
  const choice = body.choices[0];
  return {
    id: body.id,
    model: body.model,
    created: body.created,
    content: choice.message.content,
    reasoning: choice.message.reasoning_content,
    toolCalls: choice.message.tool_calls,
    finish: choice.finish_reason,
    usage: {
      prompt_tokens: body.usage.prompt_tokens,
      completion_tokens: body.usage.completion_tokens,
      total_tokens: body.usage.total_tokens,
      cached: body.usage.prompt_tokens_details?.cached_tokens ?? body.usage.prompt_cache_hit_tokens ?? 0,
      reasoning: body.usage.completion_tokens_details?.reasoning_tokens ?? 0,
    },
  };
}

describe("decodeResponse", () => {
  test("text", () => {
    const response = decodeResponse(fixture("text.response"));
    expect(response).toEqual({
      id: "chatcmpl-BnV3kq9ZtJ6cF1sXb2yQe8Rr4WmLp",
      model: "gpt-4o-mini-2024-07-18",
      content: [{ type: "text", text: "Hello! How can I help you today?" }],
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: { inputTokens: 1234, outputTokens: 9, cachedTokens: 1024, reasoningTokens: 0, totalTokens: 1243 },
      created: 1751213456,
    });
  });

  test("tool call keeps the id and JSON arguments exactly", () => {
    const response = decodeResponse(fixture("tool-call.response"));
    expect(response.content).toEqual([
      { type: "tool-call", id: "call_Xq3nJ8vR2mKp5sTyW1aB9cDe", name: "get_weather", arguments: '{"location":"Paris, France","unit":"celsius"}', kind: "function" },
    ]);
    expect(response.finishReason).toBe("tool-calls");
    expect(response.rawFinishReason).toBe("tool_calls");
  });

  test("DeepSeek reasoning_content → reasoning part first, origin openai-chat, reasoning tokens", () => {
    const response = decodeResponse(fixture("reasoning.response"));
    expect(response.content[0]).toMatchObject({ type: "reasoning", origin: "openai-chat" });
    expect(response.content[0]).not.toHaveProperty("signature");
    expect(response.content[1]).toEqual({ type: "text", text: "9.8 is greater than 9.11." });
    expect(response.usage).toEqual({ inputTokens: 18, outputTokens: 151, cachedTokens: 0, reasoningTokens: 139, totalTokens: 169 });
  });

  test("OpenRouter `reasoning`, custom tool calls, arguments as objects, missing ids", () => {
    const response = decodeResponse({
      id: "gen-1",
      model: "m",
      choices: [
        {
          message: {
            role: "assistant",
            content: "",
            reasoning: "thinking",
            tool_calls: [
              { type: "function", function: { name: "f", arguments: { a: 1 } } },
              { id: "call_c", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
    });
    expect(response.content).toEqual([
      { type: "reasoning", text: "thinking", origin: "openai-chat" },
      { type: "tool-call", id: "call_gen-1_0", name: "f", arguments: '{"a":1}', kind: "function" },
      { type: "tool-call", id: "call_c", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" },
    ]);
    expect(response.usage).toBeUndefined();
  });

  test("with the request, calls to custom tools (sent as {input} functions) are unwrapped", () => {
    const request: CanonicalRequest = { ...REQUEST, tools: [{ type: "custom", name: "apply_patch" }] };
    const response = decodeResponse(
      {
        id: "x",
        choices: [{ message: { tool_calls: [{ id: "c", type: "function", function: { name: "apply_patch", arguments: '{"input":"*** Begin Patch\\n"}' } }] }, finish_reason: "tool_calls" }],
      },
      request,
    );
    expect(response.content).toEqual([{ type: "tool-call", id: "c", name: "apply_patch", arguments: "*** Begin Patch\n", kind: "custom" }]);
  });

  test("a 200 body with an error envelope throws the upstream's error", () => {
    const error = (() => {
      try {
        decodeResponse({ error: { message: "Rate limit", type: "rate_limit_error" } });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe("rate_limit");
    expect((error as GatewayError).message).toBe("Rate limit");
  });

  test("no choices → empty content, stop", () => {
    expect(decodeResponse({ id: "x", model: "m", choices: [] })).toMatchObject({ content: [], finishReason: "stop" });
  });
});

describe("encodeResponse", () => {
  for (const name of ["text.response", "tool-call.response", "reasoning.response"]) {
    test(`${name}: decode → encode keeps what clients read`, () => {
      const original = fixture(name) as Json;
      const encoded = encodeResponse(decodeResponse(original), REQUEST) as Json;
      expect(encoded.object).toBe("chat.completion");
      expect(encoded.choices).toHaveLength(1);
      expect(encoded.choices[0].index).toBe(0);
      expect(encoded.choices[0].message.role).toBe("assistant");
      expect(meaningful(encoded)).toEqual(meaningful(original));
    });
  }

  test("a canonical response from another vendor: signature dropped, reasoning text kept, tool_calls finish", () => {
    const response: CanonicalResponse = {
      id: "msg_01",
      model: "claude-sonnet-4-5",
      content: [
        { type: "reasoning", text: "Let me check.", signature: "EqQB", origin: "anthropic" },
        { type: "text", text: "Checking." },
        { type: "tool-call", id: "toolu_01", name: "Bash", arguments: '{"command":"ls"}' },
        { type: "tool-call", id: "call_c", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" },
      ],
      // Gemini reports STOP even when it calls functions.
      finishReason: "stop",
      rawFinishReason: "end_turn",
      usage: { inputTokens: 100, outputTokens: 20, cachedTokens: 80, cacheWriteTokens: 10, reasoningTokens: 5, totalTokens: 120 },
    };
    const body = encodeResponse(response, REQUEST) as Json;
    expect(body.id).toBe("msg_01");
    expect(body.model).toBe("claude-sonnet-4-5");
    expect(typeof body.created).toBe("number");
    expect(body.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "Checking.",
        reasoning_content: "Let me check.",
        tool_calls: [
          { id: "toolu_01", type: "function", function: { name: "Bash", arguments: '{"command":"ls"}' } },
          { id: "call_c", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } },
        ],
        refusal: null,
      },
      logprobs: null,
      finish_reason: "tool_calls",
    });
    expect(body.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 20,
      total_tokens: 120,
      prompt_tokens_details: { cached_tokens: 80 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    expect(JSON.stringify(body)).not.toContain("EqQB");
  });

  test("empty id and model fall back; no usage → no usage field; tool-only content is null", () => {
    const body = encodeResponse({ id: "", model: "", content: [{ type: "tool-call", id: "c", name: "f", arguments: "{}" }], finishReason: "tool-calls" }, REQUEST) as Json;
    expect(body.id).toStartWith("chatcmpl-");
    expect(body.model).toBe("client-model");
    expect(body.choices[0].message.content).toBeNull();
    expect(body.usage).toBeUndefined();
    const empty = encodeResponse({ id: "x", model: "m", content: [], finishReason: "length" }, REQUEST) as Json;
    expect(empty.choices[0].message).toEqual({ role: "assistant", content: "", refusal: null });
    expect(empty.choices[0].finish_reason).toBe("length");
  });
});

describe("finish reasons", () => {
  test("decode keeps meaning across vendors", () => {
    expect(decodeFinishReason("stop", false)).toBe("stop");
    expect(decodeFinishReason("length", false)).toBe("length");
    expect(decodeFinishReason("tool_calls", true)).toBe("tool-calls");
    expect(decodeFinishReason("function_call", true)).toBe("tool-calls");
    expect(decodeFinishReason("content_filter", false)).toBe("content-filter");
    expect(decodeFinishReason("insufficient_system_resource", false)).toBe("error");
    expect(decodeFinishReason("stop", true)).toBe("tool-calls");
    expect(decodeFinishReason(null, false)).toBe("stop");
    expect(decodeFinishReason("weird", false)).toBe("other");
  });

  test("encode to the four values clients know", () => {
    expect(encodeFinishReason("stop", false)).toBe("stop");
    expect(encodeFinishReason("length", false)).toBe("length");
    expect(encodeFinishReason("tool-calls", true)).toBe("tool_calls");
    expect(encodeFinishReason("content-filter", false)).toBe("content_filter");
    expect(encodeFinishReason("error", false)).toBe("stop");
    expect(encodeFinishReason("other", true)).toBe("tool_calls");
  });
});

describe("usage", () => {
  for (const { vendor, usage, canonical } of loadFixture<{ vendor: string; usage: ChatUsage; canonical: Json }>(import.meta.dir, "vendors.usage")) {
    test(`${vendor} usage normalises`, () => {
      expect(decodeUsage(usage)).toEqual(canonical as never);
    });
  }

  test("encode → decode round-trips; missing total is input + output", () => {
    const usage = { inputTokens: 10, outputTokens: 5, cachedTokens: 4, reasoningTokens: 2, totalTokens: 15 };
    expect(decodeUsage(encodeUsage(usage))).toEqual(usage);
    expect(decodeUsage({ prompt_tokens: 3, completion_tokens: 4 })?.totalTokens).toBe(7);
    expect(decodeUsage(null)).toBeUndefined();
  });
});
