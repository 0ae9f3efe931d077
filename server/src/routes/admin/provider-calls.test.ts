import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { startFakeUpstream, type FakeUpstream } from "../../fake-upstream/index.ts";
import { ProviderModelLister } from "../../admin/provider-models.ts";
import { pickTestModel, ProviderTester } from "../../admin/provider-test.ts";
import { suiteHarness } from "./test-support.ts";

const KEY = "sk-test-secret-0123456789";
const ANTHROPIC_KEY = "sk-ant-secret-0123456789";

/**
 * Anthropic's model list, paged (`limit`, `after_id`, `has_more`, `last_id`), behind x-api-key and
 * anthropic-version; its 401 echoes the key so redaction can be checked. (The fake upstream
 * only lists models behind a Bearer token.) https://docs.anthropic.com/en/api/models-list
 */
function startAnthropicModels() {
  const pages: Record<string, object> = {
    "": { data: [{ type: "model", id: "claude-sonnet-4-5" }, { type: "model", id: "claude-haiku-4-5" }], has_more: true, first_id: "claude-sonnet-4-5", last_id: "claude-haiku-4-5" },
    "claude-haiku-4-5": { data: [{ type: "model", id: "claude-opus-4-1" }], has_more: false, first_id: "claude-opus-4-1", last_id: "claude-opus-4-1" },
  };
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const url = new URL(request.url);
      const key = request.headers.get("x-api-key");
      if (key !== ANTHROPIC_KEY || request.headers.get("anthropic-version") !== "2023-06-01") {
        return Response.json({ type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${key}` } }, { status: 401 });
      }
      if (url.pathname !== "/v1/models") return new Response("not found", { status: 404 });
      return Response.json(pages[url.searchParams.get("after_id") ?? ""]);
    },
  });
}

describe("provider test call and model list", () => {
  const harness = suiteHarness();
  const { call } = harness;
  /** Changes a provider behind the admin API's back (it would refuse these values or mask them). */
  const setProvider = async (id: number, values: { apiKeys?: string[]; baseUrl?: string }) => {
    const { orm, tables } = harness.deps.db;
    await orm.update(tables.providers).set(values).where(eq(tables.providers.id, id));
  };
  let fake: FakeUpstream;
  let anthropicModels: ReturnType<typeof startAnthropicModels>;
  const ids: Record<string, number> = {};

  const createProvider = async (name: string, type: string, baseUrl: string, extra: Record<string, unknown> = {}) => {
    const response = await call("POST", "/api/providers", { name, type, baseUrl, apiKey: KEY, ...extra });
    expect(response.status).toBe(201);
    ids[name] = response.json.id;
    return response.json.id as number;
  };

  beforeAll(async () => {
    fake = startFakeUpstream({ port: 0 });
    anthropicModels = startAnthropicModels();
    await createProvider("openai", "openai", `${fake.url}/v1`, { headers: { "x-team": "blue" } });
    await createProvider("responses", "openai-responses", `${fake.url}/v1`);
    await createProvider("anthropic", "anthropic", `${fake.url}/v1`);
    await createProvider("gemini", "gemini", `${fake.url}/v1beta`);
    await createProvider("failing", "openai", `${fake.url}/v1`);
    await createProvider("anthropic-models", "anthropic", `http://127.0.0.1:${anthropicModels.port}/v1`, { apiKeys: [ANTHROPIC_KEY] });
    await createProvider("bad-key", "openai", `${fake.url}/v1`, { apiKeys: ["bad-key-0123456789"] });
    const model = (await call("POST", "/api/models", { name: "chat" })).json;
    await call("POST", "/api/model-providers", { modelId: model.id, providerId: ids.openai, providerModel: "fake-model-mini" });
    await call("POST", "/api/model-providers", { modelId: model.id, providerId: ids.failing, providerModel: "fake-model+status=500" });
  });

  afterAll(async () => {
    await fake.stop();
    anthropicModels.stop(true);
  });

  test("a healthy provider answers; the default model is its first association's", async () => {
    const response = await call("POST", `/api/providers/${ids.openai}/test`, {});
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ok: true, latencyMs: expect.any(Number), status: 200, model: "fake-model-mini", answer: "Echo: Say OK", warnings: [] });
    const sent = fake.lastRequest!;
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers).toMatchObject({ authorization: `Bearer ${KEY}`, "x-team": "blue" });
    expect(sent.body).toMatchObject({ model: "fake-model-mini", max_tokens: 8, messages: [{ role: "user", content: "Say OK" }] });
    expect((sent.body as { stream?: boolean }).stream).not.toBe(true);
  });

  test("every provider type is called in its own protocol", async () => {
    const expectations: Array<[string, string]> = [
      ["responses", "/v1/responses"],
      ["anthropic", "/v1/messages"],
      ["gemini", "/v1beta/models/:name"],
    ];
    for (const [name, path] of expectations) {
      const response = await call("POST", `/api/providers/${ids[name]}/test`, { model: "fake-model" });
      expect(response.json).toMatchObject({ ok: true, status: 200, model: "fake-model", answer: "Echo: Say OK" });
      expect(fake.lastRequest!.path).toBe(path);
    }
    expect(fake.lastRequest!.headers["x-goog-api-key"]).toBe(KEY);
  });

  test("without associations or a model in the body, a model the provider lists is tried (never a fixed one)", async () => {
    expect((await call("POST", `/api/providers/${ids.anthropic}/test`)).json).toMatchObject({ ok: true, model: "fake-model" });
    expect(fake.lastRequest!.body).toMatchObject({ model: "fake-model" });
    expect((await call("POST", `/api/providers/${ids.gemini}/test`, {})).json).toMatchObject({ ok: true, model: "fake-model" });
    expect((await call("POST", `/api/providers/${ids.responses}/test`, { model: " " })).json).toMatchObject({ ok: true, model: "fake-model" });
    // The list's failure is the test's: a rejected key says so, no model is guessed.
    const rejected = await call("POST", `/api/providers/${ids["bad-key"]}/test`, {});
    expect(rejected.json).toMatchObject({ ok: false, status: 401, model: null, warnings: [] });
    expect(rejected.json.error).toContain("Incorrect API key");
  });

  test("the model picked from a list: a cheap well-known one if listed, else the first that can chat", () => {
    expect(pickTestModel(["babbage-002", "gpt-4.1", "gpt-4o-mini", "text-embedding-3-small"], "openai")).toBe("gpt-4o-mini");
    expect(pickTestModel(["dall-e-3", "nomic-embed-text", "llama3.2:latest"], "openai")).toBe("llama3.2:latest");
    expect(pickTestModel(["claude-opus-4-1", "claude-haiku-4-5"], "anthropic")).toBe("claude-haiku-4-5");
    expect(pickTestModel(["embedding-001", "gemini-2.5-pro"], "gemini")).toBe("gemini-2.5-pro");
    expect(pickTestModel(["text-embedding-3-small"], "openai")).toBe("text-embedding-3-small");
    expect(pickTestModel([], "openai")).toBeUndefined();
  });

  test("a failing provider: not ok, with the upstream's status and message, never the key", async () => {
    const response = await call("POST", `/api/providers/${ids.failing}/test`, {});
    expect(response.json).toMatchObject({ ok: false, status: 500, model: "fake-model+status=500" });
    expect(response.json.error).toBeString();
    expect(response.json).not.toHaveProperty("answer");
    const rejected = await call("POST", `/api/providers/${ids["bad-key"]}/test`, { model: "fake-model" });
    expect(rejected.json).toMatchObject({ ok: false, status: 401 });
    expect(rejected.json.error).toContain("Incorrect API key");
    expect(rejected.text).not.toContain("bad-key-0123456789");
  });

  test("an upstream error that echoes the key is redacted", async () => {
    await setProvider(ids["anthropic-models"], { apiKeys: ["sk-ant-wrong-0123456789"] });
    const response = await call("POST", `/api/providers/${ids["anthropic-models"]}/test`, { model: "claude-haiku-4-5" });
    expect(response.json).toMatchObject({ ok: false, status: 401 });
    expect(response.json.error).toContain("invalid x-api-key sk-…6789");
    expect(response.text).not.toContain("sk-ant-wrong-0123456789");
    await setProvider(ids["anthropic-models"], { apiKeys: [ANTHROPIC_KEY] });
  });

  test("connection refused and timeouts: status null", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const id = await createProvider("down", "openai", `http://127.0.0.1:${port}/v1`);
    const refused = await call("POST", `/api/providers/${id}/test`, {});
    expect(refused.json).toMatchObject({ ok: false, status: null, model: null, warnings: [] });
    expect(refused.json.error).toStartWith("connection failed");
    const hung = await new ProviderTester(harness.deps.db, 200).test(ids.openai, "fake-model+hang");
    expect(hung).toMatchObject({ ok: false, status: null, error: "no answer within 0.2 s" });
    expect(hung.latencyMs).toBeGreaterThanOrEqual(150);
  });

  test("a provider without keys, or unknown, is not called", async () => {
    const id = (await call("POST", "/api/providers", { name: "keyless", type: "openai", baseUrl: `${fake.url}/v1` })).json.id;
    expect((await call("POST", `/api/providers/${id}/test`, {})).json).toMatchObject({ ok: false, status: null, error: "the provider has no API key" });
    expect(await call("POST", "/api/providers/9999/test", {})).toMatchObject({ status: 404, json: { error: "provider 9999 not found" } });
    expect(await call("GET", `/api/providers/${id}/models`)).toMatchObject({ status: 400, json: { error: `provider ${id} has no API key` } });
    expect((await call("GET", "/api/providers/9999/models")).status).toBe(404);
  });

  test("model lists of OpenAI, Responses and Gemini providers (resource prefix stripped), sorted", async () => {
    for (const name of ["openai", "responses", "gemini"]) {
      const response = await call("GET", `/api/providers/${ids[name]}/models`);
      expect(response).toMatchObject({ status: 200, json: { models: ["fake-model", "fake-model-mini"] } });
    }
    expect(fake.lastRequest!.headers["x-goog-api-key"]).toBe(KEY);
    await call("GET", `/api/providers/${ids.openai}/models`);
    expect(fake.lastRequest!.headers).toMatchObject({ authorization: `Bearer ${KEY}`, "x-team": "blue" });
  });

  test("an Anthropic model list: x-api-key and anthropic-version, every page followed", async () => {
    const response = await call("GET", `/api/providers/${ids["anthropic-models"]}/models`);
    expect(response).toMatchObject({ status: 200, json: { models: ["claude-haiku-4-5", "claude-opus-4-1", "claude-sonnet-4-5"] } });
  });

  test("a vendor error or an unreachable provider is a 502 with the upstream's status and message, without the key", async () => {
    const rejected = await call("GET", `/api/providers/${ids["bad-key"]}/models`);
    expect(rejected.status).toBe(502);
    expect(rejected.json.error).toContain("HTTP 401");
    expect(rejected.json).toMatchObject({ upstream: { status: 401, message: expect.stringContaining("Incorrect API key") }, warnings: [] });
    expect(rejected.text).not.toContain("bad-key-0123456789");
    const refused = await call("GET", `/api/providers/${ids.down}/models`);
    expect(refused.status).toBe(502);
    expect(refused.json.error).toContain("connection failed");
    expect(refused.json).toMatchObject({ upstream: { status: null, message: expect.stringContaining("connection failed") }, warnings: [] });
    const silent = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Promise<Response>(() => {}) });
    try {
      await setProvider(ids.down, { baseUrl: `http://127.0.0.1:${silent.port}/v1` });
      await expect(new ProviderModelLister(harness.deps.db, 200).list(ids.down)).rejects.toMatchObject({
        status: 502,
        message: "listing the models of provider down failed: no answer within 0.2 s",
      });
    } finally {
      silent.stop(true);
    }
  });
});

