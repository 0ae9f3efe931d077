import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "./index.ts";
import { fakeEmbedding } from "./openai-embeddings.ts";

let upstream: FakeUpstream;
beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});
afterAll(() => upstream.stop());

type Json = Record<string, any>;
const HEADERS = { authorization: "Bearer test-key", "content-type": "application/json" };

function embed(body: Json, options: { path?: string; fault?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...HEADERS, ...options.headers };
  if (options.fault) headers["x-fake-fault"] = options.fault;
  return fetch(`${upstream.url}${options.path ?? "/v1/embeddings"}`, { method: "POST", headers, body: JSON.stringify({ model: "fake-embed", ...body }) });
}

describe("POST /v1/embeddings", () => {
  test("deterministic 8-dimension unit vectors with usage, in input order", async () => {
    const response = await embed({ input: ["hello world", "bye"] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe("list");
    expect(body.model).toBe("fake-embed");
    expect(body.data.map((d: Json) => [d.object, d.index])).toEqual([["embedding", 0], ["embedding", 1]]);
    for (const item of body.data) {
      expect(item.embedding).toHaveLength(8);
      const norm = Math.hypot(...item.embedding);
      expect(norm).toBeCloseTo(1, 5);
    }
    expect(body.data[0].embedding).not.toEqual(body.data[1].embedding);
    expect(body.usage).toEqual({ prompt_tokens: Math.ceil(11 / 4) + Math.ceil(3 / 4), total_tokens: 4 });
    const again = await (await embed({ input: "hello world" })).json();
    expect(again.data[0].embedding).toEqual(body.data[0].embedding);
    expect(body.data[0].embedding).toEqual(fakeEmbedding("hello world", 8));
  });

  test("dimensions and token-array inputs", async () => {
    const body = await (await embed({ input: [[1, 2, 3], [4, 5]], dimensions: 3 })).json();
    expect(body.data[0].embedding).toHaveLength(3);
    expect(body.usage.prompt_tokens).toBe(5);
    const single = await (await embed({ input: [1, 2, 3] })).json();
    expect(single.data).toHaveLength(1);
    expect(single.usage.prompt_tokens).toBe(3);
  });

  test("the openai SDK (base64 by default) reads the same vectors as float requests", async () => {
    const client = new OpenAI({ apiKey: "test-key", baseURL: `${upstream.url}/v1`, maxRetries: 0 });
    const viaSdk = await client.embeddings.create({ model: "fake-embed", input: "hello world" });
    expect(upstream.lastRequest?.body).toMatchObject({ encoding_format: "base64" });
    const floats = await (await embed({ input: "hello world", encoding_format: "float" })).json();
    expect(viaSdk.data[0].embedding).toEqual(floats.data[0].embedding);
  });

  test("errors: auth, bad input, bad dimensions, fault status", async () => {
    expect((await embed({ input: "x" }, { headers: { authorization: "Bearer bad-key" } })).status).toBe(401);
    const empty = await embed({ input: [] });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error.param).toBe("input");
    expect((await embed({ input: [{ text: "x" }] })).status).toBe(400);
    expect((await embed({ input: "x", dimensions: 0 })).status).toBe(400);
    expect((await embed({})).status).toBe(400);
    const limited = await embed({ input: "x", model: "fake-embed+status=429+retry-after=4" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("4");
    expect((await limited.json()).error.type).toBe("rate_limit_error");
    expect((await embed({ input: "x" }, { fault: "status=503" })).status).toBe(503);
  });

  test("cut-after sends a truncated body", async () => {
    const response = await embed({ input: "x" }, { fault: "cut-after=1" });
    const outcome = await response.text().then(
      (text) => {
        try {
          JSON.parse(text);
          return "complete";
        } catch {
          return "truncated";
        }
      },
      () => "connection error",
    );
    expect(outcome).not.toBe("complete");
  });
});
