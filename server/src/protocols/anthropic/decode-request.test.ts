import { describe, expect, test } from "bun:test";
import type { ReasoningPart, ToolCallPart, ToolResultPart } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { readCapture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { signatureFor } from "./reasoning-envelope.ts";


describe("Claude Code captures", () => {
  test("2.1.197 first request: system blocks, tools, adaptive thinking with effort, metadata", () => {
    const body = readCapture("claude-messages");
    const request = decodeRequest(body, {});
    expect(request.model).toBe("claude-opus-4-8");
    expect(request.stream).toBe(true);
    expect(request.maxOutputTokens).toBe(64000);
    expect(request.reasoning).toEqual({ enabled: true, effort: "high" });
    // 3 system blocks + the mid-conversation system message.
    expect(request.system).toHaveLength(4);
    expect(request.system[1]).toEqual({ type: "text", text: body.system[1].text, cacheControl: { type: "ephemeral" } });
    expect(request.system[3].text).toStartWith("Available agent types");
    expect(request.tools).toHaveLength(body.tools.length);
    const bash = request.tools.find((tool) => tool.name === "Bash")!;
    expect(bash.type).toBe("function");
    expect(bash.type === "function" && bash.parameters).toEqual(body.tools.find((tool: { name: string }) => tool.name === "Bash").input_schema);
    expect(request.user).toBe(body.metadata.user_id);
    expect(request.extras.context_management).toEqual(body.context_management);
    expect(request.extras.metadata).toBeUndefined();
    expect(request.messages).toHaveLength(1);
    expect(request.messages[0].role).toBe("user");
    expect(request.messages[0].content.at(-1)).toEqual({ type: "text", text: "say hi", cacheControl: { type: "ephemeral" } });
  });

  test("tool result turn: tool_use becomes a call, tool_result a tool message with the call's name", () => {
    const request = decodeRequest(readCapture("claude-messages-toolresult"), {});
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    const call = request.messages[1].content[0] as ToolCallPart;
    expect(call).toEqual({
      type: "tool-call",
      id: "toolu_fake_eac46d4d5d60c0a185351a44",
      name: "Read",
      arguments: JSON.stringify({ file_path: "/home/user/project/tool-sentinel.txt" }),
    });
    const result = request.messages[2].content[0] as ToolResultPart;
    expect(result).toEqual({
      type: "tool-result",
      callId: "toolu_fake_eac46d4d5d60c0a185351a44",
      name: "Read",
      content: [{ type: "text", text: "1\tSENTINEL-9137\n2\t" }],
    });
  });

  test("sonnet 4.5: thinking enabled with a budget, no effort", () => {
    const request = decodeRequest(readCapture("claude-sonnet45-messages-toolresult"), {});
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 31999 });
    expect(request.maxOutputTokens).toBe(32000);
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
  });

  test("2.1.330: display omitted, system message with its own output_config, deferred tool", () => {
    const body = readCapture("claude2.1.330-messages-toolresult");
    const request = decodeRequest(body, {});
    expect(request.reasoning).toEqual({ enabled: true, effort: "medium", includeThoughts: false });
    expect(request.system.at(-1)!.text).toStartWith("# Environment");
    // Deferred ("never call this tool") and not loaded by a tool search: not offered to other providers.
    expect(request.tools.map((tool) => tool.name)).not.toContain("DeferredToolPlaceholder");
    expect(request.tools).toHaveLength(body.tools.length - 1);
    const first = decodeRequest(readCapture("claude2.1.330-messages"), {});
    expect(first.system.at(-1)!.cacheControl).toEqual({ type: "ephemeral" });
  });
});

