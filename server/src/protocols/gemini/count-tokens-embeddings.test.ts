import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../core/errors.ts";
import type { JsonObject, UpstreamTarget } from "../../core/wire-protocol.ts";
import { countTokens } from "./count-tokens.ts";
import { embeddings } from "./embeddings.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://generativelanguage.googleapis.com/v1beta", apiKey: "k", model: "gemini-2.5-flash", stream: false };

describe("countTokens", () => {
  test("plain contents and a whole generateContentRequest both decode", () => {
    const plain = countTokens.decodeRequest({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }, { model: "models/gemini-2.5-flash" });
    expect(plain.model).toBe("gemini-2.5-flash");
    expect(plain.messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
    const wrapped = countTokens.decodeRequest(
      {
        generateContentRequest: {
          model: "models/gemini-2.5-pro",
          contents: [{ role: "user", parts: [{ text: "hi" }] }],
          systemInstruction: { parts: [{ text: "sys" }] },
          tools: [{ functionDeclarations: [{ name: "f" }] }],
        },
      },
      {},
    );
    expect(wrapped.model).toBe("gemini-2.5-pro");
    expect(wrapped.system).toEqual([{ type: "text", text: "sys" }]);
    expect(wrapped.tools).toEqual([{ type: "function", name: "f" }]);
  });

  test("a body with neither is a bad request", () => {
    expect(() => countTokens.decodeRequest({}, { model: "m" })).toThrow(GatewayError);
  });

  test("upstream: the whole request is counted through generateContentRequest", () => {
    const request = countTokens.decodeRequest(
      { generateContentRequest: { contents: [{ role: "user", parts: [{ text: "hi" }] }], systemInstruction: { parts: [{ text: "sys" }] }, generationConfig: { temperature: 1 } } },
      { model: "client" },
    );
    expect(countTokens.encodeRequest(request, TARGET)).toEqual({
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        systemInstruction: { parts: [{ text: "sys" }] },
      },
    });
    expect(countTokens.encodeResponse(42)).toEqual({ totalTokens: 42 });
    expect(countTokens.decodeResponse({ totalTokens: 17, promptTokensDetails: [] })).toBe(17);
    expect(countTokens.decodeResponse({})).toBe(0);
  });
});

describe("embeddings", () => {
  test("embedContent: one input, answered as {embedding}", () => {
    const request = embeddings.decodeRequest(
      { content: { parts: [{ text: "hello " }, { text: "world" }] }, taskType: "RETRIEVAL_QUERY", outputDimensionality: 8 },
      { model: "models/text-embedding-004" },
    );
    expect(request).toEqual({ model: "text-embedding-004", inputs: ["hello world"], dimensions: 8, extras: { geminiBatch: false, taskType: "RETRIEVAL_QUERY" } });
    expect(embeddings.encodeResponse({ model: "x", embeddings: [[0.1, 0.2]] }, request)).toEqual({ embedding: { values: [0.1, 0.2] } });
  });

  test("batchEmbedContents: several inputs, answered as {embeddings}, even with one request", () => {
    const body: JsonObject = {
      requests: [
        { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] }, title: "doc" },
        { model: "models/text-embedding-004", content: { parts: [{ text: "b" }] } },
      ],
    };
    const request = embeddings.decodeRequest(body, {});
    expect(request).toEqual({ model: "text-embedding-004", inputs: ["a", "b"], extras: { geminiBatch: true, title: "doc" } });
    expect(embeddings.encodeResponse({ model: "x", embeddings: [[1], [2]] }, request)).toEqual({ embeddings: [{ values: [1] }, { values: [2] }] });
    const single = embeddings.decodeRequest({ requests: [(body.requests as JsonObject[])[0]] }, { model: "e" });
    expect(embeddings.encodeResponse({ model: "x", embeddings: [[1]] }, single)).toEqual({ embeddings: [{ values: [1] }] });
  });

  test("missing content is a bad request", () => {
    expect(() => embeddings.decodeRequest({}, { model: "m" })).toThrow(GatewayError);
    expect(() => embeddings.decodeRequest({ requests: [{ model: "m" }] }, { model: "m" })).toThrow(GatewayError);
  });

  test("upstream: always the batch call; both response shapes decode", () => {
    const encoded = embeddings.encodeRequest(
      { model: "client", inputs: ["a", "b"], dimensions: 16, extras: { taskType: "SEMANTIC_SIMILARITY" } },
      { ...TARGET, model: "text-embedding-004" },
    );
    expect(encoded).toEqual({
      requests: [
        { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] }, taskType: "SEMANTIC_SIMILARITY", outputDimensionality: 16 },
        { model: "models/text-embedding-004", content: { parts: [{ text: "b" }] }, taskType: "SEMANTIC_SIMILARITY", outputDimensionality: 16 },
      ],
    });
    expect(embeddings.decodeResponse({ embeddings: [{ values: [1, 2] }, { values: [3] }] }).embeddings).toEqual([[1, 2], [3]]);
    expect(embeddings.decodeResponse({ embedding: { values: [5] } }).embeddings).toEqual([[5]]);
  });
});
