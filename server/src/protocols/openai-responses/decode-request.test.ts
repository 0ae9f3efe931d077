import { describe, expect, test } from "bun:test";
import type { ReasoningPart, ToolCallPart, ToolResultPart } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { decodeRequest } from "./decode-request.ts";
import { wrapForeignReasoning } from "./reasoning-envelope.ts";
import { readCapture } from "../test-kit/index.ts";
import { TOOL_NAMESPACES_EXTRA, wireToolName } from "./tool-namespaces.ts";

describe("Codex CLI captures", () => {
  test("codex-responses: developer messages become the system prompt, tools and settings decode", async () => {
    const request = decodeRequest(readCapture("codex-responses"));
    expect(request.model).toBe("gpt-5.5");
    expect(request.stream).toBe(true);
    // Two developer messages (1 + 3 input_text parts) before the first user turn.
    expect(request.system).toHaveLength(4);
    expect(request.system[0].text).toStartWith("You are Codex");
    expect(request.messages.map((message) => message.role)).toEqual(["user", "user"]);
    expect(request.messages[1].content).toEqual([{ type: "text", text: "say hi" }]);

    expect(request.tools.map((tool) => `${tool.type}:${tool.name}`)).toEqual([
      "function:exec_command",
      "function:write_stdin",
      "function:request_user_input",
      "custom:apply_patch",
      "function:view_image",
      "function:get_goal",
      "function:create_goal",
      "function:update_goal",
    ]);
    const execCommand = request.tools[0];
    expect(execCommand.type === "function" && execCommand.strict).toBe(false);
    expect(execCommand.type === "function" && (execCommand.parameters as any).required).toEqual(["cmd"]);
    const applyPatch = request.tools[3];
    expect(applyPatch.type === "custom" && (applyPatch.format as any).syntax).toBe("lark");
    // Built-ins the canonical model has no place for stay in extras.
    expect((request.extras.tools as any[]).map((tool) => tool.type)).toEqual(["tool_search", "web_search"]);

    expect(request.toolChoice).toBe("auto");
    expect(request.parallelToolCalls).toBe(true);
    expect(request.reasoning).toEqual({ enabled: true, effort: "medium" });
    expect(request.extras.include).toEqual(["reasoning.encrypted_content"]);
    expect(request.extras.store).toBe(false);
    expect(typeof request.extras.prompt_cache_key).toBe("string");
    expect(request.extras.text).toEqual({ verbosity: "low" });
    expect(request.extras.client_metadata).toBeDefined();
    expect(request.responseFormat).toBeUndefined();
  });

  test("codex-responses-toolresult: function call and its output round the assistant and tool turns", async () => {
    const request = decodeRequest(readCapture("codex-responses-toolresult"));
    expect(request.messages.map((message) => message.role)).toEqual(["user", "user", "assistant", "tool"]);
    const call = request.messages[2].content[0] as ToolCallPart;
    expect(call).toEqual({
      type: "tool-call",
      id: "call_fake_ddea56646061f4a039b25db2",
      name: "exec_command",
      arguments: '{"cmd":"cat /home/user/project/tool-sentinel.txt"}',
      kind: "function",
    });
    const result = request.messages[3].content[0] as ToolResultPart;
    expect(result.callId).toBe(call.id);
    expect(result.name).toBe("exec_command");
    expect(result.kind).toBe("function");
    expect(result.content).toHaveLength(1);
    expect(result.content[0].type === "text" && result.content[0].text).toContain("SENTINEL-9137");
  });

  test("codex-gpt6.1sol: tools from additional_tools namespaces, free-form custom call and output", async () => {
    const first = decodeRequest(readCapture("codex-gpt6.1sol-responses"));
    expect(first.tools.map((tool) => tool.name)).toEqual([
      "exec",
      "wait",
      "request_user_input",
      "request_user_input_async",
      "sleep",
      "followup_task",
      "interrupt_agent",
      "list_agents",
      "send_message",
      "spawn_agent",
      "wait_agent",
    ]);
    expect(first.tools[0].type).toBe("custom");
    expect(wireToolName(first, "sleep")).toEqual({ name: "sleep", namespace: "clock" });
    expect(wireToolName(first, "exec")).toEqual({ name: "exec", namespace: "functions" });
    expect(first.extras.tools).toBeUndefined();
    expect(first.reasoning).toEqual({ enabled: true, effort: "low" });
    expect(first.extras.reasoning).toEqual({ context: "all_turns" });
    // additional_tools is not a conversation turn: the developer messages after it are still the system prompt.
    expect(first.system).toHaveLength(6);
    expect(first.messages.map((message) => message.role)).toEqual(["user", "user"]);

    const second = decodeRequest(readCapture("codex-gpt6.1sol-responses-toolresult"));
    const call = second.messages[2].content[0] as ToolCallPart;
    expect(call.kind).toBe("custom");
    expect(call.name).toBe("exec");
    expect(call.arguments).toStartWith("const r = await tools.exec_command(");
    const result = second.messages[3].content[0] as ToolResultPart;
    expect(result).toMatchObject({ callId: call.id, name: "exec", kind: "custom" });
    expect(result.content.map((part) => part.type === "text" && part.text)).toEqual([
      "Script completed\nWall time 0.1 seconds\nOutput:\n",
      expect.stringContaining("SENTINEL-9137"),
    ]);
  });
});

