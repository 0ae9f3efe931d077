import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { loadFixture, readCapture, sseFixture } from "../test-kit/index.ts";
import { gemini } from "./index.ts";
import { sealEnvelope, SKIP_SIGNATURE } from "./signatures.ts";

const NONE = { toolCall: false, structuredOutput: false, vision: false };
const needs = (body: JsonObject) => gemini.peek({ contents: [], ...body }, { model: "gemini-2.5-flash" }).needs;
const userParts = (...parts: JsonObject[]) => ({ contents: [{ role: "user", parts }] });

const TARGET: UpstreamTarget = { baseUrl: "https://generativelanguage.googleapis.com/v1beta/", apiKey: "AIza-key", model: "gemini-2.5-flash", stream: true };

describe("peek", () => {
  test("model and stream mode come from the URL context", async () => {
    const body = readCapture<JsonObject>("gemini-streamGenerateContent");
    const needsOfCli = { ...NONE, toolCall: true };
    expect(gemini.peek(body, { model: "gemini-2.5-flash", stream: true, streamFormat: "sse" })).toEqual({
      model: "gemini-2.5-flash",
      stream: true,
      streamFormat: "sse",
      needs: needsOfCli,
    });
    expect(gemini.peek(body, { model: "models/gemini-2.5-pro", stream: true, streamFormat: "json-array" })).toEqual({
      model: "gemini-2.5-pro",
      stream: true,
      streamFormat: "json-array",
      needs: needsOfCli,
    });
    expect(gemini.peek(body, { model: "gemini-2.5-flash" })).toEqual({ model: "gemini-2.5-flash", stream: false, needs: needsOfCli });
    expect(gemini.peek(body, { model: "gemini-2.5-flash" })).not.toHaveProperty("sessionId");
  });

  test("needs of the Gemini CLI captures: tools on chat calls, a JSON schema on the auto-routing call", async () => {
    for (const name of ["gemini-streamGenerateContent", "gemini-streamGenerateContent-toolresult", "gemini-auto-streamGenerateContent", "gemini-auto-streamGenerateContent-toolresult"]) {
      expect({ name, needs: needs(readCapture<JsonObject>(name)) }).toEqual({ name, needs: { ...NONE, toolCall: true } });
    }
    expect(needs(readCapture<JsonObject>("gemini-auto-generateContent"))).toEqual({ ...NONE, structuredOutput: true });
  });

  test("toolCall: non-empty functionDeclarations unless function calling mode is NONE", () => {
    const declarations = [{ name: "f", parameters: { type: "OBJECT" } }];
    expect(needs({ tools: [{ functionDeclarations: declarations }] }).toolCall).toBe(true);
    expect(needs({ tools: [{ googleSearch: {} }, { functionDeclarations: declarations }] }).toolCall).toBe(true);
    expect(needs({ tools: [{ function_declarations: declarations }] }).toolCall).toBe(true);
    expect(needs({ tools: [{ functionDeclarations: [] }] }).toolCall).toBe(false);
    expect(needs({ tools: [{ googleSearch: {} }, { codeExecution: {} }] }).toolCall).toBe(false);
    expect(needs({ tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: { mode: "ANY" } } }).toolCall).toBe(true);
    expect(needs({ tools: [{ functionDeclarations: declarations }], toolConfig: { functionCallingConfig: { mode: "NONE" } } }).toolCall).toBe(false);
    expect(needs({ tools: [{ functionDeclarations: declarations }], tool_config: { function_calling_config: { mode: "none" } } }).toolCall).toBe(false);
  });

  test("structuredOutput: JSON mime type or a response schema", () => {
    expect(needs({ generationConfig: { responseMimeType: "application/json" } }).structuredOutput).toBe(true);
    expect(needs({ generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT" } } }).structuredOutput).toBe(true);
    expect(needs({ generationConfig: { responseMimeType: "text/x.enum", responseSchema: { type: "STRING", enum: ["a"] } } }).structuredOutput).toBe(true);
    expect(needs({ generationConfig: { responseJsonSchema: { type: "object" } } }).structuredOutput).toBe(true);
    expect(needs({ generation_config: { response_mime_type: "application/json" } }).structuredOutput).toBe(true);
    expect(needs({ generationConfig: { responseMimeType: "text/plain", temperature: 0 } }).structuredOutput).toBe(false);
    expect(needs({ generationConfig: { temperature: 0 } }).structuredOutput).toBe(false);
  });

  test("vision: inlineData or fileData with an image MIME type, also in function responses", () => {
    const png = { inlineData: { mimeType: "image/png", data: "AAAA" } };
    expect(needs(userParts({ text: "what is this?" }, png)).vision).toBe(true);
    expect(needs(userParts({ fileData: { mimeType: "image/jpeg", fileUri: "https://x/files/1" } })).vision).toBe(true);
    expect(needs(userParts({ inline_data: { mime_type: "image/webp", data: "AAAA" } })).vision).toBe(true);
    expect(needs(userParts({ functionResponse: { name: "screenshot", response: { output: "ok" }, parts: [png] } })).vision).toBe(true);
    expect(needs(userParts({ inlineData: { mimeType: "application/pdf", data: "AAAA" } })).vision).toBe(false);
    expect(needs(userParts({ fileData: { fileUri: "https://www.youtube.com/watch?v=x" } })).vision).toBe(false);
    expect(needs(userParts({ text: "image/png" })).vision).toBe(false);
  });

  test("no model or no contents array is a bad request", () => {
    expect(() => gemini.peek({ contents: [] }, {})).toThrow(GatewayError);
    expect(() => gemini.peek({ contents: "hi" }, { model: "m" })).toThrow("contents is not specified");
  });
});

describe("isPreambleEvent", () => {
  test("a frame with no parts, finish, block or error; output frames never are", () => {
    for (const name of ["text.stream", "reasoning.stream", "tool-call.stream", "error.stream"]) {
      const events = sseFixture(import.meta.dir, name);
      expect(events.some((event) => gemini.isPreambleEvent(event))).toBe(false);
    }
    expect(gemini.isPreambleEvent({ data: '{"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash","responseId":"r"}' })).toBe(true);
    expect(gemini.isPreambleEvent({ data: '{"candidates":[{"content":{"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5}}' })).toBe(true);
    expect(gemini.isPreambleEvent({ data: '{"candidates":[{"content":{"role":"model"},"finishReason":"STOP","index":0}]}' })).toBe(false);
    expect(gemini.isPreambleEvent({ data: '{"promptFeedback":{"blockReason":"SAFETY"}}' })).toBe(false);
    expect(gemini.isPreambleEvent({ data: '{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}' })).toBe(false);
    expect(gemini.isPreambleEvent({ data: "[" })).toBe(false);
  });
});

describe("upstream side", () => {
  test("endpoints: stream asks for SSE, the key goes in x-goog-api-key", () => {
    expect(gemini.upstreamEndpoint(TARGET)).toEqual({
      url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      headers: { "x-goog-api-key": "AIza-key" },
    });
    expect(gemini.upstreamEndpoint({ ...TARGET, stream: false, model: "models/gemini-2.5-pro" }).url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent",
    );
    expect(gemini.countTokens!.endpoint(TARGET).url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens");
    expect(gemini.embeddings!.endpoint({ ...TARGET, model: "text-embedding-004" }).url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents",
    );
  });

  test("prepareUpstreamBody forwards the body untouched", async () => {
    const body = readCapture<JsonObject>("gemini-auto-streamGenerateContent-toolresult");
    expect(gemini.prepareUpstreamBody(body, TARGET)).toBe(body);
  });

  test("prepareUpstreamBody swaps reasoning envelopes for what real Gemini accepts", () => {
    const envelope = sealEnvelope([{ type: "reasoning", text: "t", signature: "s", origin: "anthropic" }]);
    const body = {
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "ok", thoughtSignature: envelope }, { functionCall: { name: "f", args: {} }, thoughtSignature: envelope }] },
      ],
      generationConfig: { temperature: 0 },
    };
    const prepared = gemini.prepareUpstreamBody(body, TARGET);
    expect(prepared).toEqual({
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        { role: "model", parts: [{ text: "ok" }, { functionCall: { name: "f", args: {} }, thoughtSignature: SKIP_SIGNATURE }] },
      ],
      generationConfig: { temperature: 0 },
    });
    // The client's body is not mutated.
    expect((body.contents[1].parts[0] as { thoughtSignature?: string }).thoughtSignature).toBe(envelope);
  });

  test("usage from a complete response", () => {
    const [body] = loadFixture<JsonObject>(import.meta.dir, "usage.response");
    expect(gemini.usageFromResponse(body)).toEqual({ inputTokens: 12163, outputTokens: 281, cachedTokens: 8110, reasoningTokens: 230, totalTokens: 12444 });
    expect(gemini.usageFromResponse({})).toBeUndefined();
  });

  test("the keep-alive frame is valid in both stream framings", () => {
    expect(gemini.keepAliveFrame).toBe("\n");
    expect(JSON.parse(`[${gemini.keepAliveFrame}{"a":1}${gemini.keepAliveFrame},\r\n{"a":2}]`)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});
