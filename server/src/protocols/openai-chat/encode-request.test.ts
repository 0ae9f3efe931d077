import { describe, expect, test } from "bun:test";
import type { CanonicalRequest, ContentPart, JsonValue, Message, TextPart, Tool } from "../../core/canonical.ts";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { loadFixture, readCapture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.example.com/v1", apiKey: "k", model: "vendor-model", stream: false };
const STREAM_TARGET: UpstreamTarget = { ...TARGET, stream: true };

function canonical(overrides: Partial<CanonicalRequest>): CanonicalRequest {
  return { model: "client-model", system: [], messages: [], tools: [], stream: false, extras: {}, ...overrides };
}

type Json = Record<string, any>;
const messagesOf = (body: JsonObject) => body.messages as Json[];

// ---- the real CLI captures, mapped by hand into the canonical model (other protocols are not imported)

type AnthropicBlock = Record<string, any>;
function fromAnthropicCapture(name: string): CanonicalRequest {
  const capture = readCapture(name);
  const system: TextPart[] = (capture.system as AnthropicBlock[]).map((block) => ({
    type: "text",
    text: block.text,
    ...(block.cache_control ? { cacheControl: block.cache_control } : {}),
  }));
  const tools: Tool[] = (capture.tools as AnthropicBlock[]).map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.input_schema,
  }));
  const messages: Message[] = [];
  for (const message of capture.messages as AnthropicBlock[]) {
    if (message.role === "system") continue;
    const blocks: AnthropicBlock[] = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    const results = blocks.filter((b) => b.type === "tool_result");
    if (results.length > 0) {
      messages.push({
        role: "tool",
        content: results.map((b) => ({
          type: "tool-result",
          callId: b.tool_use_id,
          content: typeof b.content === "string" ? [{ type: "text", text: b.content }] : b.content,
        })),
      });
      continue;
    }
    const content: ContentPart[] = blocks.map((b) =>
      b.type === "tool_use"
        ? { type: "tool-call", id: b.id, name: b.name, arguments: JSON.stringify(b.input), kind: "function" }
        : { type: "text", text: b.text },
    );
    messages.push({ role: message.role, content });
  }
  return canonical({
    model: capture.model,
    system,
    messages,
    tools,
    maxOutputTokens: capture.max_tokens,
    stream: true,
    reasoning: { enabled: true, effort: capture.output_config?.effort },
  });
}

describe("encodeRequest: Claude Code capture (Anthropic client → Chat upstream)", () => {
  const request = fromAnthropicCapture("claude-messages-toolresult");
  const { body, warnings } = encodeRequest(request, STREAM_TARGET);
  const messages = messagesOf(body);

  test("system blocks become one system message; cache_control is not sent", () => {
    expect(messages[0].role).toBe("system");
    expect(messages[0].content).toBe(request.system.map((p) => p.text).join("\n\n"));
    expect(JSON.stringify(body)).not.toContain("cache_control");
    expect(JSON.stringify(body)).not.toContain("ephemeral");
  });

  test("tool_use → assistant tool_calls; tool_result → role tool with the same id", () => {
    const assistant = messages.find((m) => m.role === "assistant")!;
    expect(assistant.content).toBeNull();
    expect(assistant.tool_calls).toEqual([
      {
        id: "toolu_fake_eac46d4d5d60c0a185351a44",
        type: "function",
        function: { name: "Read", arguments: '{"file_path":"/home/user/project/tool-sentinel.txt"}' },
      },
    ]);
    const tool = messages.at(-1)!;
    expect(tool).toEqual({ role: "tool", tool_call_id: "toolu_fake_eac46d4d5d60c0a185351a44", content: "1\tSENTINEL-9137\n2\t" });
  });

  test("24 tools as function tools with their JSON schema; streaming asks for usage", () => {
    const tools = body.tools as Json[];
    expect(tools).toHaveLength(24);
    for (const tool of tools) {
      expect(tool.type).toBe("function");
      expect(typeof tool.function.name).toBe("string");
      expect(tool.function.parameters.type).toBe("object");
    }
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.model).toBe("vendor-model");
    expect(body.max_tokens).toBe(request.maxOutputTokens!);
    expect(warnings).toEqual([]);
  });

  test("multi-block user text becomes one string", () => {
    const user = messages.find((m) => m.role === "user")!;
    expect(typeof user.content).toBe("string");
    expect(user.content).toContain("<system-reminder>");
    expect(user.content).toContain("TOOLTEST");
  });
});

