import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

let upstream: FakeUpstream;
let gateway: TestGateway;

const baseUrlOf = (type: string) => (type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`);

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  gateway = startTestGateway();
  for (const type of ["openai", "anthropic", "gemini"] as const) {
    await configureModel(gateway, `via-${type}`, [{ name: `fake-${type}`, type, baseUrl: baseUrlOf(type), providerModel: "fake-model" }]);
    await configureModel(gateway, `cut-${type}`, [{ name: `cut-${type}`, type, baseUrl: baseUrlOf(type), providerModel: "fake-model+cut-after=2" }], { maxRetry: 0 });
  }
});

afterAll(async () => {
  await gateway.stop();
  await upstream.stop();
});

describe("embeddings", () => {
  test("OpenAI SDK embeddings from an OpenAI and a Gemini provider", async () => {
    const client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    for (const model of ["via-openai", "via-gemini"]) {
      const result = await client.embeddings.create({ model, input: ["alpha", "beta"] });
      expect(result.data).toHaveLength(2);
      expect(result.data[0].embedding.length).toBeGreaterThan(0);
      expect(result.data[0].embedding).not.toEqual(result.data[1].embedding);
      expect(result.model).toBe(model);
    }
  });

  test("@google/genai embedContent from a Gemini and an OpenAI provider", async () => {
    const client = new GoogleGenAI({ apiKey: TEST_TOKEN, httpOptions: { baseUrl: gateway.url, apiVersion: "v1beta" } });
    for (const model of ["via-gemini", "via-openai"]) {
      const result = await client.models.embedContent({ model, contents: "hello embeddings" });
      expect(result.embeddings?.[0].values?.length).toBeGreaterThan(0);
    }
  });

  test("an Anthropic-only model has no embeddings: a clear 400", async () => {
    const response = await fetch(`${gateway.url}/v1/embeddings`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "via-anthropic", input: "x" }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("embeddings");
  });
});

describe("token counting", () => {
  test("Anthropic count_tokens: native for an Anthropic provider, local (estimated) otherwise", async () => {
    const client = new Anthropic({ apiKey: TEST_TOKEN, baseURL: gateway.url, maxRetries: 0 });
    const messages = [{ role: "user" as const, content: "count these tokens please" }];
    const native = await client.messages.countTokens({ model: "via-anthropic", messages }).withResponse();
    expect(native.data.input_tokens).toBeGreaterThan(0);
    const [nativeRow] = await logsOf(gateway, native.response.headers.get("x-llmio-trace-id")!);
    expect(nativeRow).toMatchObject({ endpoint: "count_tokens", providerName: "fake-anthropic", usageEstimated: false });

    const local = await client.messages.countTokens({ model: "via-openai", messages }).withResponse();
    expect(local.data.input_tokens).toBeGreaterThan(3);
    const [localRow] = await logsOf(gateway, local.response.headers.get("x-llmio-trace-id")!);
    expect(localRow).toMatchObject({ endpoint: "count_tokens", usageEstimated: true, promptTokens: local.data.input_tokens });
  });

  test("Gemini countTokens: native for a Gemini provider, local otherwise", async () => {
    const client = new GoogleGenAI({ apiKey: TEST_TOKEN, httpOptions: { baseUrl: gateway.url, apiVersion: "v1beta" } });
    for (const model of ["via-gemini", "via-anthropic", "via-openai"]) {
      const result = await client.models.countTokens({ model, contents: "how many tokens is this sentence" });
      expect(result.totalTokens).toBeGreaterThan(0);
    }
  });
});

describe("Gemini streaming without alt=sse answers one JSON array", () => {
  for (const provider of ["gemini", "openai", "anthropic"]) {
    test(`from a ${provider} provider`, async () => {
      const response = await fetch(`${gateway.url}/v1beta/models/via-${provider}:streamGenerateContent?key=${TEST_TOKEN}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "array please" }] }] }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("application/json");
      const chunks = JSON.parse(await response.text());
      expect(Array.isArray(chunks)).toBe(true);
      const text = chunks.map((chunk: any) => chunk.candidates?.[0]?.content?.parts?.map((part: any) => part.text ?? "").join("") ?? "").join("");
      expect(text).toBe("Echo: array please");
      expect(chunks.at(-1).candidates[0].finishReason).toBe("STOP");
      expect(chunks.at(-1).usageMetadata.totalTokenCount).toBeGreaterThan(0);
    });
  }
});

