import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { DashboardService } from "../../admin/dashboard.ts";
import { suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;
const MIDNIGHT = new Date(2025, 5, 10).getTime();
const NOW = MIDNIGHT + 3.5 * HOUR_MS;

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "alpha", ...row };
}

/** A request served from the response cache: no provider, no upstream tokens, the original answer's tokens and cost saved. */
function hit(traceId: string, createdAt: number, saved: { tokens: number; cost: number; currency: "USD" | "CNY" }, model = "gpt"): NewRequestLog {
  return attempt({
    traceId, model, createdAt, providerId: null, providerName: null, cacheStatus: "hit",
    firstByteMs: 1, durationMs: 1, savedTokens: saved.tokens, savedCost: saved.cost, currency: saved.currency, cost: 0,
  });
}

describe("dashboard: the response cache", () => {
  const harness = suiteHarness();
  const service = () => new DashboardService(harness.deps.db, harness.deps.catalog);

  beforeAll(async () => {
    const rows: NewRequestLog[] = [
      // Miss 1: fetched upstream in one attempt.
      attempt({ traceId: "miss-1", cacheStatus: "miss", createdAt: MIDNIGHT + 1000, promptTokens: 100, completionTokens: 20, firstByteMs: 400, durationMs: 800, cost: 0.001, currency: "USD" }),
      // Miss 2: failed on alpha, then fetched from beta; one request, one miss.
      attempt({ traceId: "miss-2", cacheStatus: "miss", attempt: 0, status: "error", statusCode: 429, createdAt: MIDNIGHT + 2000 }),
      attempt({ traceId: "miss-2", cacheStatus: "miss", attempt: 1, providerId: 2, providerName: "beta", createdAt: MIDNIGHT + 3000, promptTokens: 200, completionTokens: 40, firstByteMs: 600, durationMs: 1200, cost: 0.002, currency: "USD" }),
      // Miss 3: every attempt failed; still one miss (and one error).
      attempt({ traceId: "miss-3", cacheStatus: "miss", attempt: 0, status: "error", statusCode: 500, createdAt: MIDNIGHT + HOUR_MS }),
      attempt({ traceId: "miss-3", cacheStatus: "miss", attempt: 1, status: "error", statusCode: 500, providerId: 2, providerName: "beta", createdAt: MIDNIGHT + HOUR_MS + 1 }),
      // Three hits, two currencies.
      hit("hit-1", MIDNIGHT + 2 * HOUR_MS, { tokens: 120, cost: 0.001, currency: "USD" }),
      hit("hit-2", MIDNIGHT + 2 * HOUR_MS + 1, { tokens: 240, cost: 0.002, currency: "USD" }),
      hit("hit-3", MIDNIGHT + 2 * HOUR_MS + 2, { tokens: 50, cost: 0.03, currency: "CNY" }, "qwen"),
      // A model without the cache: neither hit nor miss.
      attempt({ traceId: "plain", model: "claude", createdAt: MIDNIGHT + 3 * HOUR_MS, promptTokens: 10, completionTokens: 10, firstByteMs: 500, durationMs: 1000, cost: 0.0001, currency: "USD" }),
    ];
    for (const row of rows) harness.deps.logWriter.write(row);
    await harness.deps.logWriter.flush();
  });

  test("hits and misses count requests, not attempts; the rate is hits over both; the hits' savings sum per currency", async () => {
    const { totals } = await service().build("today", NOW);
    expect(totals.cache).toEqual({ hits: 3, misses: 3, hitRate: 0.5, savedTokens: 410, savedCosts: { USD: 0.003, CNY: 0.03 } });
  });

  test("a hit is a successful request without upstream tokens, cost or latency", async () => {
    const { totals } = await service().build("today", NOW);
    expect(totals).toMatchObject({
      requests: 7,
      success: 6,
      errors: 1,
      successRate: 6 / 7,
      promptTokens: 310,
      completionTokens: 70,
      costs: { USD: 0.0031, CNY: 0 },
      // The upstream attempts only (400, 500, 600 ms to the first byte); the hits' 1 ms stays out.
      firstByteP50: 500,
      durationP50: 1000,
    });
  });

  test("byProvider never sees a hit; byModel and the series count it as a request", async () => {
    const dashboard = await service().build("today", NOW);
    expect(dashboard.byProvider.map((row) => [row.providerName, row.requests, row.errors])).toEqual([
      ["alpha", 4, 2],
      ["beta", 2, 1],
    ]);
    expect(dashboard.byModel.map((row) => [row.model, row.requests, row.tokens])).toEqual([
      ["gpt", 5, 360],
      ["claude", 1, 20],
      ["qwen", 1, 0],
    ]);
    expect(dashboard.series.map((point) => [point.requests, point.errors])).toEqual([
      [2, 0],
      [1, 1],
      [3, 0],
      [1, 0],
    ]);
  });

  test("no caching traffic: zeros, and a rate of 0", async () => {
    const { totals } = await service().build("today", MIDNIGHT + 500);
    expect(totals.cache).toEqual({ hits: 0, misses: 0, hitRate: 0, savedTokens: 0, savedCosts: { USD: 0, CNY: 0 } });
  });
});