describe("encodeRequest: Codex capture tools (custom apply_patch)", () => {
  const capture = readCapture("codex-responses-toolresult");
  const tools: Tool[] = (capture.tools as Json[])
    .filter((t) => t.type === "function" || t.type === "custom")
    .map((t) =>
      t.type === "custom"
        ? { type: "custom", name: t.name, description: t.description, format: t.format as JsonValue }
        : { type: "function", name: t.name, description: t.description, parameters: t.parameters as JsonValue, strict: t.strict },
    );

  test("custom tools become function tools with one string `input`, the grammar in its description, and a warning", () => {
    const request = canonical({
      tools,
      messages: [
        { role: "user", content: [{ type: "text", text: "add a file" }] },
        { role: "assistant", content: [{ type: "tool-call", id: "call_p", name: "apply_patch", arguments: "*** Begin Patch\n*** End Patch\n", kind: "custom" }] },
        { role: "tool", content: [{ type: "tool-result", callId: "call_p", content: [{ type: "text", text: "Done!" }], kind: "custom" }] },
      ],
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    const patch = (body.tools as Json[]).find((t) => t.function.name === "apply_patch")!;
    expect(patch.type).toBe("function");
    expect(patch.function.parameters.required).toEqual(["input"]);
    expect(patch.function.parameters.properties.input.type).toBe("string");
    expect(patch.function.parameters.properties.input.description).toContain("begin_patch");
    expect(warnings).toEqual(["custom tool 'apply_patch' was sent as a function tool with one string parameter 'input'"]);
    const call = messagesOf(body)[1].tool_calls[0];
    expect(JSON.parse(call.function.arguments)).toEqual({ input: "*** Begin Patch\n*** End Patch\n" });
    expect(messagesOf(body)[2]).toEqual({ role: "tool", tool_call_id: "call_p", content: "Done!" });
    const exec = (body.tools as Json[]).find((t) => t.function.name === "exec_command")!;
    expect(exec.function.parameters.type).toBe("object");
  });
});

describe("encodeRequest: content and options", () => {
  test("reasoning is replayed as reasoning_content only when it came from a Chat upstream", () => {
    const request = canonical({
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "mine", origin: "openai-chat" },
            { type: "reasoning", text: "theirs", signature: "sig", origin: "anthropic" },
            { type: "text", text: "a" },
          ],
        },
      ],
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    expect(messagesOf(body)[1]).toEqual({ role: "assistant", content: "a", reasoning_content: "mine" });
    expect(warnings).toEqual([]);
  });

  test("images: inline → data URL, URL kept with detail; PDFs → file part; text files inlined; others warned", () => {
    const request = canonical({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "look" },
            { type: "image", mediaType: "image/jpeg", data: "AAAA" },
            { type: "image", url: "https://example.com/cat.png", detail: "high" },
            { type: "file", mediaType: "application/pdf", data: "JVBER", filename: "a.pdf" },
            { type: "file", fileId: "file-123" },
            { type: "file", mediaType: "text/plain", data: Buffer.from("hello file").toString("base64") },
            { type: "file", mediaType: "audio/wav", data: "UklG", filename: "a.wav" },
            { type: "file", url: "https://example.com/doc.pdf" },
          ],
        },
      ],
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    expect(messagesOf(body)[0].content).toEqual([
      { type: "text", text: "look" },
      { type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } },
      { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBER" } },
      { type: "file", file: { file_id: "file-123" } },
      { type: "text", text: "hello file" },
    ]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("a.wav");
    expect(warnings[1]).toContain("https://example.com/doc.pdf");
  });

  test("images in tool results move to one user message after all tool messages", () => {
    const request = canonical({
      messages: [
        { role: "user", content: [{ type: "text", text: "shoot" }] },
        {
          role: "assistant",
          content: [
            { type: "tool-call", id: "c1", name: "screenshot", arguments: "{}" },
            { type: "tool-call", id: "c2", name: "ls", arguments: "" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", callId: "c1", content: [{ type: "image", mediaType: "image/png", data: "PNG" }] },
            { type: "tool-result", callId: "c2", content: [{ type: "text", text: "a.txt" }], isError: true },
          ],
        },
      ],
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    const messages = messagesOf(body);
    expect(messages[1].tool_calls[1].function.arguments).toBe("{}");
    expect(messages.slice(2).map((m) => m.role)).toEqual(["tool", "tool", "user"]);
    expect(messages[2]).toEqual({ role: "tool", tool_call_id: "c1", content: "(image output follows in the next message)" });
    expect(messages[3]).toEqual({ role: "tool", tool_call_id: "c2", content: "a.txt" });
    expect(messages[4].content).toEqual([
      { type: "text", text: "Image output of tool call c1:" },
      { type: "image_url", image_url: { url: "data:image/png;base64,PNG" } },
    ]);
    expect(warnings).toHaveLength(1);
  });

  test("tool choice, parallel calls, response format, stop, sampling, user", () => {
    const request = canonical({
      tools: [{ type: "function", name: "f" }],
      toolChoice: { name: "f" },
      parallelToolCalls: false,
      responseFormat: { type: "json-schema", name: "my schema!", schema: { type: "object" }, strict: true },
      stopSequences: ["a", "b", "c", "d", "e"],
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
      user: "u1",
      maxOutputTokens: 100,
      extras: { anthropic_only: true },
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    expect(body).toEqual({
      model: "vendor-model",
      messages: [],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      stop: ["a", "b", "c", "d"],
      response_format: { type: "json_schema", json_schema: { name: "my_schema_", schema: { type: "object" }, strict: true } },
      user: "u1",
    });
    expect(warnings).toHaveLength(2);
  });

  test("tool_choice and parallel_tool_calls are omitted without tools; json mode", () => {
    const { body } = encodeRequest(canonical({ toolChoice: "required", parallelToolCalls: true, responseFormat: { type: "json" } }), TARGET);
    expect(body.tool_choice).toBeUndefined();
    expect(body.parallel_tool_calls).toBeUndefined();
    expect(body.response_format).toEqual({ type: "json_object" });
  });

  test("OpenAI reasoning model names get max_completion_tokens", () => {
    for (const model of ["o3-mini", "o4-mini", "gpt-5", "gpt-5.1-codex"]) {
      const { body } = encodeRequest(canonical({ maxOutputTokens: 50 }), { ...TARGET, model });
      expect(body.max_completion_tokens).toBe(50);
      expect(body.max_tokens).toBeUndefined();
    }
    expect(encodeRequest(canonical({ maxOutputTokens: 50 }), { ...TARGET, model: "deepseek-chat" }).body.max_tokens).toBe(50);
  });

  test("reasoning effort mapping", () => {
    const effort = (reasoning: CanonicalRequest["reasoning"]) => encodeRequest(canonical({ reasoning }), TARGET).body.reasoning_effort;
    expect(effort({ enabled: true, effort: "xhigh" })).toBe("high");
    expect(effort({ enabled: true, effort: "max" })).toBe("high");
    expect(effort({ enabled: true, effort: "low" })).toBe("low");
    expect(effort({ enabled: false, effort: "none" })).toBe("none");
    expect(effort({ enabled: true, effort: "minimal" })).toBe("minimal");
    expect(effort({ enabled: true, budgetTokens: 1024 })).toBe("low");
    expect(effort({ enabled: true, budgetTokens: 10000 })).toBe("medium");
    expect(effort({ enabled: true, budgetTokens: 32000 })).toBe("high");
    expect(effort({ enabled: false })).toBeUndefined();
    expect(effort(undefined)).toBeUndefined();
  });
});

describe("encodeRequest ∘ decodeRequest keeps the meaningful fields of real client bodies", () => {
  for (const { client, body } of loadFixture<{ client: string; body: JsonObject }>(import.meta.dir, "clients.request")) {
    test(client, () => {
      const decoded = decodeRequest(structuredClone(body), {});
      const { body: encoded } = encodeRequest(decoded, { ...TARGET, model: String(body.model), stream: body.stream === true });
      for (const key of ["model", "temperature", "top_p", "seed", "user", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort"]) {
        if (body[key] !== undefined) expect([key, encoded[key]]).toEqual([key, body[key]]);
      }
      if (body.tools) expect((encoded.tools as Json[]).map((t) => t.function.name)).toEqual((body.tools as Json[]).map((t) => t.function.name));
      const ids = (list: Json[]) => list.flatMap((m) => (m.tool_calls ?? []).map((c: Json) => c.id));
      const toolIds = (list: Json[]) => list.filter((m) => m.role === "tool").map((m) => m.tool_call_id);
      if (client === "legacy-functions") {
        // function_call / role function become tool_calls / role tool, paired by the synthetic id.
        expect(ids(messagesOf(encoded))).toEqual(["call_legacy_0"]);
        expect(toolIds(messagesOf(encoded))).toEqual(["call_legacy_0"]);
        return;
      }
      // Every tool call id survives, and each tool message answers one.
      expect(ids(messagesOf(encoded))).toEqual(ids(body.messages as Json[]));
      expect(toolIds(messagesOf(encoded))).toEqual(toolIds(body.messages as Json[]));
    });
  }
});
