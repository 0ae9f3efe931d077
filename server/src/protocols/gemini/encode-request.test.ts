import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../../core/canonical.ts";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { readCapture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";
import { SKIP_SIGNATURE } from "./signatures.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://generativelanguage.googleapis.com/v1beta", apiKey: "k", model: "gemini-2.5-flash", stream: true };
const base = (fields: Partial<CanonicalRequest>): CanonicalRequest => ({
  model: "client-model",
  system: [],
  messages: [],
  tools: [],
  stream: true,
  extras: {},
  ...fields,
});

describe("round trip through the canonical model", () => {
  test("the Gemini CLI tool-result capture re-encodes to the same contents, tools and config", async () => {
    const body = readCapture<JsonObject>("gemini-auto-streamGenerateContent-toolresult");
    const { body: encoded, warnings } = encodeRequest(decodeRequest(body, { model: "gemini-3.8-flash", stream: true }), {
      ...TARGET,
      model: "gemini-3.8-flash",
    });
    // The client's placeholder was not a real signature: it comes back, with a warning.
    expect(warnings).toEqual(["replayed function calls Gemini did not generate carry the skip_thought_signature_validator placeholder"]);
    const contents = body.contents as Array<{ role: string; parts: JsonObject[] }>;
    // The client's part order and values survive; only key order may differ.
    expect(encoded.contents).toEqual(contents);
    expect(encoded.systemInstruction).toEqual({ parts: (body.systemInstruction as { parts: JsonObject[] }).parts });
    const declarations = (encoded.tools as Array<{ functionDeclarations: JsonObject[] }>)[0].functionDeclarations;
    const original = (body.tools as Array<{ functionDeclarations: JsonObject[] }>)[0].functionDeclarations;
    expect(declarations.map((declaration) => declaration.name)).toEqual(original.map((declaration) => declaration.name));
    expect(declarations[2].parametersJsonSchema).toEqual(original[2].parametersJsonSchema);
    expect(encoded.generationConfig).toEqual({ temperature: 1, topP: 0.95, topK: 64, thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" } });
  });
});

describe("conversation", () => {
  const conversation = base({
    system: [{ type: "text", text: "Be brief." }],
    messages: [
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }, { type: "image", url: "data:image/png;base64,iVBORw0KGgo=" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Anthropic thoughts", signature: "EqQB", origin: "anthropic" },
          { type: "text", text: "Checking." },
          { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "toolu_2", name: "get_time", arguments: "" },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", callId: "toolu_1", content: [{ type: "text", text: "sunny" }, { type: "image", mediaType: "image/png", data: "AAAA" }] },
        ],
      },
      { role: "tool", content: [{ type: "tool-result", callId: "toolu_2", content: [{ type: "text", text: '{"hour": 12}' }], isError: true }] },
      { role: "user", content: [{ type: "text", text: "And London?" }] },
    ],
  });

  test("roles, merged tool turns, function names from the calls, documented response keys", () => {
    const { body, warnings } = encodeRequest(conversation, TARGET);
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris?" }, { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { id: "toolu_1", name: "get_weather", args: { city: "Paris" } }, thoughtSignature: SKIP_SIGNATURE },
          { functionCall: { id: "toolu_2", name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "toolu_1", name: "get_weather", response: { output: "sunny" } } },
          { inlineData: { mimeType: "image/png", data: "AAAA" } },
          { functionResponse: { id: "toolu_2", name: "get_time", response: { error: { hour: 12 } } } },
          { text: "And London?" },
        ],
      },
    ]);
    expect(warnings).toContain("dropped reasoning from anthropic: Gemini only replays its own thoughts");
    expect(warnings.some((warning) => warning.includes("skip_thought_signature_validator"))).toBe(true);
  });

  test("Gemini's own signatures are replayed on their parts and no placeholder is added", () => {
    const { body, warnings } = encodeRequest(
      base({
        messages: [
          { role: "user", content: [{ type: "text", text: "hi" }] },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "hmm", signature: "dGhvdWdodA==", origin: "gemini" },
              { type: "text", text: "Hello", signature: "dGV4dA==" },
              { type: "tool-call", id: "c1", name: "f", arguments: "{}", signature: "Y2FsbA==" },
            ],
          },
        ],
      }),
      TARGET,
    );
    expect((body.contents as JsonObject[])[1]).toEqual({
      role: "model",
      parts: [
        { text: "hmm", thought: true, thoughtSignature: "dGhvdWdodA==" },
        { text: "Hello", thoughtSignature: "dGV4dA==" },
        { functionCall: { id: "c1", name: "f", args: {} }, thoughtSignature: "Y2FsbA==" },
      ],
    });
    expect(warnings).toEqual([]);
  });

  test("a result whose call is unknown still goes out, named 'unknown', with a warning", () => {
    const { body, warnings } = encodeRequest(
      base({ messages: [{ role: "tool", content: [{ type: "tool-result", callId: "zzz", content: [{ type: "text", text: "x" }] }] }] }),
      TARGET,
    );
    expect((body.contents as JsonObject[])[0]).toEqual({ role: "user", parts: [{ functionResponse: { id: "zzz", name: "unknown", response: { output: "x" } } }] });
    expect(warnings).toEqual(["tool result zzz has no matching call; its function name is unknown"]);
  });
});

