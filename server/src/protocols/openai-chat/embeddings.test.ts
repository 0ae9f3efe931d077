import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { GatewayError } from "../../core/errors.ts";
import {
  decodeEmbeddingsRequest,
  decodeEmbeddingsResponse,
  embeddingsEndpoint,
  encodeEmbeddingsRequest,
  encodeEmbeddingsResponse,
  float32Base64,
} from "./embeddings.ts";

const target = { baseUrl: "https://api.example.com/v1", apiKey: "k", model: "text-embedding-3-small", stream: false };

describe("embeddings codec", () => {
  test("decode: string or string[] input, dimensions, encoding format, extras", () => {
    expect(decodeEmbeddingsRequest({ model: "e", input: "hello", encoding_format: "base64", user: "u" }, {})).toEqual({
      model: "e",
      inputs: ["hello"],
      encodingFormat: "base64",
      extras: { user: "u" },
    });
    expect(decodeEmbeddingsRequest({ model: "e", input: ["a", "b"], dimensions: 256 }, {})).toEqual({ model: "e", inputs: ["a", "b"], dimensions: 256, extras: {} });
  });

  test("decode refuses token arrays, empty input and a missing model", () => {
    const param = (body: Record<string, unknown>) => {
      try {
        decodeEmbeddingsRequest(body, {});
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).kind).toBe("bad_request");
        return (error as GatewayError).param;
      }
      throw new Error("expected a bad_request");
    };
    expect(param({ model: "e", input: [1, 2, 3] })).toBe("input");
    expect(param({ model: "e", input: [[1, 2]] })).toBe("input");
    expect(param({ model: "e", input: [] })).toBe("input");
    expect(param({ input: "x" })).toBe("model");
  });

  test("encodeRequest / endpoint", () => {
    expect(encodeEmbeddingsRequest({ model: "client", inputs: ["a"], dimensions: 8, encodingFormat: "base64", extras: {} }, target)).toEqual({
      model: "text-embedding-3-small",
      input: ["a"],
      encoding_format: "float",
      dimensions: 8,
    });
    expect(embeddingsEndpoint(target)).toEqual({ url: "https://api.example.com/v1/embeddings", headers: { authorization: "Bearer k" } });
  });

  test("decodeResponse reads floats and base64, in index order", () => {
    const response = decodeEmbeddingsResponse({
      object: "list",
      data: [
        { object: "embedding", index: 1, embedding: float32Base64([0.5, -0.25]) },
        { object: "embedding", index: 0, embedding: [0.1, 0.2] },
      ],
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    expect(response.embeddings).toEqual([[0.1, 0.2], [0.5, -0.25]]);
    expect(response.usage).toEqual({ inputTokens: 5, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 5 });
    expect(response.model).toBe("text-embedding-3-small");
  });

  test("encodeResponse: the OpenAI list, floats by default, base64 when the client asked", () => {
    const response = { model: "m", embeddings: [[0.5, 1], [0.25, -2]], usage: { inputTokens: 3, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 3 } };
    expect(encodeEmbeddingsResponse(response)).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.5, 1] },
        { object: "embedding", index: 1, embedding: [0.25, -2] },
      ],
      model: "m",
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const base64 = encodeEmbeddingsResponse(response, { model: "m", inputs: ["a", "b"], encodingFormat: "base64", extras: {} }) as { data: Array<{ embedding: string }> };
    expect(typeof base64.data[0].embedding).toBe("string");
    expect(decodeEmbeddingsResponse(base64 as never).embeddings).toEqual(response.embeddings);
  });

  test("the openai SDK decodes our base64 vectors (its default request format)", async () => {
    let sent: Record<string, unknown> = {};
    const client = new OpenAI({
      apiKey: "k",
      baseURL: "http://gateway.test/v1",
      fetch: async (_url, init) => {
        sent = JSON.parse(String(init?.body));
        const request = decodeEmbeddingsRequest(sent, {});
        const body = encodeEmbeddingsResponse({ model: request.model, embeddings: [[0.125, -3.5, 7]] }, request);
        return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
      },
    });
    const result = await client.embeddings.create({ model: "e", input: "hello" });
    expect(sent.encoding_format).toBe("base64");
    expect(result.data[0].embedding).toEqual([0.125, -3.5, 7]);
    expect(result.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });
});
