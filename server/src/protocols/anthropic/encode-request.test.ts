import { describe, expect, test } from "bun:test";
import type { UpstreamTarget } from "../../core/wire-protocol.ts";
import { readCapture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { DEFAULT_MAX_TOKENS, DEFAULT_THINKING_MAX_TOKENS, encodeRequest } from "./encode-request.ts";
import { signatureFor } from "./reasoning-envelope.ts";
import { canonicalRequest } from "./test-support.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.anthropic.com/v1", apiKey: "k", model: "claude-sonnet-4-5", stream: true };
const user = (text: string) => ({ role: "user" as const, content: [{ type: "text" as const, text }] });

describe("round trip of Claude Code requests", () => {
  for (const name of ["claude-messages-toolresult", "claude-sonnet45-messages-toolresult"]) {
    test(`${name}: messages, tools and system survive decode → encode`, () => {
      const body = readCapture(name);
      const { body: encoded } = encodeRequest(decodeRequest(body, {}), TARGET);
      expect(encoded.model).toBe("claude-sonnet-4-5");
      expect(encoded.stream).toBe(true);
      expect(encoded.max_tokens).toBe(body.max_tokens);
      const userAndAssistant = body.messages.filter((message: { role: string }) => message.role !== "system");
      const messages = encoded.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
      expect(messages.map((message) => message.role)).toEqual(userAndAssistant.map((message: { role: string }) => message.role));
      expect(messages[1].content).toEqual(userAndAssistant[1].content);
      expect(messages[2].content[0]).toMatchObject({
        type: "tool_result",
        tool_use_id: userAndAssistant[2].content[0].tool_use_id,
        content: [{ type: "text", text: userAndAssistant[2].content[0].content }],
      });
      const system = encoded.system as Array<Record<string, unknown>>;
      expect(system.slice(0, body.system.length)).toEqual(body.system);
      expect((encoded.tools as unknown[]).length).toBe(body.tools.length);
      expect((encoded.tools as Array<Record<string, unknown>>)[0]).toEqual({
        name: body.tools[0].name,
        description: body.tools[0].description,
        input_schema: body.tools[0].input_schema,
      });
    });
  }
});

describe("max_tokens and thinking", () => {
  test("max_tokens is always set", () => {
    expect(encodeRequest(canonicalRequest({ messages: [user("hi")] }), TARGET).body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(encodeRequest(canonicalRequest({ messages: [user("hi")], maxOutputTokens: 100 }), TARGET).body.max_tokens).toBe(100);
  });

  test("effort becomes a budget below max_tokens", () => {
    const { body, warnings } = encodeRequest(canonicalRequest({ messages: [user("hi")], reasoning: { enabled: true, effort: "high" } }), TARGET);
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 16384 });
    expect(body.max_tokens).toBe(DEFAULT_THINKING_MAX_TOKENS);
    expect(warnings).toEqual([]);
    const low = encodeRequest(canonicalRequest({ messages: [user("hi")], reasoning: { enabled: true, effort: "low" } }), TARGET).body;
    expect(low.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  test("max_tokens grows when the budget would not fit, with a warning", () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({ messages: [user("hi")], maxOutputTokens: 2000, reasoning: { enabled: true, budgetTokens: 5000 } }),
      TARGET,
    );
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 5000 });
    expect(body.max_tokens as number).toBeGreaterThan(5000);
    expect(warnings.some((warning) => warning.includes("max_tokens raised"))).toBe(true);
  });

  test("reasoning off, effort none, or absent → no thinking", () => {
    for (const reasoning of [{ enabled: false }, { enabled: true, effort: "none" as const }, undefined]) {
      expect(encodeRequest(canonicalRequest({ messages: [user("hi")], reasoning }), TARGET).body.thinking).toBeUndefined();
    }
  });

  test("thinking drops temperature, top_k and a low top_p", () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({ messages: [user("hi")], reasoning: { enabled: true }, temperature: 0.3, topK: 5, topP: 0.5 }),
      TARGET,
    );
    expect(body.temperature).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(warnings).toHaveLength(3);
  });

  test("without thinking: temperature capped at 1, top_p dropped when both are set", () => {
    const { body, warnings } = encodeRequest(canonicalRequest({ messages: [user("hi")], temperature: 1.5, topP: 0.9, topK: 3 }), TARGET);
    expect(body).toMatchObject({ temperature: 1, top_k: 3 });
    expect(body.top_p).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });

  test("thinking is dropped with a forced tool choice or an unsigned tool loop", () => {
    const tools = [{ type: "function" as const, name: "get", parameters: { type: "object" } }];
    const forced = encodeRequest(canonicalRequest({ messages: [user("hi")], tools, toolChoice: "required", reasoning: { enabled: true } }), TARGET);
    expect(forced.body.thinking).toBeUndefined();
    expect(forced.body.tool_choice).toEqual({ type: "any" });
    const loop = encodeRequest(
      canonicalRequest({
        tools,
        reasoning: { enabled: true },
        messages: [
          user("hi"),
          { role: "assistant", content: [{ type: "reasoning", text: "r", encryptedContent: "x", origin: "openai-responses" }, { type: "tool-call", id: "c1", name: "get", arguments: "{}" }] },
          { role: "tool", content: [{ type: "tool-result", callId: "c1", content: [{ type: "text", text: "ok" }] }] },
        ],
      }),
      TARGET,
    );
    expect(loop.body.thinking).toBeUndefined();
    expect(loop.warnings.some((warning) => warning.includes("tool-use turn"))).toBe(true);
    expect(loop.warnings.some((warning) => warning.includes("reasoning part"))).toBe(true);
  });
});

