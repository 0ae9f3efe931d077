import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { loadFixture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";

const requests = new Map(loadFixture<{ client: string; body: JsonObject }>(import.meta.dir, "clients.request").map((r) => [r.client, r.body]));

function decodeClient(client: string): CanonicalRequest {
  const body = requests.get(client);
  if (!body) throw new Error(`no fixture for ${client}`);
  return decodeRequest(structuredClone(body), {});
}

function badRequest(body: JsonObject): GatewayError {
  try {
    decodeRequest(body, {});
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a GatewayError");
}

describe("decodeRequest: real client bodies", () => {
  test("OpenAI SDK: developer → system, sampling, max_completion_tokens, stream_options kept in extras", () => {
    const request = decodeClient("openai-sdk");
    expect(request.model).toBe("gpt-4o-mini");
    expect(request.system).toEqual([{ type: "text", text: "You are a helpful assistant." }]);
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hello!" }] }]);
    expect(request.stream).toBe(true);
    expect(request.temperature).toBe(0.7);
    expect(request.maxOutputTokens).toBe(256);
    expect(request.seed).toBe(42);
    expect(request.user).toBe("user-1234");
    expect(request.extras).toEqual({ stream_options: { include_usage: true } });
    expect(request.tools).toEqual([]);
  });

  test("Immersive Translate: non-stream, temperature 0", () => {
    const request = decodeClient("immersive-translate");
    expect(request.stream).toBe(false);
    expect(request.temperature).toBe(0);
    expect(request.system[0].text).toContain("translation engine");
    expect(request.messages).toHaveLength(1);
    expect(request.messages[0].content[0]).toMatchObject({ type: "text" });
    expect(request.extras).toEqual({});
  });

  test("NextChat: image_url data URL → inline image, max_tokens, penalties", () => {
    const request = decodeClient("nextchat");
    expect(request.maxOutputTokens).toBe(4000);
    expect(request.topP).toBe(1);
    expect(request.presencePenalty).toBe(0);
    expect(request.frequencyPenalty).toBe(0);
    expect(request.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    const last = request.messages[2].content;
    expect(last[0]).toEqual({ type: "text", text: "here" });
    expect(last[1]).toMatchObject({ type: "image", mediaType: "image/png" });
    expect((last[1] as { data: string }).data).toStartWith("iVBORw0KGgo");
  });

  test("Open WebUI: reasoning_content on an assistant turn → reasoning without signature, origin openai-chat", () => {
    const request = decodeClient("open-webui");
    const assistant = request.messages[1];
    expect(assistant.role).toBe("assistant");
    expect(assistant.content).toEqual([
      { type: "reasoning", text: "Compare the decimals: 0.80 > 0.11.", origin: "openai-chat" },
      { type: "text", text: "9.8 is greater than 9.11." },
    ]);
    expect(request.extras.metadata).toEqual({ chat_id: "d0f2", message_id: "a1b2" });
  });

  test("LobeChat: tool calls, consecutive tool messages merged into one tool turn with names", () => {
    const request = decodeClient("lobechat");
    expect(request.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    const assistant = request.messages[1];
    // The empty content string next to the calls is dropped.
    expect(assistant.content).toEqual([
      { type: "tool-call", id: "call_Xq3nJ8vR2mKp5sTyW1aB9cDe", name: "get_weather", arguments: '{"location":"Paris, France"}', kind: "function" },
      { type: "tool-call", id: "call_Lm7pQ2rS9tUv4wXy6zAb3CdE", name: "get_time", arguments: '{"timezone":"Europe/Paris"}', kind: "function" },
    ]);
    expect(request.messages[2].content).toEqual([
      { type: "tool-result", callId: "call_Xq3nJ8vR2mKp5sTyW1aB9cDe", name: "get_weather", content: [{ type: "text", text: '{"temperature":18,"unit":"celsius"}' }] },
      { type: "tool-result", callId: "call_Lm7pQ2rS9tUv4wXy6zAb3CdE", name: "get_time", content: [{ type: "text", text: "10:12" }] },
    ]);
    expect(request.tools).toHaveLength(2);
    expect(request.tools[0]).toEqual({
      type: "function",
      name: "get_weather",
      description: "Get the current weather",
      parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
      strict: false,
    });
    expect(request.toolChoice).toBe("auto");
    expect(request.parallelToolCalls).toBe(true);
  });

  test("Cherry Studio: file part, input_audio dropped, reasoning_effort, json_schema, stop, logprobs in extras", () => {
    const request = decodeClient("cherry-studio");
    const content = request.messages[0].content;
    expect(content.map((p) => p.type)).toEqual(["text", "file"]);
    expect(content[1]).toMatchObject({ type: "file", mediaType: "application/pdf", filename: "paper.pdf" });
    expect((content[1] as { data: string }).data).toStartWith("JVBERi0");
    expect(request.reasoning).toEqual({ enabled: true, effort: "high" });
    expect(request.responseFormat).toEqual({
      type: "json-schema",
      name: "summary",
      schema: { type: "object", properties: { summary: { type: "string" } }, required: ["summary"], additionalProperties: false },
      strict: true,
    });
    expect(request.stopSequences).toEqual(["\n\nEND"]);
    expect(request.extras).toEqual({ logprobs: false, store: false });
  });

  test("legacy functions / function_call / function role get paired synthetic ids", () => {
    const request = decodeClient("legacy-functions");
    expect(request.tools).toEqual([
      {
        type: "function",
        name: "calculator",
        description: "Evaluate an expression",
        parameters: { type: "object", properties: { expression: { type: "string" } } },
      },
    ]);
    expect(request.toolChoice).toBe("auto");
    expect(request.stopSequences).toEqual(["\n"]);
    const call = request.messages[1].content[0];
    expect(call).toMatchObject({ type: "tool-call", name: "calculator", arguments: '{"expression":"2+2"}' });
    const result = request.messages[2].content[0];
    expect(result).toMatchObject({ type: "tool-result", name: "calculator", content: [{ type: "text", text: "4" }] });
    expect((result as { callId: string }).callId).toBe((call as { id: string }).id);
  });
});

describe("decodeRequest: tolerance and options", () => {
  test("system messages in the middle join the system prompt; parts arrays read as text", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          { role: "system", content: [{ type: "text", text: "one" }] },
          { role: "user", content: "hi" },
          { role: "system", content: "two" },
        ],
      },
      {},
    );
    expect(request.system.map((p) => p.text)).toEqual(["one", "two"]);
    expect(request.messages).toHaveLength(1);
  });

  test("image_url as a bare string, http URL with detail, unknown roles as user, null content", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          {
            role: "user",
            content: [
              { type: "image_url", image_url: "https://example.com/a.png" },
              { type: "image_url", image_url: { url: "https://example.com/b.jpg", detail: "low" } },
            ],
          },
          { role: "assistant", content: null },
          { role: "critic", content: "hmm" },
        ],
      },
      {},
    );
    expect(request.messages[0].content).toEqual([
      { type: "image", url: "https://example.com/a.png" },
      { type: "image", url: "https://example.com/b.jpg", detail: "low" },
    ]);
    expect(request.messages[1]).toEqual({ role: "assistant", content: [] });
    expect(request.messages[2]).toEqual({ role: "user", content: [{ type: "text", text: "hmm" }] });
  });

  test("custom tools, custom tool calls and named tool choices", () => {
    const request = decodeRequest(
      {
        model: "m",
        messages: [
          { role: "user", content: "patch it" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "custom", custom: { name: "apply_patch", input: "*** Begin Patch" } }] },
          { role: "tool", tool_call_id: "call_1", content: "done" },
        ],
        tools: [{ type: "custom", custom: { name: "apply_patch", description: "Patch files", format: { type: "text" } } }],
        tool_choice: { type: "custom", custom: { name: "apply_patch" } },
      },
      {},
    );
    expect(request.tools).toEqual([{ type: "custom", name: "apply_patch", description: "Patch files", format: { type: "text" } }]);
    expect(request.toolChoice).toEqual({ name: "apply_patch" });
    expect(request.messages[1].content).toEqual([{ type: "tool-call", id: "call_1", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" }]);
    expect(request.messages[2].content[0]).toMatchObject({ callId: "call_1", name: "apply_patch" });
  });

  test("tool_choice forms", () => {
    const choice = (tool_choice: unknown) => decodeRequest({ model: "m", messages: [{ role: "user", content: "x" }], tool_choice }, {}).toolChoice;
    expect(choice("none")).toBe("none");
    expect(choice("required")).toBe("required");
    expect(choice({ type: "function", function: { name: "f" } })).toEqual({ name: "f" });
    expect(choice({ type: "allowed_tools", allowed_tools: { mode: "required", tools: [] } })).toBe("required");
    expect(choice(undefined)).toBeUndefined();
  });

  test("reasoning effort values and OpenRouter-style reasoning objects", () => {
    const base = { model: "m", messages: [{ role: "user", content: "x" }] };
    expect(decodeRequest({ ...base, reasoning_effort: "none" }, {}).reasoning).toEqual({ enabled: false, effort: "none" });
    expect(decodeRequest({ ...base, reasoning_effort: "minimal" }, {}).reasoning).toEqual({ enabled: true, effort: "minimal" });
    const unknown = decodeRequest({ ...base, reasoning_effort: "turbo" }, {});
    expect(unknown.reasoning).toBeUndefined();
    expect(unknown.extras.reasoning_effort).toBe("turbo");
    const openRouter = decodeRequest({ ...base, reasoning: { max_tokens: 2000, exclude: true } }, {});
    expect(openRouter.reasoning).toEqual({ enabled: true, budgetTokens: 2000, includeThoughts: false });
    expect(openRouter.extras.reasoning).toBeUndefined();
    expect(decodeRequest({ ...base, response_format: { type: "json_object" } }, {}).responseFormat).toEqual({ type: "json" });
    expect(decodeRequest({ ...base, response_format: { type: "text" } }, {}).responseFormat).toEqual({ type: "text" });
  });

  test("max_completion_tokens wins over max_tokens; unknown fields go to extras untouched", () => {
    const request = decodeRequest(
      { model: "m", messages: [{ role: "user", content: "x" }], max_tokens: 10, max_completion_tokens: 20, top_logprobs: 3, n: 1, service_tier: "flex" },
      {},
    );
    expect(request.maxOutputTokens).toBe(20);
    expect(request.extras).toEqual({ top_logprobs: 3, service_tier: "flex" });
  });

  test("the model may come from the context", () => {
    expect(decodeRequest({ messages: [{ role: "user", content: "x" }] }, { model: "from-path" }).model).toBe("from-path");
  });
});

describe("decodeRequest: unusable input", () => {
  test("no model", () => {
    const error = badRequest({ messages: [{ role: "user", content: "x" }] });
    expect(error.kind).toBe("bad_request");
    expect(error.param).toBe("model");
    expect(error.status).toBe(400);
  });

  test("no or empty messages", () => {
    expect(badRequest({ model: "m" }).param).toBe("messages");
    expect(badRequest({ model: "m", messages: [] }).param).toBe("messages");
    expect(badRequest({ model: "m", messages: "hi" }).param).toBe("messages");
  });

  test("n > 1 is refused: the hub produces a single choice", () => {
    const error = badRequest({ model: "m", messages: [{ role: "user", content: "x" }], n: 3 });
    expect(error.param).toBe("n");
    expect(error.kind).toBe("bad_request");
  });
});
