import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;

describe("/api/models/:id/stats", () => {
  const harness = suiteHarness();
  const { call } = harness;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    for (const name of ["alpha", "beta", "gamma"]) {
      ids[name] = (await call("POST", "/api/providers", { name, type: "openai", baseUrl: `https://${name}.example/v1`, apiKey: "sk-0123456789" })).json.id;
    }
    ids.chat = (await call("POST", "/api/models", { name: "chat", aliases: ["chat-*"] })).json.id;
    ids.other = (await call("POST", "/api/models", { name: "other" })).json.id;
    ids.idle = (await call("POST", "/api/models", { name: "idle" })).json.id;
    const associate = async (modelId: number, providerId: number, providerModel: string) =>
      (await call("POST", "/api/model-providers", { modelId, providerId, providerModel })).json.id as number;
    ids.alphaA = await associate(ids.chat, ids.alpha, "m-a");
    ids.betaB = await associate(ids.chat, ids.beta, "m-b");
    ids.alphaA2 = await associate(ids.chat, ids.alpha, "m-a2");
    await associate(ids.other, ids.alpha, "m-a");

    const now = Date.now();
    let trace = 0;
    const row = (model: string, providerName: string, providerModel: string, minutesAgo: number, error?: string): NewRequestLog => ({
      traceId: `t${trace++}`,
      model,
      clientProtocol: "openai-chat",
      providerId: ids[providerName],
      providerName,
      providerModel,
      status: error ? "error" : "success",
      error,
      createdAt: now - minutesAgo * 60_000,
    });
    const rows = [
      row("chat", "alpha", "m-a", 10),
      row("chat", "alpha", "m-a", 20),
      row("chat", "alpha", "m-a", 30),
      row("chat", "alpha", "m-a", 120, "boom old"),
      row("chat", "alpha", "m-a", 60, "boom new"),
      // Requested through the glob alias.
      row("chat-fast", "beta", "m-b", 5),
      row("chat-fast", "beta", "m-b", 6),
      // Older than a day.
      row("chat", "beta", "m-b", 30 * 60, "ancient"),
      // Another model on the same provider model: not this model's traffic.
      ...Array.from({ length: 4 }, () => row("other", "alpha", "m-a", 15)),
      // A provider this model no longer uses: part of the model's successes, no association of its own.
      row("chat", "gamma", "g", 40),
    ];
    for (const entry of rows) harness.deps.logWriter.write(entry);
    await harness.deps.logWriter.flush();
  });

  test("attempts, errors, share of the model's successes and the last error per association", async () => {
    const response = await call("GET", `/api/models/${ids.chat}/stats`);
    expect(response.status).toBe(200);
    expect(response.json.associations).toEqual([
      { associationId: ids.alphaA, providerId: ids.alpha, providerName: "alpha", requests: 5, errors: 2, share: 0.5, lastError: { message: "boom new", at: expect.any(Number) } },
      { associationId: ids.betaB, providerId: ids.beta, providerName: "beta", requests: 2, errors: 0, share: 2 / 6, lastError: null },
      { associationId: ids.alphaA2, providerId: ids.alpha, providerName: "alpha", requests: 0, errors: 0, share: 0, lastError: null },
    ]);
  });

  test("hours widens the window", async () => {
    const response = await call("GET", `/api/models/${ids.chat}/stats?hours=48`);
    expect(response.json.associations[1]).toMatchObject({ requests: 3, errors: 1, share: 2 / 6, lastError: { message: "ancient" } });
  });

  test("another model sharing the provider model sees only its own rows", async () => {
    const response = await call("GET", `/api/models/${ids.other}/stats`);
    expect(response.json.associations).toEqual([
      { associationId: expect.any(Number), providerId: ids.alpha, providerName: "alpha", requests: 4, errors: 0, share: 1, lastError: null },
    ]);
  });

  test("a model without associations, unknown models and bad windows", async () => {
    expect((await call("GET", `/api/models/${ids.idle}/stats`)).json).toEqual({ associations: [] });
    expect(await call("GET", "/api/models/999/stats")).toMatchObject({ status: 404, json: { error: "model 999 not found" } });
    expect(await call("GET", `/api/models/${ids.chat}/stats?hours=0`)).toMatchObject({
      status: 400,
      json: { error: "Invalid query: /hours must be an integer from 1 to 168" },
    });
    expect((await call("GET", `/api/models/${ids.chat}/stats?hours=169`)).status).toBe(400);
  });
});
