import { describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { suiteHarness } from "./test-support.ts";

describe("/api/models", () => {
  const harness = suiteHarness();
  const { call } = harness;
  let id = 0;

  test("POST creates with schema defaults", async () => {
    const response = await call("POST", "/api/models", { name: "gpt-4o" });
    expect(response.status).toBe(201);
    id = response.json.id;
    expect(response.json).toMatchObject({
      name: "gpt-4o",
      remark: "",
      strategy: "weighted",
      maxRetry: 3,
      timeoutMs: 60_000,
      maxStreamDurationMs: 1_800_000,
      providerCount: 0,
    });
  });

  test("POST takes every field", async () => {
    const body = { name: "claude", remark: "fast", strategy: "least-latency", maxRetry: 0, timeoutMs: 5000, maxStreamDurationMs: 600_000 };
    const response = await call("POST", "/api/models", body);
    expect(response.json).toMatchObject(body);
  });

  test("GET lists with providerCount and reads one", async () => {
    const provider = await call("POST", "/api/providers", { name: "P", type: "openai", baseUrl: "https://p.example", apiKey: "k-123456789" });
    for (const providerModel of ["gpt-4o", "gpt-4o-2024"]) {
      await call("POST", "/api/model-providers", { modelId: id, providerId: provider.json.id, providerModel });
    }
    const list = await call("GET", "/api/models");
    expect(list.json.map((model: { name: string; providerCount: number }) => [model.name, model.providerCount])).toEqual([
      ["gpt-4o", 2],
      ["claude", 0],
    ]);
    expect((await call("GET", `/api/models/${id}`)).json).toMatchObject({ name: "gpt-4o", providerCount: 2 });
  });

  test("PUT changes only the given fields and bumps updatedAt", async () => {
    const { orm, tables } = harness.deps.db;
    await orm.update(tables.models).set({ updatedAt: 1000 }).where(eq(tables.models.id, id));
    const response = await call("PUT", `/api/models/${id}`, { strategy: "priority", remark: "primary" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ name: "gpt-4o", strategy: "priority", remark: "primary", maxRetry: 3, providerCount: 2 });
    expect(response.json.updatedAt).toBeGreaterThan(1000);
    const again = await call("PUT", `/api/models/${id}`, { maxRetry: 1 });
    expect(again.json).toMatchObject({ strategy: "priority", remark: "primary", maxRetry: 1, timeoutMs: 60_000 });
  });

  test("invalid fields are 400s naming them", async () => {
    expect(await call("PUT", `/api/models/${id}`, { strategy: "random" })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /strategy must be one of weighted, priority, round-robin, least-latency" },
    });
    expect(await call("POST", "/api/models", { name: "x", timeoutMs: 0 })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /timeoutMs must be an integer ≥ 1" },
    });
    expect(await call("PUT", `/api/models/${id}`, { maxStreamDurationMs: 0 })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /maxStreamDurationMs must be an integer ≥ 1" },
    });
    expect(await call("POST", "/api/models", { name: "   " })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /name must not be empty" },
    });
  });

  test("a duplicate name is a 409", async () => {
    expect((await call("POST", "/api/models", { name: "claude" })).status).toBe(409);
    expect((await call("PUT", `/api/models/${id}`, { name: "claude" })).status).toBe(409);
  });

  test("DELETE removes the model and its associations; unknown ids are 404s", async () => {
    expect((await call("DELETE", `/api/models/${id}`)).json).toEqual({ id, deleted: true });
    expect((await call("GET", "/api/model-providers")).json).toEqual([]);
    expect(await call("GET", `/api/models/${id}`)).toMatchObject({ status: 404, json: { error: `model ${id} not found` } });
    expect((await call("PUT", `/api/models/${id}`, { remark: "x" })).status).toBe(404);
    expect((await call("DELETE", `/api/models/${id}`)).status).toBe(404);
  });
});

describe("/api/models order", () => {
  const { call } = suiteHarness();
  const ids: Record<string, number> = {};
  const names = async () => (await call("GET", "/api/models")).json.map((model: { name: string }) => model.name);

  test("new models go to the end of the list", async () => {
    for (const name of ["a", "b", "c"]) ids[name] = (await call("POST", "/api/models", { name })).json.id;
    expect((await call("GET", "/api/models")).json.map((model: { sortOrder: number }) => model.sortOrder)).toEqual([0, 1, 2]);
  });

  test("PUT /order sets positions; models left out follow in their old order", async () => {
    const response = await call("PUT", "/api/models/order", { ids: [ids.c, ids.a] });
    expect(response.status).toBe(200);
    expect(response.json.map((model: { name: string; sortOrder: number }) => [model.name, model.sortOrder])).toEqual([
      ["c", 0],
      ["a", 1],
      ["b", 2],
    ]);
    expect(await names()).toEqual(["c", "a", "b"]);
    ids.d = (await call("POST", "/api/models", { name: "d" })).json.id;
    expect(await names()).toEqual(["c", "a", "b", "d"]);
    await call("PUT", "/api/models/order", { ids: [ids.d, ids.b, ids.a, ids.c] });
    expect(await names()).toEqual(["d", "b", "a", "c"]);
  });

  test("unknown or repeated ids are 400s naming the position", async () => {
    expect(await call("PUT", "/api/models/order", { ids: [ids.a, 999] })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /ids/1 is model 999, which does not exist" },
    });
    expect(await call("PUT", "/api/models/order", { ids: [ids.a, ids.b, ids.a] })).toMatchObject({
      status: 400,
      json: { error: `Invalid body: /ids/2 repeats model ${ids.a}` },
    });
    expect((await call("PUT", "/api/models/order", { ids: ["x"] })).json.error).toStartWith("Invalid body: /ids/0");
    expect(await names()).toEqual(["d", "b", "a", "c"]);
  });
});