describe("a base URL typed without its version", () => {
  const harness = suiteHarness();
  const { call } = harness;
  let fake: FakeUpstream;
  beforeAll(() => {
    fake = startFakeUpstream({ port: 0 });
  });
  afterAll(() => fake.stop());

  test("saving it succeeds with a warning naming the corrected URL (/v1, /v1beta for Gemini)", async () => {
    const openai = await call("POST", "/api/providers", { name: "typed", type: "openai", baseUrl: `${fake.url}/`, apiKey: KEY });
    expect(openai.status).toBe(201);
    expect(openai.json).toMatchObject({ baseUrl: fake.url, warnings: [{ field: "baseUrl", suggestion: `${fake.url}/v1`, message: expect.stringContaining("404") }] });
    const gemini = await call("POST", "/api/providers", { name: "typed-gemini", type: "gemini", baseUrl: fake.url, apiKey: KEY });
    expect(gemini.json.warnings).toMatchObject([{ suggestion: `${fake.url}/v1beta` }]);
  });

  test("testing it: the 404 comes back with the same warning; with the suggestion applied it works", async () => {
    const { json: provider } = await call("POST", "/api/providers", { name: "typed-test", type: "openai", baseUrl: fake.url, apiKey: KEY });
    const failed = await call("POST", `/api/providers/${provider.id}/test`, {});
    expect(failed.json).toMatchObject({ ok: false, status: 404, model: null, warnings: [{ field: "baseUrl", suggestion: `${fake.url}/v1` }] });
    // With an association the chat call itself 404s: the same finding.
    const named = await call("POST", `/api/providers/${provider.id}/test`, { model: "fake-model" });
    expect(named.json).toMatchObject({ ok: false, status: 404, model: "fake-model", warnings: [{ suggestion: `${fake.url}/v1` }] });
    const fixed = await call("PUT", `/api/providers/${provider.id}`, { baseUrl: failed.json.warnings[0].suggestion });
    expect(fixed.json).toMatchObject({ baseUrl: `${fake.url}/v1`, warnings: [] });
    expect((await call("POST", `/api/providers/${provider.id}/test`, {})).json).toMatchObject({ ok: true, model: "fake-model", warnings: [] });
  });

  test("importing its models: a 502 with the provider's 404 and the warning", async () => {
    const { json: provider } = await call("POST", "/api/providers", { name: "typed-import", type: "anthropic", baseUrl: fake.url, apiKey: KEY });
    const listed = await call("GET", `/api/providers/${provider.id}/models`);
    expect(listed.status).toBe(502);
    expect(listed.json).toMatchObject({
      error: expect.stringContaining("HTTP 404"),
      upstream: { status: 404, message: expect.stringContaining("GET /models") },
      warnings: [{ field: "baseUrl", suggestion: `${fake.url}/v1` }],
    });
  });

  test("a save that does not send the base URL, or sends one with a version, never calls the provider", async () => {
    const { json: provider } = await call("POST", "/api/providers", { name: "typed-quiet", type: "openai", baseUrl: `${fake.url}/v1`, apiKey: KEY });
    const before = fake.requests;
    expect(provider.warnings).toEqual([]);
    expect((await call("PUT", `/api/providers/${provider.id}`, { enabled: false, baseUrl: `${fake.url}/v1` })).json.warnings).toEqual([]);
    expect((await call("PUT", `/api/providers/${provider.id}`, { enabled: true })).json.warnings).toEqual([]);
    expect(fake.requests).toBe(before);
  });

  test("an unreachable versionless URL saves at once, without a warning (offline works)", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const port = closed.port;
    closed.stop(true);
    const started = performance.now();
    const saved = await call("POST", "/api/providers", { name: "typed-offline", type: "openai", baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    expect(saved).toMatchObject({ status: 201, json: { warnings: [] } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