describe("tools and config", () => {
  test("function and custom tools, tool choice, JSON schema output, stop sequences", () => {
    const { body, warnings } = encodeRequest(
      base({
        messages: [{ role: "user", content: [{ type: "text", text: "go" }] }],
        tools: [
          { type: "function", name: "f", description: "F", parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: "object", additionalProperties: false }, strict: true },
          { type: "custom", name: "apply_patch", description: "patch" },
        ],
        toolChoice: { name: "f" },
        parallelToolCalls: false,
        maxOutputTokens: 512,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        seed: 1,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        stopSequences: ["a", "b", "c", "d", "e", "f"],
        responseFormat: { type: "json-schema", name: "answer", schema: { type: "object", properties: { n: { type: "integer" } } } },
      }),
      TARGET,
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: "f", description: "F", parametersJsonSchema: { type: "object", additionalProperties: false } },
          {
            name: "apply_patch",
            description: "patch",
            parametersJsonSchema: { type: "object", properties: { input: { type: "string", description: "The raw input for the tool." } }, required: ["input"] },
          },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] } });
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 512,
      seed: 1,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      stopSequences: ["a", "b", "c", "d", "e"],
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object", properties: { n: { type: "integer" } } },
    });
    expect(warnings).toEqual([
      "Gemini does not enforce strict tool schemas; strict was dropped",
      "custom tool apply_patch is declared as a function taking {\"input\": string}",
      "Gemini cannot turn off parallel function calls; parallelToolCalls=false was dropped",
      "Gemini takes at most 5 stop sequences; the rest were dropped",
    ]);
  });

  test("tool choice without tools is not sent; json mode without schema", () => {
    const { body } = encodeRequest(base({ messages: [], toolChoice: "required", responseFormat: { type: "json" } }), TARGET);
    expect(body.toolConfig).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.generationConfig).toEqual({ responseMimeType: "application/json" });
  });

  test("thinking: budgets, efforts, Gemini 3 levels, off", () => {
    const thinking = (reasoning: CanonicalRequest["reasoning"], model = "gemini-2.5-flash") =>
      (encodeRequest(base({ reasoning }), { ...TARGET, model }).body.generationConfig as JsonObject | undefined)?.thinkingConfig;
    expect(thinking({ enabled: true, budgetTokens: 2000 })).toEqual({ includeThoughts: true, thinkingBudget: 2000 });
    expect(thinking({ enabled: true, effort: "medium", includeThoughts: false })).toEqual({ includeThoughts: false, thinkingBudget: 8192 });
    expect(thinking({ enabled: true, effort: "xhigh" })).toEqual({ includeThoughts: true, thinkingBudget: -1 });
    expect(thinking({ enabled: true, effort: "low" }, "gemini-3-pro-preview")).toEqual({ includeThoughts: true, thinkingLevel: "LOW" });
    expect(thinking({ enabled: true, effort: "high" }, "gemini-3-flash")).toEqual({ includeThoughts: true, thinkingLevel: "HIGH" });
    expect(thinking({ enabled: true, effort: "medium" }, "gemini-3-flash")).toEqual({ includeThoughts: true, thinkingLevel: "MEDIUM" });
    expect(thinking({ enabled: true, effort: "medium" }, "gemini-3-pro-preview")).toEqual({ includeThoughts: true, thinkingLevel: "HIGH" });
    expect(thinking({ enabled: true, effort: "minimal" }, "gemini-3-flash")).toEqual({ includeThoughts: true, thinkingLevel: "MINIMAL" });
    expect(thinking({ enabled: false }, "gemini-3-flash")).toEqual({ thinkingLevel: "MINIMAL" });
    expect(thinking({ enabled: true })).toEqual({ includeThoughts: true });
    expect(thinking({ enabled: false })).toEqual({ thinkingBudget: 0 });
    const pro = encodeRequest(base({ reasoning: { enabled: false } }), { ...TARGET, model: "gemini-2.5-pro" });
    expect(pro.body.generationConfig).toBeUndefined();
    expect(pro.warnings).toEqual(["gemini-2.5-pro cannot turn thinking off; it thinks with its default budget"]);
  });
});

describe("media", () => {
  test("inline data, data URLs, http URLs with a guessed MIME type, unreadable file ids", () => {
    const { body, warnings } = encodeRequest(
      base({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", mediaType: "image/webp", data: "UklGRg==" },
              { type: "image", url: "https://example.com/photo.png?size=2" },
              { type: "file", url: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" },
              { type: "file", url: "https://example.com/doc.pdf" },
              { type: "file", fileId: "file-abc123" },
            ],
          },
        ],
      }),
      TARGET,
    );
    expect((body.contents as JsonObject[])[0]).toEqual({
      role: "user",
      parts: [
        { inlineData: { mimeType: "image/webp", data: "UklGRg==" } },
        { fileData: { mimeType: "image/png", fileUri: "https://example.com/photo.png?size=2" } },
        { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
        { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/doc.pdf" } },
      ],
    });
    expect(warnings).toEqual(["dropped a file referenced by a provider file id Gemini cannot read (file-abc123)"]);
  });
});
