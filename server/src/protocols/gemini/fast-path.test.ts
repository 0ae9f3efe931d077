import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { loadFixture } from "../fixtures.ts";
import { gemini } from "./index.ts";
import { sealEnvelope, SKIP_SIGNATURE } from "./signatures.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://generativelanguage.googleapis.com/v1beta/", apiKey: "AIza-key", model: "gemini-2.5-flash", stream: true };

describe("peek", () => {
  test("model and stream mode come from the URL context", async () => {
    const body = (await Bun.file("/work/shared/captures/gemini-streamGenerateContent.json").json()) as JsonObject;
    expect(gemini.peek(body, { model: "gemini-2.5-flash", stream: true, streamFormat: "sse" })).toEqual({
      model: "gemini-2.5-flash",
      stream: true,
      streamFormat: "sse",
    });
    expect(gemini.peek(body, { model: "models/gemini-2.5-pro", stream: true, streamFormat: "json-array" })).toEqual({
      model: "gemini-2.5-pro",
      stream: true,
      streamFormat: "json-array",
    });
    expect(gemini.peek(body, { model: "gemini-2.5-flash" })).toEqual({ model: "gemini-2.5-flash", stream: false });
  });

  test("no model or no contents array is a bad request", () => {
    expect(() => gemini.peek({ contents: [] }, {})).toThrow(GatewayError);
    expect(() => gemini.peek({ contents: "hi" }, { model: "m" })).toThrow("contents is not specified");
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
    const body = (await Bun.file("/work/shared/captures/gemini-auto-streamGenerateContent-toolresult.json").json()) as JsonObject;
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