describe("input shapes", () => {
  test("a string input is one user message; instructions are the system prompt", () => {
    const request = decodeRequest({ model: "m", input: "hello", instructions: "be brief" });
    expect(request.system).toEqual([{ type: "text", text: "be brief" }]);
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hello" }] }]);
    expect(request.stream).toBe(false);
    expect(request.extras).toEqual({});
  });

  test("easy messages without type, images and files", () => {
    const request = decodeRequest({
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "what is this?" },
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
            { type: "input_image", image_url: "https://example.com/cat.jpg" },
            { type: "input_image", file_id: "file-img1" },
            { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
            { type: "input_file", file_id: "file-abc" },
            { type: "input_file", file_url: "https://example.com/b.pdf" },
          ],
        },
        { role: "assistant", content: "It is a cat." },
        { role: "user", content: "thanks" },
      ],
    });
    expect(request.messages[0].content).toEqual([
      { type: "text", text: "what is this?" },
      { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=", detail: "high" },
      { type: "image", url: "https://example.com/cat.jpg" },
      { type: "file", fileId: "file-img1", mediaType: "image/*" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
      { type: "file", fileId: "file-abc" },
      { type: "file", url: "https://example.com/b.pdf" },
    ]);
    expect(request.messages[1]).toEqual({ role: "assistant", content: [{ type: "text", text: "It is a cat." }] });
    expect(request.messages[2].role).toBe("user");
  });

  test("developer messages after the conversation started stay in place as user turns", () => {
    const request = decodeRequest({
      model: "m",
      input: [
        { type: "message", role: "system", content: "sys" },
        { type: "message", role: "user", content: "hi" },
        { type: "message", role: "developer", content: [{ type: "input_text", text: "mode changed" }] },
      ],
    });
    expect(request.system).toEqual([{ type: "text", text: "sys" }]);
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }, { type: "text", text: "mode changed" }] }]);
  });

  test("model-side items group into one assistant turn; outputs group into one tool turn", () => {
    const request = decodeRequest({
      model: "m",
      input: [
        { type: "message", role: "user", content: "go" },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "a" }, { type: "summary_text", text: "b" }], encrypted_content: "gAAA" },
        { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
        { type: "function_call", call_id: "c2", name: "g", arguments: '{"x":1}' },
        { type: "function_call_output", call_id: "c1", output: "one" },
        { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "two" }, { type: "input_image", image_url: "https://x/y.png" }] },
        { type: "reasoning", id: "rs_2", summary: [], encrypted_content: "gBBB" },
        { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }, { type: "refusal", refusal: "no" }] },
        { type: "item_reference", id: "msg_x" },
      ],
    });
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(request.messages[1].content[0]).toEqual({
      type: "reasoning",
      text: "a\n\nb",
      encryptedContent: "gAAA",
      itemId: "rs_1",
      origin: "openai-responses",
    });
    expect(request.messages[1].content.slice(1).map((part) => (part as ToolCallPart).id)).toEqual(["c1", "c2"]);
    expect(request.messages[2].content).toEqual([
      { type: "tool-result", callId: "c1", name: "f", content: [{ type: "text", text: "one" }], kind: "function" },
      {
        type: "tool-result",
        callId: "c2",
        name: "g",
        content: [
          { type: "text", text: "two" },
          { type: "image", url: "https://x/y.png" },
        ],
        kind: "function",
      },
    ]);
    expect(request.messages[3].content.map((part) => part.type)).toEqual(["reasoning", "text", "text"]);
  });

  test("reasoning this gateway relayed from another vendor comes back with its signature and origin", () => {
    const envelope = wrapForeignReasoning({ origin: "anthropic", signature: "EqQBsig" });
    const request = decodeRequest({
      model: "m",
      input: [
        { type: "message", role: "user", content: "q" },
        { type: "reasoning", id: "rs_gw", summary: [{ type: "summary_text", text: "thought" }], encrypted_content: envelope },
      ],
    });
    expect(request.messages[1].content[0] as ReasoningPart).toEqual({ type: "reasoning", text: "thought", origin: "anthropic", signature: "EqQBsig" });
  });

  test("namespaced calls resolve to the canonical tool name; colliding names are qualified", () => {
    const request = decodeRequest({
      model: "m",
      tools: [{ type: "function", name: "search", parameters: { type: "object" } }],
      input: [
        {
          type: "additional_tools",
          tools: [{ type: "namespace", name: "web", tools: [{ type: "function", name: "search" }, { type: "custom", name: "fetch" }] }],
        },
        { type: "message", role: "user", content: "q" },
        { type: "function_call", call_id: "c1", name: "search", namespace: "web", arguments: "{}" },
        { type: "custom_tool_call", call_id: "c2", name: "fetch", namespace: "web", input: "https://x" },
      ],
      tool_choice: { type: "function", name: "search", namespace: "web" },
    });
    expect(request.tools.map((tool) => tool.name)).toEqual(["search", "web__search", "fetch"]);
    expect(request.extras[TOOL_NAMESPACES_EXTRA]).toEqual({
      web__search: { name: "search", namespace: "web" },
      fetch: { name: "fetch", namespace: "web" },
    });
    expect(request.messages[1].content.map((part) => (part as ToolCallPart).name)).toEqual(["web__search", "fetch"]);
    expect(request.toolChoice).toEqual({ name: "web__search" });
    expect(wireToolName(request, "web__search")).toEqual({ name: "search", namespace: "web" });
    expect(wireToolName(request, "search")).toEqual({ name: "search" });
  });
});