describe("a stream cut mid-way reaches each client as its protocol's error, never a clean end", () => {
  test("Anthropic client ← OpenAI provider", async () => {
    const client = new Anthropic({ apiKey: TEST_TOKEN, baseURL: gateway.url, maxRetries: 0 });
    const stream = client.messages.stream({ model: "cut-openai", max_tokens: 100, messages: [{ role: "user", content: "a b c d e f g" }] });
    const error = await stream.finalMessage().catch((caught) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String(error.message)).toContain("upstream stream");
  });

  test("OpenAI Responses client ← Anthropic provider", async () => {
    const client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const events = await client.responses.create({ model: "cut-anthropic", input: "a b c d e f g", stream: true });
    const types: string[] = [];
    for await (const event of events) types.push(event.type);
    expect(types).toContain("response.failed");
    expect(types).not.toContain("response.completed");
  });

  test("Gemini client ← Anthropic provider", async () => {
    const client = new GoogleGenAI({ apiKey: TEST_TOKEN, httpOptions: { baseUrl: gateway.url, apiVersion: "v1beta" } });
    const error = await (async () => {
      for await (const _ of await client.models.generateContentStream({ model: "cut-anthropic", contents: "a b c d e f g" })) {}
    })().catch((caught) => caught);
    expect(error).toBeInstanceOf(Error);
  });
});

describe("auth, model lists and errors in each protocol's shape", () => {
  const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);

  test("every credential header works; a wrong one is refused in the protocol's shape", async () => {
    expect((await call("/v1/models", { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).status).toBe(200);
    expect((await call("/anthropic/v1/models", { headers: { "x-api-key": TEST_TOKEN } })).status).toBe(200);
    expect((await call("/v1beta/models", { headers: { "x-goog-api-key": TEST_TOKEN } })).status).toBe(200);
    expect((await call(`/gemini/v1beta/models?key=${TEST_TOKEN}`)).status).toBe(200);

    const anthropicDenied = await call("/v1/messages", { method: "POST", headers: { "x-api-key": "nope" }, body: "{}" });
    expect(anthropicDenied.status).toBe(401);
    expect(await anthropicDenied.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const geminiDenied = await call("/v1beta/models/via-gemini:generateContent?key=nope", { method: "POST", body: "{}" });
    expect(geminiDenied.status).toBe(401);
    expect((await geminiDenied.json()).error).toMatchObject({ code: 401, status: "UNAUTHENTICATED" });
  });

  test("model lists come in each protocol's shape", async () => {
    const openai = await (await call("/v1/models", { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).json();
    expect(openai.object).toBe("list");
    expect(openai.data.map((model: any) => model.id)).toContain("via-gemini");
    const anthropic = await (await call("/v1/models", { headers: { "x-api-key": TEST_TOKEN, "anthropic-version": "2023-06-01" } })).json();
    expect(anthropic.data[0]).toMatchObject({ type: "model" });
    expect(anthropic.has_more).toBe(false);
    const gemini = await (await call("/v1beta/models", { headers: { "x-goog-api-key": TEST_TOKEN } })).json();
    expect(gemini.models.map((model: any) => model.name)).toContain("models/via-gemini");
    const one = await (await call("/v1beta/models/via-gemini", { headers: { "x-goog-api-key": TEST_TOKEN } })).json();
    expect(one.supportedGenerationMethods).toContain("streamGenerateContent");
  });

  test("an unknown model is a 404 in each protocol's shape", async () => {
    const anthropic = await call("/v1/messages?beta=true", {
      method: "POST",
      headers: { "x-api-key": TEST_TOKEN, "content-type": "application/json" },
      body: JSON.stringify({ model: "nope", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const gemini = await call(`/v1beta/models/nope:generateContent?key=${TEST_TOKEN}`, {
      method: "POST",
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x" }] }] }),
    });
    expect(gemini.status).toBe(404);
    expect((await gemini.json()).error.status).toBe("NOT_FOUND");
    const responses = await call("/v1/responses", {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ model: "nope", input: "x" }),
    });
    expect(responses.status).toBe(404);
    expect((await responses.json()).error.code).toBe("model_not_found");
  });
});

describe("CORS for browser clients", () => {
  test("preflight echoes the origin and requested headers, including private-network access", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "https://chat.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, x-stainless-timeout, x-stainless-os",
        "access-control-request-private-network": "true",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(response.headers.get("access-control-allow-headers")).toContain("x-stainless-timeout");
    expect(response.headers.get("access-control-allow-private-network")).toBe("true");
  });

  test("extension origins are never rejected, and streamed answers carry CORS headers", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { origin: "chrome-extension://abcdefghijklmnop", authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "via-openai", stream: true, messages: [{ role: "user", content: "from an extension" }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("chrome-extension://abcdefghijklmnop");
    expect(response.headers.get("access-control-expose-headers")).toContain("x-llmio-trace-id");
    expect(await response.text()).toContain("[DONE]");
  });
});
