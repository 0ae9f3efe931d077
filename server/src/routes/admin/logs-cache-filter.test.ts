import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { suiteHarness } from "./test-support.ts";

const BASE = Date.parse("2025-03-01T12:00:00Z");

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "openai", ...row };
}

describe("/api/logs?cacheStatus", () => {
  const harness = suiteHarness();
  const { call } = harness;

  beforeAll(async () => {
    const { deps } = harness;
    const rows = [
      // A miss that failed over: both attempts are "miss" rows.
      attempt({ traceId: "miss", attempt: 0, status: "error", statusCode: 429, cacheStatus: "miss", createdAt: BASE + 1000 }),
      attempt({ traceId: "miss", attempt: 1, providerId: 2, providerName: "backup", cacheStatus: "miss", promptTokens: 40, completionTokens: 10, createdAt: BASE + 2000 }),
      // The same request again, served from the cache: no provider, no upstream tokens, the original's cost saved.
      attempt({ traceId: "hit", providerId: null, providerName: null, cacheStatus: "hit", savedTokens: 50, savedCost: 0.0004, currency: "USD", createdAt: BASE + 3000 }),
      // A model that does not cache.
      attempt({ traceId: "plain", model: "claude", createdAt: BASE + 4000 }),
    ];
    for (const row of rows) deps.logWriter.write(row);
    await deps.logWriter.flush();
  });

  test("hit rows only, with what they saved", async () => {
    const hits = await call("GET", "/api/logs?cacheStatus=hit");
    expect(hits.json.total).toBe(1);
    expect(hits.json.items[0]).toMatchObject({ traceId: "hit", cacheStatus: "hit", providerId: null, promptTokens: 0, savedTokens: 50, savedCost: 0.0004, currency: "USD" });
  });

  test("miss rows: every attempt of a cacheable request that called the upstream", async () => {
    const misses = await call("GET", "/api/logs?cacheStatus=miss");
    expect(misses.json.items.map((item: { traceId: string; attempt: number }) => [item.traceId, item.attempt])).toEqual([
      ["miss", 1],
      ["miss", 0],
    ]);
  });

  test("without the filter every row is listed; rows of non-caching models have no cache status", async () => {
    const all = await call("GET", "/api/logs");
    expect(all.json.total).toBe(4);
    expect(all.json.items[0]).toMatchObject({ traceId: "plain", cacheStatus: null, savedTokens: 0, savedCost: null });
  });

  test("combines with other filters, and an unknown value is a 400 naming the field", async () => {
    expect((await call("GET", "/api/logs?cacheStatus=miss&status=error")).json.items.map((item: { attempt: number }) => item.attempt)).toEqual([0]);
    expect(await call("GET", "/api/logs?cacheStatus=stale")).toMatchObject({ status: 400, json: { error: expect.stringContaining("cacheStatus") } });
  });
});
