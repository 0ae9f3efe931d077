import { beforeAll, describe, expect, test } from "bun:test";
import { suiteHarness } from "./test-support.ts";

describe("/api/model-providers", () => {
  const harness = suiteHarness();
  const { call } = harness;
  const route = (name: string) => harness.deps.catalog.route(name);
  const ids = { gpt: 0, claude: 0, openai: 0, backup: 0, association: 0 };

  beforeAll(async () => {
    ids.gpt = (await call("POST", "/api/models", { name: "gpt" })).json.id;
    ids.claude = (await call("POST", "/api/models", { name: "claude" })).json.id;
    const provider = { type: "openai", baseUrl: "https://api.example.com/v1", apiKeys: ["sk-key-000000001"] };
    ids.openai = (await call("POST", "/api/providers", { ...provider, name: "openai" })).json.id;
    ids.backup = (await call("POST", "/api/providers", { ...provider, name: "backup" })).json.id;
  });

  test("POST creates with defaults and the provider's name", async () => {
    const response = await call("POST", "/api/model-providers", { modelId: ids.gpt, providerId: ids.openai, providerModel: "gpt-4o" });
    expect(response.status).toBe(201);
    ids.association = response.json.id;
    expect(response.json).toMatchObject({
      modelId: ids.gpt,
      providerId: ids.openai,
      providerName: "openai",
      providerModel: "gpt-4o",
      weight: 1,
      enabled: true,
      toolCall: true,
      structuredOutput: true,
      vision: true,
      priceInput: 0,
    });
  });

  test("the catalog sees each write at once", async () => {
    expect((await route("gpt"))?.candidates.map((candidate) => candidate.providerModel)).toEqual(["gpt-4o"]);

    await call("POST", "/api/model-providers", { modelId: ids.claude, providerId: ids.backup, providerModel: "claude-3", weight: 5 });
    expect((await route("claude"))?.candidates).toMatchObject([{ providerName: "backup", weight: 5 }]);

    await call("PUT", `/api/model-providers/${ids.association}`, { weight: 3, vision: false });
    expect((await route("gpt"))?.candidates).toMatchObject([{ weight: 3, vision: false }]);

    await call("PUT", `/api/providers/${ids.openai}`, { enabled: false });
    expect((await route("gpt"))?.candidates).toEqual([]);
    await call("PUT", `/api/providers/${ids.openai}`, { enabled: true, baseUrl: "https://moved.example.com" });
    expect((await route("gpt"))?.candidates[0].baseUrl).toBe("https://moved.example.com");

    await call("PUT", `/api/models/${ids.gpt}`, { strategy: "priority" });
    expect((await route("gpt"))?.model.strategy).toBe("priority");

    await call("POST", "/api/models", { name: "fresh" });
    expect(await route("fresh")).toBeDefined();
    await call("DELETE", `/api/models/${(await call("GET", "/api/models")).json.at(-1).id}`);
    expect(await route("fresh")).toBeUndefined();
  });

  test("GET lists all or filters by modelId", async () => {
    const all = await call("GET", "/api/model-providers");
    expect(all.json.map((item: { providerModel: string }) => item.providerModel)).toEqual(["gpt-4o", "claude-3"]);
    const filtered = await call("GET", `/api/model-providers?modelId=${ids.claude}`);
    expect(filtered.json).toMatchObject([{ modelId: ids.claude, providerName: "backup", providerModel: "claude-3" }]);
    expect((await call("GET", "/api/model-providers?modelId=999")).json).toEqual([]);
  });

  test("PUT can move an association to another provider", async () => {
    const response = await call("PUT", `/api/model-providers/${ids.association}`, { providerId: ids.backup, priceOutput: 1.5 });
    expect(response.json).toMatchObject({
      providerId: ids.backup,
      providerName: "backup",
      priceOutput: 1.5,
      weight: 3,
      vision: false,
      toolCall: true,
      providerModel: "gpt-4o",
    });
  });

  test("unknown modelId or providerId is a 400 naming the field", async () => {
    const badProvider = await call("POST", "/api/model-providers", { modelId: ids.gpt, providerId: 999, providerModel: "x" });
    expect(badProvider.status).toBe(400);
    expect(badProvider.json.error).toContain("/providerId");
    const badModel = await call("PUT", `/api/model-providers/${ids.association}`, { modelId: 999 });
    expect(badModel.status).toBe(400);
    expect(badModel.json.error).toContain("/modelId");
  });

  test("invalid values are 400s naming the field", async () => {
    expect(await call("PUT", `/api/model-providers/${ids.association}`, { weight: -1 })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /weight must be an integer ≥ 0" },
    });
    expect((await call("POST", "/api/model-providers", { modelId: ids.gpt, providerId: ids.openai })).json).toEqual({
      error: "Invalid body: /providerModel is required",
    });
  });

  test("DELETE removes it; unknown ids are 404s", async () => {
    expect((await call("DELETE", `/api/model-providers/${ids.association}`)).json).toEqual({ id: ids.association, deleted: true });
    expect((await route("gpt"))?.candidates).toEqual([]);
    expect(await call("DELETE", `/api/model-providers/${ids.association}`)).toMatchObject({
      status: 404,
      json: { error: `model-provider ${ids.association} not found` },
    });
    expect((await call("PUT", "/api/model-providers/999", { weight: 1 })).status).toBe(404);
  });

  test("deleting a provider removes its associations", async () => {
    await call("DELETE", `/api/providers/${ids.backup}`);
    expect((await call("GET", "/api/model-providers")).json).toEqual([]);
    expect((await route("claude"))?.candidates).toEqual([]);
  });
});