describe("content", () => {
  test("tool results keep their place relative to the user's text", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "a", input: {} }, { type: "tool_use", id: "t2", name: "b", input: { x: 1 } }] },
          {
            role: "user",
            content: [
              { type: "text", text: "before" },
              { type: "tool_result", tool_use_id: "t1", content: "one" },
              { type: "tool_result", tool_use_id: "t2", is_error: true, content: [{ type: "text", text: "two" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAA" } }] },
              { type: "text", text: "after" },
            ],
          },
        ],
      },
      {},
    );
    expect(request.messages.map((message) => message.role)).toEqual(["assistant", "user", "tool", "user"]);
    expect(request.messages[1].content).toEqual([{ type: "text", text: "before" }]);
    expect(request.messages[2].content).toEqual([
      { type: "tool-result", callId: "t1", name: "a", content: [{ type: "text", text: "one" }] },
      {
        type: "tool-result",
        callId: "t2",
        name: "b",
        isError: true,
        content: [{ type: "text", text: "two" }, { type: "image", mediaType: "image/png", data: "AAA" }],
      },
    ]);
    expect(request.messages[3].content).toEqual([{ type: "text", text: "after" }]);
  });

  test("thinking and redacted thinking become reasoning with Anthropic origin", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          { role: "user", content: "hi" },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "hmm", signature: "sig-1" },
              { type: "redacted_thinking", data: "opaque" },
              { type: "thinking", thinking: "unsigned", signature: "" },
              { type: "text", text: "hello" },
            ],
          },
        ],
      },
      {},
    );
    const parts = request.messages[1].content as ReasoningPart[];
    expect(parts[0]).toEqual({ type: "reasoning", text: "hmm", signature: "sig-1", origin: "anthropic" });
    expect(parts[1]).toEqual({ type: "reasoning", text: "", redactedData: "opaque", origin: "anthropic" });
    expect(parts[2]).toEqual({ type: "reasoning", text: "unsigned" });
  });

  test("a thinking block carrying another vendor's reasoning opens its envelope", () => {
    const signature = signatureFor({ origin: "openai-responses", encryptedContent: "gAAAA", itemId: "rs_1" });
    const request = decodeRequest(
      { model: "m", messages: [{ role: "assistant", content: [{ type: "thinking", thinking: "t", signature }] }] },
      {},
    );
    expect(request.messages[0].content[0]).toEqual({
      type: "reasoning",
      text: "t",
      origin: "openai-responses",
      encryptedContent: "gAAAA",
      itemId: "rs_1",
    });
  });

  test("images and documents in every source form", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" } },
              { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
              { type: "document", title: "spec.pdf", source: { type: "base64", media_type: "application/pdf", data: "JVBER" } },
              { type: "document", source: { type: "url", url: "https://example.com/b.pdf" } },
              { type: "document", source: { type: "text", media_type: "text/plain", data: "plain words" } },
              { type: "document", source: { type: "content", content: [{ type: "text", text: "chunk" }] } },
              { type: "document", source: { type: "file", file_id: "file_011" } },
              { type: "search_result", source: "x", title: "y", content: [] },
            ],
          },
        ],
      },
      {},
    );
    expect(request.messages[0].content).toEqual([
      { type: "image", mediaType: "image/jpeg", data: "/9j/" },
      { type: "image", url: "https://example.com/a.png" },
      { type: "file", mediaType: "application/pdf", data: "JVBER", filename: "spec.pdf" },
      { type: "file", mediaType: "application/pdf", url: "https://example.com/b.pdf" },
      { type: "file", mediaType: "text/plain", data: Buffer.from("plain words").toString("base64") },
      { type: "text", text: "chunk" },
      { type: "file", fileId: "file_011" },
    ]);
  });

  test("string content and a string system prompt", () => {
    const request = decodeRequest({ model: "m", system: "be brief", messages: [{ role: "user", content: "hello" }] }, {});
    expect(request.system).toEqual([{ type: "text", text: "be brief" }]);
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hello" }] }]);
    expect(request.stream).toBe(false);
  });
});

describe("parameters", () => {
  test("sampling, stop sequences, tool choice and parallelism", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [],
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        stop_sequences: ["END"],
        tool_choice: { type: "any", disable_parallel_tool_use: true },
        service_tier: "auto",
      },
      {},
    );
    expect(request).toMatchObject({ temperature: 0.2, topP: 0.9, topK: 40, stopSequences: ["END"], toolChoice: "required", parallelToolCalls: false });
    expect(request.extras).toEqual({ service_tier: "auto" });
    expect(decodeRequest({ model: "m", messages: [], tool_choice: { type: "tool", name: "get" } }, {}).toolChoice).toEqual({ name: "get" });
    expect(decodeRequest({ model: "m", messages: [], tool_choice: { type: "none" } }, {}).toolChoice).toBe("none");
    expect(decodeRequest({ model: "m", messages: [], tool_choice: { type: "auto" } }, {}).toolChoice).toBe("auto");
  });

  test("thinking disabled, structured output format, server tools skipped", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [],
        thinking: { type: "disabled" },
        output_config: { format: { type: "json_schema", schema: { type: "object" } }, effort: "low", other: 1 },
        tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 5 }, { type: "custom", name: "mine", input_schema: { type: "object" } }],
      },
      {},
    );
    expect(request.reasoning).toEqual({ enabled: false });
    expect(request.responseFormat).toEqual({ type: "json-schema", schema: { type: "object" } });
    expect(request.tools).toEqual([{ type: "function", name: "mine", parameters: { type: "object" } }]);
    expect(request.extras.output_config).toEqual({ other: 1 });
  });

  test("defer_loading tools are left out until a tool_reference in a tool result loads them", () => {
    const tools = [
      { name: "ToolSearch", input_schema: { type: "object" } },
      { name: "mcp__db__query", input_schema: { type: "object" }, defer_loading: true },
      { name: "mcp__db__drop", input_schema: { type: "object" }, defer_loading: true },
    ];
    const before = decodeRequest({ model: "m", messages: [{ role: "user", content: "find the db tool" }], tools }, {});
    expect(before.tools.map((tool) => tool.name)).toEqual(["ToolSearch"]);

    const after = decodeRequest(
      {
        model: "m",
        tools,
        messages: [
          { role: "user", content: "find the db tool" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "ToolSearch", input: { query: "db" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "tool_reference", tool_name: "mcp__db__query" }] }] },
        ],
      },
      {},
    );
    expect(after.tools.map((tool) => tool.name)).toEqual(["ToolSearch", "mcp__db__query"]);
    expect(after.messages[2].content[0]).toEqual({
      type: "tool-result",
      callId: "t1",
      name: "ToolSearch",
      content: [{ type: "text", text: "Tool loaded: mcp__db__query" }],
    });
  });

  test("missing model or messages is a bad request; the model may come from the context", () => {
    expect(() => decodeRequest({ messages: [] }, {})).toThrow(GatewayError);
    const error = (() => {
      try {
        decodeRequest({ model: "m" }, {});
      } catch (caught) {
        return caught;
      }
    })() as GatewayError;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.kind).toBe("bad_request");
    expect(error.status).toBe(400);
    expect(error.param).toBe("messages");
    expect(decodeRequest({ messages: [] }, { model: "from-path" }).model).toBe("from-path");
  });
});