describe("messages", () => {
  test("alternation: same-role turns merge, tool results lead their user turn", () => {
    const { body } = encodeRequest(
      canonicalRequest({
        system: [{ type: "text", text: "sys", cacheControl: { type: "ephemeral" } }],
        messages: [
          user("a"),
          user("b"),
          { role: "assistant", content: [{ type: "text", text: "" }, { type: "tool-call", id: "c1", name: "f", arguments: '{"x":1}' }, { type: "tool-call", id: "c2", name: "f", arguments: "" }] },
          user("note"),
          { role: "tool", content: [{ type: "tool-result", callId: "c1", content: [{ type: "text", text: "r1" }] }] },
          { role: "tool", content: [{ type: "tool-result", callId: "c2", isError: true, content: [] }] },
        ],
      }),
      TARGET,
    );
    expect(body.system).toEqual([{ type: "text", text: "sys", cache_control: { type: "ephemeral" } }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "c1", name: "f", input: { x: 1 } },
          { type: "tool_use", id: "c2", name: "f", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: [{ type: "text", text: "r1" }] },
          { type: "tool_result", tool_use_id: "c2", is_error: true },
          { type: "text", text: "note" },
        ],
      },
    ]);
  });

  test("only signed Anthropic reasoning is replayed", () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        messages: [
          user("q"),
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "mine", signature: "sig", origin: "anthropic" },
              { type: "reasoning", text: "", redactedData: "blob", origin: "anthropic" },
              { type: "reasoning", text: "theirs", signature: "g", origin: "gemini" },
              { type: "reasoning", text: "unsigned", origin: "anthropic" },
              { type: "text", text: "answer" },
            ],
          },
        ],
      }),
      TARGET,
    );
    expect((body.messages as Array<{ content: unknown[] }>)[1].content).toEqual([
      { type: "thinking", thinking: "mine", signature: "sig" },
      { type: "redacted_thinking", data: "blob" },
      { type: "text", text: "answer" },
    ]);
    expect(warnings).toEqual(["2 reasoning part(s) without an Anthropic signature were dropped"]);
  });

  test("images and files: base64, data URLs, http URLs; file ids dropped", () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", mediaType: "image/png", data: "iVBOR" },
              { type: "image", url: "data:image/jpeg;base64,/9j/4A" },
              { type: "image", url: "https://example.com/cat.png", detail: "high" },
              { type: "file", mediaType: "application/pdf", data: "JVBER", filename: "a.pdf" },
              { type: "file", url: "data:application/pdf;base64,JVBERi0" },
              { type: "file", mediaType: "text/plain", data: Buffer.from("hello").toString("base64") },
              { type: "file", url: "https://example.com/doc.pdf" },
              { type: "file", fileId: "file-abc" },
              { type: "file", mediaType: "application/zip", data: "UEsD" },
            ],
          },
        ],
      }),
      TARGET,
    );
    expect((body.messages as Array<{ content: unknown[] }>)[0].content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4A" } },
      { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBER" }, title: "a.pdf" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "hello" } },
      { type: "document", source: { type: "url", url: "https://example.com/doc.pdf" } },
    ]);
    expect(warnings).toHaveLength(2);
  });

  test("a reasoning envelope from an Anthropic client is not replayed upstream", () => {
    const signature = signatureFor({ origin: "gemini", signature: "g-sig" });
    const request = decodeRequest(
      { model: "m", messages: [user("q"), { role: "assistant", content: [{ type: "thinking", thinking: "t", signature }, { type: "text", text: "a" }] }, user("next")] },
      {},
    );
    const { body } = encodeRequest(request, TARGET);
    expect((body.messages as Array<{ content: unknown[] }>)[1].content).toEqual([{ type: "text", text: "a" }]);
  });
});

