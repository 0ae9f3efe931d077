import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { DashboardService } from "../../admin/dashboard.ts";
import { rangeWindow } from "../../admin/dashboard-range.ts";
import { suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
// Local midnight: the dashboard's buckets follow the server's calendar (June: no DST change nearby).
const MIDNIGHT = new Date(2025, 5, 10).getTime();
const NOW = MIDNIGHT + 10.5 * HOUR_MS;

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "alpha", ...row };
}

describe("dashboard windows", () => {
  test("today is hourly from local midnight, 7d six-hourly and 30d daily over calendar days", () => {
    expect(rangeWindow("today", NOW)).toEqual({ from: MIDNIGHT, to: NOW, bucketMs: HOUR_MS });
    expect(rangeWindow("7d", NOW)).toEqual({ from: new Date(2025, 5, 4).getTime(), to: NOW, bucketMs: 6 * HOUR_MS });
    expect(rangeWindow("30d", NOW)).toEqual({ from: new Date(2025, 4, 12).getTime(), to: NOW, bucketMs: DAY_MS });
  });
});

describe("/api/dashboard", () => {
  const harness = suiteHarness();
  const { call } = harness;
  const service = (chunkRows?: number) => new DashboardService(harness.deps.db, harness.deps.catalog, chunkRows);

  beforeAll(async () => {
    const alpha = (await call("POST", "/api/providers", { name: "alpha", type: "openai", baseUrl: "https://alpha.example/v1", apiKey: "sk-alpha-0001" })).json;
    const beta = (await call("POST", "/api/providers", { name: "beta", type: "anthropic", baseUrl: "https://beta.example/v1", apiKey: "sk-beta-0002" })).json;
    const gpt = (await call("POST", "/api/models", { name: "gpt", aliases: ["gpt-alias"] })).json;
    const claude = (await call("POST", "/api/models", { name: "claude", aliases: ["claude-*"] })).json;
    const associate = (modelId: number, providerId: number, providerModel: string, priceInput: number, priceCachedInput: number, priceOutput: number) =>
      call("POST", "/api/model-providers", { modelId, providerId, providerModel, priceInput, priceCachedInput, priceOutput });
    await associate(gpt.id, alpha.id, "gpt-x", 2, 1, 8);
    await associate(gpt.id, beta.id, "gpt-y", 4, 0, 10);
    // Same provider, other provider model and prices: the logged provider model picks the association.
    await associate(gpt.id, beta.id, "gpt-y-mini", 100, 100, 100);
    await associate(claude.id, beta.id, "claude-z", 3, 0.3, 15);
    expect((await call("POST", "/api/auth-keys", { name: "ci" })).json.id).toBe(1);

    const rows: NewRequestLog[] = [
      // A: bucket 0, at the window's first millisecond. Cost (800×2 + 200×1 + 500×8) / 1M = 0.0058.
      attempt({ traceId: "A", providerModel: "gpt-x", createdAt: MIDNIGHT, promptTokens: 1000, cachedTokens: 200, completionTokens: 500, firstByteMs: 100, durationMs: 1000, authKeyId: 1, userAgent: "cli/1" }),
      // B: fails on alpha in bucket 0's last millisecond, succeeds on beta at bucket 1's start; requested by alias.
      attempt({ traceId: "B", model: "gpt-alias", attempt: 0, status: "error", providerModel: "gpt-x", createdAt: MIDNIGHT + HOUR_MS - 1, userAgent: "cli/1" }),
      // Cost (2000×4 + 100×10) / 1M = 0.009.
      attempt({ traceId: "B", model: "gpt-alias", attempt: 1, providerId: 2, providerName: "beta", providerModel: "gpt-y", createdAt: MIDNIGHT + HOUR_MS, promptTokens: 2000, completionTokens: 100, firstByteMs: 300, durationMs: 2000, userAgent: "cli/1" }),
      // C: every attempt fails; counted once, in the bucket of its first attempt (2), as an error.
      attempt({ traceId: "C", model: "claude", attempt: 0, status: "error", providerId: 2, providerName: "beta", providerModel: "claude-z", createdAt: MIDNIGHT + 2 * HOUR_MS + 5, authKeyId: 1, userAgent: "sdk/2" }),
      attempt({ traceId: "C", model: "claude", attempt: 1, status: "error", providerModel: "gpt-x", createdAt: MIDNIGHT + 3 * HOUR_MS + 1, authKeyId: 1, userAgent: "sdk/2" }),
      // D: a token count: a request, but no tokens, cost or latency.
      attempt({ traceId: "D", model: "claude-haiku", endpoint: "count_tokens", providerId: 2, providerName: "beta", providerModel: "claude-z", createdAt: MIDNIGHT + 2 * HOUR_MS + 10, promptTokens: 5000, totalTokens: 5000, authKeyId: 1, userAgent: "sdk/2" }),
      // E: bucket 10 (the partial last hour), a glob-routed name, a key deleted since. Cost (50×3 + 50×0.3 + 10×15) / 1M = 0.000315.
      attempt({ traceId: "E", model: "claude-opus", providerId: 2, providerName: "beta", providerModel: "claude-z", createdAt: MIDNIGHT + 10 * HOUR_MS + 15 * 60_000, promptTokens: 100, cachedTokens: 50, completionTokens: 10, firstByteMs: 200, durationMs: 500, authKeyId: 2 }),
      // F: a provider deleted since: no prices, its logged name.
      attempt({ traceId: "F", providerId: 99, providerName: "gone", providerModel: "gpt-x", createdAt: MIDNIGHT + 4 * HOUR_MS, promptTokens: 10, completionTokens: 10, firstByteMs: 400, durationMs: 4000, userAgent: "cli/1" }),
      // Outside the window: yesterday's last millisecond and the window's end (exclusive).
      attempt({ traceId: "before", createdAt: MIDNIGHT - 1, promptTokens: 1 }),
      attempt({ traceId: "at-now", createdAt: NOW, promptTokens: 1 }),
    ];
    for (const row of rows) harness.deps.logWriter.write(row);
    await harness.deps.logWriter.flush();
  });

  test("totals: requests are traces, tokens and latency come from successful attempts, cost from each association's prices", async () => {
    const { range, totals } = await service().build("today", NOW);
    expect(range).toEqual({ from: MIDNIGHT, to: NOW, bucketMs: HOUR_MS });
    expect(totals).toEqual({
      requests: 6,
      success: 5,
      errors: 1,
      rejected: 0,
      successRate: 5 / 6,
      promptTokens: 3110,
      completionTokens: 620,
      cachedTokens: 250,
      cacheWriteTokens: 0,
      costs: { USD: 0.015115, CNY: 0 },
      cache: { hits: 0, misses: 0, hitRate: 0, savedTokens: 0, savedCosts: { USD: 0, CNY: 0 } },
      firstByteP50: 200,
      firstByteP95: 400,
      durationP50: 1000,
      durationP95: 4000,
    });
  });

  test("series: one bucket per hour, rows at the bucket boundaries land on the right side", async () => {
    const { series } = await service().build("today", NOW);
    expect(series).toHaveLength(11);
    expect(series.map((point) => point.t)).toEqual(Array.from({ length: 11 }, (_, index) => MIDNIGHT + index * HOUR_MS));
    const summary = series.map((point) => [point.requests, point.errors, point.promptTokens, point.completionTokens, point.costs.USD]);
    expect(summary).toEqual([
      [1, 0, 1000, 500, 0.0058],
      [1, 0, 2000, 100, 0.009],
      [2, 1, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 10, 10, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 100, 10, 0.000315],
    ]);
    expect(series[0]).toMatchObject({ firstByteP50: 100, firstByteP95: 100, durationP50: 1000, durationP95: 1000 });
    expect(series[2]).toMatchObject({ firstByteP50: null, firstByteP95: null, durationP50: null, durationP95: null });
  });

  test("breakdowns by model, provider, key and user agent", async () => {
    const dashboard = await service().build("today", NOW);
    expect(dashboard.byModel).toEqual([
      { model: "claude", requests: 3, errors: 1, tokens: 110, costs: { USD: 0.000315, CNY: 0 } },
      { model: "gpt", requests: 3, errors: 0, tokens: 3620, costs: { USD: 0.0148, CNY: 0 } },
    ]);
    expect(dashboard.byProvider).toEqual([
      { providerId: 2, providerName: "beta", requests: 4, errors: 1, tokens: 2210, costs: { USD: 0.009315, CNY: 0 }, firstByteP50: 200 },
      { providerId: 1, providerName: "alpha", requests: 3, errors: 2, tokens: 1500, costs: { USD: 0.0058, CNY: 0 }, firstByteP50: 100 },
      { providerId: 99, providerName: "gone", requests: 1, errors: 0, tokens: 20, costs: { USD: 0, CNY: 0 }, firstByteP50: 400 },
    ]);
    expect(dashboard.topKeys).toEqual([
      { authKeyId: 1, name: "ci", requests: 3, tokens: 1500 },
      { authKeyId: null, name: "admin token", requests: 2, tokens: 2120 },
      { authKeyId: 2, name: "deleted key 2", requests: 1, tokens: 110 },
    ]);
    expect(dashboard.topUserAgents).toEqual([
      { userAgent: "cli/1", requests: 3 },
      { userAgent: "sdk/2", requests: 2 },
      { userAgent: null, requests: 1 },
    ]);
  });

  test("reading in tiny chunks gives the same answer", async () => {
    expect(await service(2).build("today", NOW)).toEqual(await service().build("today", NOW));
  });

  test("7d and 30d windows: six-hour and daily buckets over the same rows", async () => {
    const week = await service().build("7d", NOW);
    expect(week.series).toHaveLength(26);
    expect(week.totals.requests).toBe(7); // yesterday's row is inside the week
    const today = week.series.slice(24);
    expect(today.map((point) => [point.t, point.requests, point.errors])).toEqual([
      [MIDNIGHT, 5, 1],
      [MIDNIGHT + 6 * HOUR_MS, 1, 0],
    ]);
    expect(week.series[23]).toMatchObject({ t: MIDNIGHT - 6 * HOUR_MS, requests: 1 });
    const month = await service().build("30d", NOW);
    expect(month.series).toHaveLength(30);
    expect(month.series.at(-1)).toMatchObject({ t: MIDNIGHT, requests: 6, errors: 1, costs: { USD: 0.015115, CNY: 0 } });
    expect(month.series.at(-2)).toMatchObject({ t: MIDNIGHT - DAY_MS, requests: 1 });
  });

  test("GET answers the contract's shape, today by default, cached for a few seconds", async () => {
    const response = await call("GET", "/api/dashboard");
    expect(response.status).toBe(200);
    expect(Object.keys(response.json).sort()).toEqual(["byModel", "byProvider", "range", "series", "topKeys", "topUserAgents", "totals"]);
    expect(response.json.range.bucketMs).toBe(HOUR_MS);
    const week = await call("GET", "/api/dashboard?range=7d");
    expect(week.json.range.bucketMs).toBe(6 * HOUR_MS);
    const before = (await call("GET", "/api/dashboard?range=30d")).json;
    harness.deps.logWriter.write(attempt({ traceId: "fresh", createdAt: Date.now() - 1000 }));
    await harness.deps.logWriter.flush();
    expect((await call("GET", "/api/dashboard?range=30d")).json).toEqual(before);
  });

  test("an unknown range is a 400 listing the choices", async () => {
    expect(await call("GET", "/api/dashboard?range=1y")).toMatchObject({
      status: 400,
      json: { error: "Invalid query: /range must be one of today, 7d, 30d" },
    });
  });
});
