import { describe, expect, test } from "bun:test";
import type { ToolCallPart, ToolResultPart } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { readCapture } from "../test-kit/index.ts";
import { decodeRequest } from "./decode-request.ts";
import { sealEnvelope } from "./signatures.ts";

const SSE = { stream: true, streamFormat: "sse" as const };

describe("Gemini CLI captures", () => {
  test("first streaming turn: system, one user message with two text parts, eight function tools, thinking", async () => {
    const request = decodeRequest(readCapture<JsonObject>("gemini-streamGenerateContent"), { model: "gemini-2.5-flash", ...SSE });
    expect(request.model).toBe("gemini-2.5-flash");
    expect(request.stream).toBe(true);
    expect(request.system).toHaveLength(1);
    expect(request.system[0].text).toStartWith("You are a non-interactive CLI agent");
    expect(request.messages).toHaveLength(1);
    expect(request.messages[0].role).toBe("user");
    expect(request.messages[0].content.map((part) => part.type)).toEqual(["text", "text"]);
    expect((request.messages[0].content[1] as { text: string }).text).toBe("say hi");
    expect(request.tools.map((tool) => tool.name)).toEqual([
      "update_topic",
      "list_directory",
      "read_file",
      "grep_search",
      "glob",
      "google_web_search",
      "enter_plan_mode",
      "invoke_agent",
    ]);
    const readFile = request.tools.find((tool) => tool.name === "read_file")!;
    expect(readFile.type).toBe("function");
    expect(readFile.type === "function" && (readFile.parameters as JsonObject).type).toBe("object");
    expect(request.temperature).toBe(1);
    expect(request.topP).toBe(0.95);
    expect(request.topK).toBe(64);
    expect(request.reasoning).toEqual({ enabled: true, budgetTokens: 8192, includeThoughts: true });
    expect(request.extras).toEqual({});
  });

  test("tool result turn: functionResponse pairs with the functionCall id; the skip placeholder is not kept", async () => {
    const request = decodeRequest(readCapture<JsonObject>("gemini-auto-streamGenerateContent-toolresult"), { model: "models/gemini-3.8-flash", ...SSE });
    expect(request.model).toBe("gemini-3.8-flash");
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    const call = request.messages[1].content[0] as ToolCallPart;
    expect(call).toEqual({
      type: "tool-call",
      id: "read_file_1795303387484_0",
      name: "read_file",
      arguments: JSON.stringify({ file_path: "/home/user/project/tool-sentinel.txt" }),
    });
    const result = request.messages[2].content[0] as ToolResultPart;
    expect(result).toEqual({
      type: "tool-result",
      callId: call.id,
      name: "read_file",
      content: [{ type: "text", text: "SENTINEL-9137\n" }],
    });
    expect(request.reasoning).toEqual({ enabled: true, effort: "high", includeThoughts: true });
  });

  test("routing call: JSON mode with an upper-case schema becomes a JSON Schema response format", async () => {
    const request = decodeRequest(readCapture<JsonObject>("gemini-auto-generateContent"), { model: "gemini-3.5-flash-lite", stream: false });
    expect(request.stream).toBe(false);
    expect(request.messages).toHaveLength(2);
    expect(request.responseFormat).toEqual({
      type: "json-schema",
      schema: {
        type: "object",
        properties: {
          complexity_reasoning: { type: "string", description: "Brief explanation for the score." },
          complexity_score: { type: "integer", description: "Complexity score from 1-100." },
        },
        required: ["complexity_reasoning", "complexity_score"],
      },
    });
  });
});

describe("function call ids", () => {
  test("calls without ids get stable conversation ids and results pair by name, in order", () => {
    const body = {
      contents: [
        { role: "user", parts: [{ text: "weather in Paris and London?" }] },
        {
          role: "model",
          parts: [
            { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2lnMQ==" },
            { functionCall: { name: "get_weather", args: { city: "London" } } },
            { functionCall: { name: "get_time", args: {} } },
          ],
        },
        {
          role: "user",
          parts: [
            { functionResponse: { name: "get_time", response: { output: "noon" } } },
            { functionResponse: { name: "get_weather", response: { temperature: 21 } } },
            { functionResponse: { name: "get_weather", response: { error: "no station" } } },
            { text: "thanks" },
          ],
        },
      ],
    };
    const request = decodeRequest(body, { model: "m" });
    const calls = request.messages[1].content as ToolCallPart[];
    expect(calls.map((call) => call.id)).toEqual(["call_0_get_weather", "call_1_get_weather", "call_2_get_time"]);
    expect(calls[0].signature).toBe("c2lnMQ==");
    expect(calls[1].signature).toBeUndefined();
    expect(request.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "user"]);
    const results = request.messages[2].content as ToolResultPart[];
    expect(results.map((result) => result.callId)).toEqual(["call_2_get_time", "call_0_get_weather", "call_1_get_weather"]);
    expect(results[0].content).toEqual([{ type: "text", text: "noon" }]);
    expect(results[1].content).toEqual([{ type: "text", text: '{"temperature":21}' }]);
    expect(results[2]).toMatchObject({ isError: true, content: [{ type: "text", text: "no station" }] });
    // The same prefix decodes to the same ids on the next request.
    const again = decodeRequest({ contents: body.contents.slice(0, 2) }, { model: "m" });
    expect((again.messages[1].content as ToolCallPart[]).map((call) => call.id)).toEqual(calls.map((call) => call.id));
  });

  test("a result without a matching call keeps its own id, or gets one from its name", () => {
    const request = decodeRequest(
      {
        contents: [
          { role: "user", parts: [{ functionResponse: { id: "x-1", name: "lookup", response: { output: "a" } } }] },
          { role: "user", parts: [{ functionResponse: { name: "lookup", response: { output: "b" } } }] },
        ],
      },
      { model: "m" },
    );
    // Consecutive tool results of two contents stay separate messages (one per content).
    const ids = request.messages.flatMap((message) => message.content.map((part) => (part as ToolResultPart).callId));
    expect(ids).toEqual(["x-1", "call_0_lookup"]);
  });
});

