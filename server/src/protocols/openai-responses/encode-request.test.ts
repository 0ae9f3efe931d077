import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../../core/canonical.ts";
import type { UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";
import { readCapture } from "../test-kit/index.ts";
import { canonicalRequest } from "./test-support.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.openai.com/v1", apiKey: "sk-test", model: "gpt-5-mini", stream: true };

describe("encodeRequest", () => {
  test("system, turns, tool calls and results become instructions and input items", () => {
    const request = canonicalRequest({
      system: [
        { type: "text", text: "You are terse." },
        { type: "text", text: "Answer in English." },
      ],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look:" },
            { type: "image", mediaType: "image/png", data: "iVBOR" },
            { type: "image", url: "https://example.com/a.jpg", detail: "low" },
            { type: "file", mediaType: "application/pdf", data: "JVBER" },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "hmm", encryptedContent: "gAAAA", itemId: "rs_1", origin: "openai-responses" },
            { type: "reasoning", text: "claude thought", signature: "EqQB", origin: "anthropic" },
            { type: "text", text: "Let me check." },
            { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"location":"Paris"}' },
            { type: "tool-call", id: "call_2", name: "apply_patch", arguments: "*** Begin Patch", kind: "custom" },
          ],
        },
        {
          role: "tool",
          content: [
            { type: "tool-result", callId: "call_1", content: [{ type: "text", text: "sunny" }] },
            // The client lost the kind; the matching call says it is a custom tool.
            { type: "tool-result", callId: "call_2", content: [{ type: "text", text: "ok" }, { type: "image", url: "https://x/y.png" }] },
          ],
        },
      ],
    });
    const { body, warnings } = encodeRequest(request, TARGET);
    expect(body.model).toBe("gpt-5-mini");
    expect(body.instructions).toBe("You are terse.\n\nAnswer in English.");
    expect(body.store).toBe(false);
    expect(body.stream).toBe(true);
    expect(body.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "Look:" },
          { type: "input_image", image_url: "data:image/png;base64,iVBOR", detail: "auto" },
          { type: "input_image", image_url: "https://example.com/a.jpg", detail: "low" },
          { type: "input_file", file_data: "data:application/pdf;base64,JVBER", filename: "file.pdf" },
        ],
      },
      { type: "reasoning", summary: [{ type: "summary_text", text: "hmm" }], encrypted_content: "gAAAA", id: "rs_1" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Let me check.", annotations: [] }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"location":"Paris"}' },
      { type: "custom_tool_call", call_id: "call_2", name: "apply_patch", input: "*** Begin Patch" },
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
      {
        type: "custom_tool_call_output",
        call_id: "call_2",
        output: [
          { type: "input_text", text: "ok" },
          { type: "input_image", image_url: "https://x/y.png", detail: "auto" },
        ],
      },
    ]);
    expect(warnings).toEqual(["1 reasoning block(s) from another vendor (or without encrypted content) were dropped"]);
  });

  test("tools, choice, format, reasoning and what the Responses API lacks", () => {
    const request = canonicalRequest({
      tools: [
        { type: "function", name: "get_weather", description: "weather", parameters: { type: "object", properties: {} }, strict: true },
        { type: "function", name: "ping" },
        { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: x" } },
      ],
      toolChoice: { name: "apply_patch" },
      parallelToolCalls: false,
      responseFormat: { type: "json-schema", name: "out", schema: { type: "object" }, strict: true },
      reasoning: { enabled: true, budgetTokens: 8000, includeThoughts: true },
      maxOutputTokens: 8,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      seed: 7,
      frequencyPenalty: 0.1,
      user: "u".repeat(80),
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
    const { body, warnings } = encodeRequest(request, { ...TARGET, stream: false });
    expect(body.tools).toEqual([
      { type: "function", name: "get_weather", description: "weather", parameters: { type: "object", properties: {} }, strict: true },
      { type: "function", name: "ping", description: null, parameters: { type: "object", properties: {} }, strict: false },
      { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: x" } },
    ]);
    expect(body.tool_choice).toEqual({ type: "custom", name: "apply_patch" });
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.text).toEqual({ format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } });
    expect(body.reasoning).toEqual({ effort: "medium", summary: "auto" });
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body.max_output_tokens).toBe(16);
    expect(body).toMatchObject({ temperature: 0.5, top_p: 0.9, stream: false, store: false });
    expect(body.safety_identifier).toBeUndefined();
    for (const field of ["top_k", "stop", "seed", "frequency_penalty", "user"]) expect(body[field]).toBeUndefined();
    expect(warnings).toHaveLength(6);
    expect(warnings.join("\n")).toContain("top_k");
    expect(warnings.join("\n")).toContain("stop sequences");
    expect(warnings.join("\n")).toContain("seed");
    expect(warnings.join("\n")).toContain("penalties");
    expect(warnings.join("\n")).toContain("max output tokens raised from 8 to 16");
    expect(warnings.join("\n")).toContain("end-user id");
  });

  test("reasoning off or unset sends no reasoning settings; json mode; foreign extras are filtered", () => {
    const base = canonicalRequest({ messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
    const off = encodeRequest({ ...base, reasoning: { enabled: false } }, TARGET).body;
    expect(off.reasoning).toBeUndefined();
    expect(off.include).toBeUndefined();
    expect(encodeRequest({ ...base, reasoning: { enabled: true, effort: "max" } }, TARGET).body.reasoning).toEqual({ effort: "xhigh" });
    expect(encodeRequest({ ...base, responseFormat: { type: "json" } }, TARGET).body.text).toEqual({ format: { type: "json_object" } });
    const extras = encodeRequest(
      { ...base, extras: { service_tier: "standard_only", prompt_cache_key: "k1", metadata: { user_id: "x" }, tools: [{ type: "web_search_20250305", name: "web_search" }] } },
      TARGET,
    );
    expect(extras.body.service_tier).toBeUndefined();
    expect(extras.body.prompt_cache_key).toBe("k1");
    expect(extras.body.metadata).toBeUndefined();
    expect(extras.body.tools).toBeUndefined();
    expect(extras.warnings).toEqual(["tool of type web_search_20250305 is not supported by the Responses API and was dropped"]);
    // Without tools a tool choice other than "none" means nothing and is left out.
    expect(encodeRequest({ ...base, toolChoice: "required" }, TARGET).body.tool_choice).toBeUndefined();
  });

  test("a decoded Codex request encodes back to an equivalent Responses request", async () => {
    for (const name of ["codex-responses-toolresult", "codex-gpt6.1sol-responses-toolresult"]) {
      const original = readCapture(name);
      const canonical: CanonicalRequest = decodeRequest(original);
      const { body, warnings } = encodeRequest(canonical, { ...TARGET, model: String(original.model) });
      expect(warnings).toEqual([]);
      // Same conversation after a second decode, with the developer messages folded into instructions.
      const again = decodeRequest(body);
      expect(again.messages).toEqual(canonical.messages);
      expect(again.system.map((part) => part.text).join("\n\n")).toBe(canonical.system.map((part) => part.text).join("\n\n"));
      expect(again.tools).toEqual(canonical.tools.map((tool) => (tool.type === "function" ? { ...tool, strict: tool.strict ?? false } : tool)));
      expect(body.include).toEqual(["reasoning.encrypted_content"]);
      expect(body.prompt_cache_key).toBe(original.prompt_cache_key);
      expect(body.text).toEqual({ verbosity: "low" });
      // Codex's built-in tools survive a Responses → Responses trip through the hub.
      const builtIns = ((body.tools as any[]) ?? []).filter((tool) => tool.type !== "function" && tool.type !== "custom");
      expect(builtIns.map((tool) => tool.type)).toEqual(name === "codex-responses-toolresult" ? ["tool_search", "web_search"] : []);
    }
  });
});