describe("tools and other parameters", () => {
  test("foreign tool ids are made acceptable to Anthropic, the same way on call and result", () => {
    const { body } = encodeRequest(
      canonicalRequest({
        messages: [
          user("q"),
          { role: "assistant", content: [{ type: "tool-call", id: "functions.get:0", name: "get", arguments: "{}" }] },
          { role: "tool", content: [{ type: "tool-result", callId: "functions.get:0", content: [{ type: "text", text: "r" }] }] },
        ],
      }),
      TARGET,
    );
    const messages = body.messages as Array<{ content: Array<Record<string, unknown>> }>;
    expect(messages[1].content[0].id).toBe("functions_get_0");
    expect(messages[2].content[0].tool_use_id).toBe("functions_get_0");
  });

  test("images without a media type get one from their bytes", () => {
    const { body } = encodeRequest(canonicalRequest({ messages: [{ role: "user", content: [{ type: "image", data: "/9j/4AAQ" }, { type: "image", data: "iVBORw0" }] }] }), TARGET);
    const blocks = (body.messages as Array<{ content: Array<{ source: { media_type: string } }> }>)[0].content;
    expect(blocks.map((block) => block.source.media_type)).toEqual(["image/jpeg", "image/png"]);
  });

  test("tool choice mapping and disable_parallel_tool_use", () => {
    const tools = [{ type: "function" as const, name: "get", description: "d", parameters: { type: "object", properties: {} }, strict: true }];
    const cases = [
      [undefined, undefined],
      ["auto", { type: "auto" }],
      ["required", { type: "any" }],
      ["none", { type: "none" }],
      [{ name: "get" }, { type: "tool", name: "get" }],
    ] as const;
    for (const [toolChoice, expected] of cases) {
      expect(encodeRequest(canonicalRequest({ messages: [user("q")], tools, toolChoice }), TARGET).body.tool_choice).toEqual(expected);
    }
    const serial = encodeRequest(canonicalRequest({ messages: [user("q")], tools, parallelToolCalls: false }), TARGET);
    expect(serial.body.tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(serial.body.tools).toEqual([{ name: "get", description: "d", input_schema: { type: "object", properties: {} } }]);
    expect(serial.warnings).toEqual(["strict mode of tool get was dropped"]);
    expect(encodeRequest(canonicalRequest({ messages: [user("q")], toolChoice: "required" }), TARGET).body.tool_choice).toBeUndefined();
  });

  test("free-form tools travel as {input: string}", () => {
    const { body } = encodeRequest(
      canonicalRequest({
        tools: [{ type: "custom", name: "apply_patch", description: "patch" }],
        messages: [user("q"), { role: "assistant", content: [{ type: "tool-call", id: "c", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" }] }],
      }),
      TARGET,
    );
    expect((body.tools as Array<Record<string, unknown>>)[0].input_schema).toEqual({
      type: "object",
      properties: { input: { type: "string" } },
      required: ["input"],
    });
    expect((body.messages as Array<{ content: Array<Record<string, unknown>> }>)[1].content[0].input).toEqual({ input: "*** Begin Patch" });
  });

  test("a JSON schema goes to output_config.format, not the system prompt; unsupported knobs warn", () => {
    const { body, warnings } = encodeRequest(
      canonicalRequest({
        messages: [user("q")],
        responseFormat: { type: "json-schema", schema: { type: "object", properties: { a: { type: "string" } } } },
        seed: 1,
        presencePenalty: 0.1,
        frequencyPenalty: 0.1,
        user: "u-1",
        stopSequences: ["##"],
      }),
      { ...TARGET, stream: false },
    );
    expect(body.system).toBeUndefined();
    expect(body.output_config).toEqual({
      format: { type: "json_schema", schema: { type: "object", properties: { a: { type: "string" } }, additionalProperties: false } },
    });
    expect(body.metadata).toEqual({ user_id: "u-1" });
    expect(body.stop_sequences).toEqual(["##"]);
    expect(body.stream).toBe(false);
    expect(warnings).toHaveLength(3);
  });
});
