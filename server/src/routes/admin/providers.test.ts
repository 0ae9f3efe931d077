import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { first } from "../../db/query.ts";
import { suiteHarness, type AdminHarness } from "./test-support.ts";

const FIRST_KEY = "sk-live-first-secret-1111";
const SECOND_KEY = "sk-live-second-secret-2222";
const NEW_KEY = "sk-live-third-secret-3333";

async function stored(harness: Pick<AdminHarness, "deps">, id: number) {
  const { orm, tables } = harness.deps.db;
  return first(orm.select().from(tables.providers).where(eq(tables.providers.id, id)));
}

async function storedKeys(harness: Pick<AdminHarness, "deps">, id: number) {
  return (await stored(harness, id))?.apiKeys;
}

describe("/api/providers", () => {
  const harness = suiteHarness();
  const { call } = harness;
  const responses: string[] = [];
  async function logged(...args: Parameters<typeof call>) {
    const response = await call(...args);
    responses.push(response.text);
    return response;
  }
  let id = 0;

  test("POST creates with masked keys, a trimmed base URL and defaults", async () => {
    const response = await logged("POST", "/api/providers", {
      name: "OpenAI",
      type: "openai",
      baseUrl: "https://api.openai.com/v1//",
      apiKeys: [FIRST_KEY, SECOND_KEY],
      headers: { "x-team": "a" },
    });
    expect(response.status).toBe(201);
    id = response.json.id;
    expect(response.json).toMatchObject({
      name: "OpenAI",
      type: "openai",
      baseUrl: "https://api.openai.com/v1",
      apiKeys: ["sk-…1111", "sk-…2222"],
      keyCount: 2,
      headers: { "x-team": "a" },
      enabled: true,
      consoleUrl: null,
    });
    expect(response.json.createdAt).toBeNumber();
    expect(await storedKeys(harness, id)).toEqual([FIRST_KEY, SECOND_KEY]);
  });

  test("apiKey is accepted as a single key", async () => {
    const response = await logged("POST", "/api/providers", {
      name: "Claude",
      type: "anthropic",
      baseUrl: "https://api.anthropic.com/v1",
      apiKey: "sk-ant-single-key-9999",
      consoleUrl: "https://console.anthropic.com",
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ apiKeys: ["sk-…9999"], keyCount: 1, consoleUrl: "https://console.anthropic.com" });
  });

  test("PUT leaves omitted enum fields alone and clears consoleUrl with null", async () => {
    const claude = (await logged("GET", "/api/providers")).json.find((provider: { name: string }) => provider.name === "Claude");
    const response = await logged("PUT", `/api/providers/${claude.id}`, { consoleUrl: null });
    expect(response.json).toMatchObject({ type: "anthropic", consoleUrl: null, keyCount: 1 });
  });

  test("GET lists and reads one", async () => {
    const list = await logged("GET", "/api/providers");
    expect(list.json.map((provider: { name: string }) => provider.name)).toEqual(["OpenAI", "Claude"]);
    const one = await logged("GET", `/api/providers/${id}`);
    expect(one.json).toMatchObject({ id, apiKeys: ["sk-…1111", "sk-…2222"] });
  });

  test("PUT without apiKeys keeps the keys and bumps updatedAt", async () => {
    const { orm, tables } = harness.deps.db;
    await orm.update(tables.providers).set({ updatedAt: 1000 }).where(eq(tables.providers.id, id));
    const before = (await logged("GET", `/api/providers/${id}`)).json;
    const response = await logged("PUT", `/api/providers/${id}`, { enabled: false, baseUrl: "https://proxy.example.com/" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ enabled: false, baseUrl: "https://proxy.example.com", keyCount: 2 });
    expect(response.json.updatedAt).toBeGreaterThan(before.updatedAt);
    expect(response.json.createdAt).toBe(before.createdAt);
    expect(await storedKeys(harness, id)).toEqual([FIRST_KEY, SECOND_KEY]);
  });

  test("PUT with the masked list round-tripped keeps old keys, adds and removes", async () => {
    const current = (await logged("GET", `/api/providers/${id}`)).json;
    const response = await logged("PUT", `/api/providers/${id}`, { apiKeys: [current.apiKeys[1], NEW_KEY] });
    expect(response.json).toMatchObject({ apiKeys: ["sk-…2222", "sk-…3333"], keyCount: 2, enabled: false, type: "openai" });
    expect(await storedKeys(harness, id)).toEqual([SECOND_KEY, NEW_KEY]);
  });

  test("PUT with a masked key that matches nothing is a 400", async () => {
    const response = await logged("PUT", `/api/providers/${id}`, { apiKeys: ["sk-…0000"] });
    expect(response.status).toBe(400);
    expect(response.json.error).toContain("/apiKeys/0");
    expect(await storedKeys(harness, id)).toEqual([SECOND_KEY, NEW_KEY]);
  });

  test("a duplicate name is a 409 on POST and PUT", async () => {
    const created = await logged("POST", "/api/providers", { name: "OpenAI", type: "openai", baseUrl: "https://x.example" });
    expect(created.status).toBe(409);
    expect(created.json.error).toContain("OpenAI");
    const renamed = await logged("PUT", `/api/providers/${id}`, { name: "Claude" });
    expect(renamed.status).toBe(409);
  });

  test("baseUrl and consoleUrl must be http(s) URLs", async () => {
    const ftp = await logged("POST", "/api/providers", { name: "F", type: "gemini", baseUrl: "ftp://files.example" });
    expect(ftp).toMatchObject({ status: 400, json: { error: "Invalid body: /baseUrl must be an http(s) URL" } });
    const relative = await logged("PUT", `/api/providers/${id}`, { consoleUrl: "console" });
    expect(relative).toMatchObject({ status: 400, json: { error: "Invalid body: /consoleUrl must be an http(s) URL" } });
  });

  test("unknown ids are 404s", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await logged(method, "/api/providers/999", method === "PUT" ? { enabled: true } : undefined);
      expect(response).toMatchObject({ status: 404, json: { error: "provider 999 not found" } });
    }
  });

  test("DELETE removes it", async () => {
    expect((await logged("DELETE", `/api/providers/${id}`)).json).toEqual({ id, deleted: true });
    expect((await logged("GET", `/api/providers/${id}`)).status).toBe(404);
  });

  test("no response ever contained a full key", () => {
    expect(responses.length).toBeGreaterThan(10);
    const everything = responses.join("\n");
    for (const key of [FIRST_KEY, SECOND_KEY, NEW_KEY, "sk-ant-single-key-9999"]) expect(everything).not.toContain(key);
  });
  test("secret headers are masked and a masked value round-trips to the stored one", async () => {
    const secret = "Bearer relay-secret-value-7777";
    const created = await logged("POST", "/api/providers", {
      name: "Relay",
      type: "openai",
      baseUrl: "https://relay.example.com/v1",
      apiKey: "sk-relay-key-5555",
      headers: { "x-relay-token": secret, "x-team": "b" },
    });
    expect(created.json.headers).toEqual({ "x-relay-token": "Bea…7777", "x-team": "b" });
    const updated = await logged("PUT", `/api/providers/${created.json.id}`, { headers: { ...created.json.headers, "x-team": "c" } });
    expect(updated.status).toBe(200);
    expect((await stored(harness, created.json.id))!.headers).toEqual({ "x-relay-token": secret, "x-team": "c" });
    const bad = await call("PUT", `/api/providers/${created.json.id}`, { headers: { "x-relay-token": "xx…0000" } });
    expect(bad.status).toBe(400);
    expect(responses.join("\n")).not.toContain("relay-secret-value");
  });
});