describe("settings", () => {
  test("structured output, reasoning summary, sampling and choice", () => {
    const request = decodeRequest({
      model: "m",
      input: "x",
      text: { format: { type: "json_schema", name: "person", schema: { type: "object" }, strict: true } },
      reasoning: { effort: "high", summary: "detailed" },
      tool_choice: { type: "custom", name: "apply_patch" },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: "u1",
      stream: true,
    });
    expect(request.responseFormat).toEqual({ type: "json-schema", name: "person", schema: { type: "object" }, strict: true });
    expect(request.reasoning).toEqual({ enabled: true, effort: "high", summary: "detailed", includeThoughts: true });
    expect(request.toolChoice).toEqual({ name: "apply_patch" });
    expect(request).toMatchObject({ maxOutputTokens: 500, temperature: 0.2, topP: 0.9, user: "u1", stream: true });
    expect(decodeRequest({ model: "m", input: "x", text: { format: { type: "json_object" } } }).responseFormat).toEqual({ type: "json" });
    expect(decodeRequest({ model: "m", input: "x", reasoning: { effort: "none" } }).reasoning).toEqual({ enabled: false, effort: "none" });
    expect(decodeRequest({ model: "m", input: "x", tool_choice: "required" }).toolChoice).toBe("required");
    const builtIn = decodeRequest({ model: "m", input: "x", tool_choice: { type: "web_search_preview" } });
    expect(builtIn.toolChoice).toBeUndefined();
    expect(builtIn.extras.tool_choice).toEqual({ type: "web_search_preview" });
  });

  test("only unusable requests are refused", () => {
    const refuse = (body: Record<string, unknown>, param: string) => {
      try {
        decodeRequest(body);
        throw new Error("accepted");
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).kind).toBe("bad_request");
        expect((error as GatewayError).param).toBe(param);
      }
    };
    refuse({ input: "x" }, "model");
    refuse({ model: "m" }, "input");
    refuse({ model: "m", input: 3 }, "input");
    // Unknown items and fields never crash the decode.
    const request = decodeRequest({ model: "m", input: [null, 7, { type: "mystery", x: 1 }, { type: "message", role: "user", content: null }], future: { a: 1 } });
    expect(request.messages).toEqual([]);
    expect(request.extras.future).toEqual({ a: 1 });
  });
});