describe("parts", () => {
  test("thoughts, signed text, media and trailing signatures", () => {
    const request = decodeRequest(
      {
        contents: [
          {
            role: "user",
            parts: [
              { text: "look" },
              { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
              { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
              { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.jpg" } },
              { fileData: { mimeType: "application/pdf", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
            ],
          },
          {
            role: "model",
            parts: [
              { text: "Thinking...", thought: true, thoughtSignature: "dGhvdWdodA==" },
              { text: "A cat." },
              { text: "", thoughtSignature: "dGV4dA==" },
            ],
          },
        ],
      },
      { model: "m" },
    );
    expect(request.messages[0].content).toEqual([
      { type: "text", text: "look" },
      { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0=" },
      { type: "image", mediaType: "image/jpeg", url: "https://example.com/cat.jpg" },
      { type: "file", mediaType: "application/pdf", url: "https://generativelanguage.googleapis.com/v1beta/files/abc" },
    ]);
    expect(request.messages[1].content).toEqual([
      { type: "reasoning", text: "Thinking...", signature: "dGhvdWdodA==", origin: "gemini" },
      { type: "text", text: "A cat.", signature: "dGV4dA==" },
    ]);
  });

  test("a reasoning envelope in a signature opens into the other vendor's reasoning", () => {
    const envelope = sealEnvelope([{ type: "reasoning", text: "Let me look.", signature: "EqQBanthropic", origin: "anthropic" }]);
    const request = decodeRequest(
      {
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          { role: "model", parts: [{ functionCall: { id: "toolu_1", name: "Read", args: { path: "a" } }, thoughtSignature: envelope }] },
        ],
      },
      { model: "m" },
    );
    expect(request.messages[1].content).toEqual([
      { type: "reasoning", text: "Let me look.", signature: "EqQBanthropic", origin: "anthropic" },
      { type: "tool-call", id: "toolu_1", name: "Read", arguments: '{"path":"a"}' },
    ]);
  });

  test("a string systemInstruction and a missing role are tolerated", () => {
    const request = decodeRequest({ systemInstruction: "Be brief.", contents: [{ parts: [{ text: "hi" }] }] }, { model: "m" });
    expect(request.system).toEqual([{ type: "text", text: "Be brief." }]);
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });
});

describe("configuration", () => {
  test("generation config, tool config, built-in tools and unknown fields", () => {
    const request = decodeRequest(
      {
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        tools: [
          { functionDeclarations: [{ name: "f", description: "does f", parameters: { type: "OBJECT", nullable: true, properties: { type: { type: "STRING" } }, propertyOrdering: ["type"] } }] },
          { googleSearch: {} },
        ],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f"] } },
        generationConfig: {
          maxOutputTokens: 100,
          stopSequences: ["END"],
          seed: 7,
          presencePenalty: 0.5,
          frequencyPenalty: 0.25,
          candidateCount: 1,
          responseMimeType: "application/json",
          thinkingConfig: { thinkingBudget: 0 },
        },
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
        cachedContent: "cachedContents/abc",
      },
      { model: "m" },
    );
    expect(request.tools).toEqual([
      { type: "function", name: "f", description: "does f", parameters: { type: ["object", "null"], properties: { type: { type: "string" } } } },
    ]);
    expect(request.toolChoice).toEqual({ name: "f" });
    expect(request.maxOutputTokens).toBe(100);
    expect(request.stopSequences).toEqual(["END"]);
    expect(request.seed).toBe(7);
    expect(request.presencePenalty).toBe(0.5);
    expect(request.frequencyPenalty).toBe(0.25);
    expect(request.responseFormat).toEqual({ type: "json" });
    expect(request.reasoning).toEqual({ enabled: false });
    expect(request.extras).toEqual({
      tools: [{ googleSearch: {} }],
      generationConfig: { candidateCount: 1 },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
    });
  });

  test("tool modes", () => {
    const mode = (functionCallingConfig: JsonObject) =>
      decodeRequest({ contents: [], toolConfig: { functionCallingConfig } }, { model: "m" }).toolChoice;
    expect(mode({ mode: "AUTO" })).toBe("auto");
    expect(mode({ mode: "NONE" })).toBe("none");
    expect(mode({ mode: "ANY" })).toBe("required");
    expect(mode({ mode: "ANY", allowedFunctionNames: ["a", "b"] })).toBe("required");
  });
});

describe("unusable input", () => {
  test("no contents or no model is a bad request", () => {
    const attempt = (body: JsonObject, model?: string) => {
      try {
        decodeRequest(body, { model });
        return undefined;
      } catch (error) {
        return error as GatewayError;
      }
    };
    const noContents = attempt({ generationConfig: {} }, "m");
    expect(noContents).toBeInstanceOf(GatewayError);
    expect(noContents).toMatchObject({ kind: "bad_request", status: 400, param: "contents" });
    expect(attempt({ contents: [] })).toMatchObject({ kind: "bad_request", param: "model" });
    expect(attempt({ contents: [] }, "models/")).toMatchObject({ kind: "bad_request", param: "model" });
  });

  test("junk inside contents is skipped, not fatal", () => {
    const request = decodeRequest({ contents: [null, 3, { role: "user", parts: [null, { unknown: 1 }, { text: "ok" }] }] } as JsonObject, { model: "m" });
    expect(request.messages).toEqual([{ role: "user", content: [{ type: "text", text: "ok" }] }]);
  });
});
