import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { createAdminHarness } from "./test-support.ts";

const BASE = Date.parse("2025-03-01T12:00:00Z");

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "openai", ...row };
}

describe("/api/logs", () => {
  const { call, deps } = createAdminHarness();

  beforeAll(() => {
    const rows = [
      attempt({ traceId: "t1", attempt: 0, status: "error", statusCode: 429, error: "rate limited", createdAt: BASE + 1000 }),
      attempt({ traceId: "t1", attempt: 1, providerId: 2, providerName: "backup", createdAt: BASE + 2000, promptTokens: 10, completionTokens: 5, totalTokens: 15, stream: true }),
      attempt({ traceId: "t2", model: "claude", providerId: 2, providerName: "backup", createdAt: BASE + 3000 }),
      attempt({ traceId: "t3", status: "error", statusCode: 500, createdAt: BASE + 4000 }),
      ...Array.from({ length: 25 }, (_, index) => attempt({ traceId: `bulk-${index}`, model: "bulk", createdAt: BASE + 10_000 + index })),
    ];
    for (const row of rows) deps.logWriter.write(row);
    deps.logWriter.flush();
  });

  test("items are camelCase, newest first, 20 per page by default", async () => {
    const response = await call("GET", "/api/logs");
    expect(response.status).toBe(200);
    expect(response.json.total).toBe(29);
    expect(response.json.items).toHaveLength(20);
    expect(response.json.items[0]).toMatchObject({ traceId: "bulk-24", createdAt: BASE + 10_024 });
    const createdAts = response.json.items.map((item: { createdAt: number }) => item.createdAt);
    expect(createdAts).toEqual([...createdAts].sort((a, b) => b - a));
    expect(Object.keys(response.json.items[0]).sort()).toEqual(
      [
        "id", "traceId", "model", "providerId", "providerName", "providerModel", "clientProtocol", "status", "statusCode",
        "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens", "totalTokens", "firstByteMs", "durationMs",
        "attempt", "stream", "error", "clientIp", "authKeyId", "userAgent", "createdAt", "endpoint", "usageEstimated", "warnings",
      ].sort(),
    );
  });

  test("pages", async () => {
    const second = await call("GET", "/api/logs?page=2&pageSize=20");
    expect(second.json.total).toBe(29);
    expect(second.json.items.map((item: { traceId: string }) => item.traceId)).toEqual([
      "bulk-4", "bulk-3", "bulk-2", "bulk-1", "bulk-0", "t3", "t2", "t1", "t1",
    ]);
    expect((await call("GET", "/api/logs?page=9")).json).toEqual({ items: [], total: 29 });
    expect((await call("GET", "/api/logs?pageSize=1000")).json.items).toHaveLength(29);
    expect((await call("GET", "/api/logs?pageSize=3")).json.items).toHaveLength(3);
  });

  test("filters by model, provider, status and trace", async () => {
    const gpt = await call("GET", "/api/logs?model=gpt");
    expect(gpt.json.total).toBe(3);
    expect((await call("GET", "/api/logs?model=&traceId=")).json.total).toBe(29);
    const errors = await call("GET", "/api/logs?status=error&model=gpt");
    expect(errors.json.items.map((item: { traceId: string; statusCode: number }) => [item.traceId, item.statusCode])).toEqual([
      ["t3", 500],
      ["t1", 429],
    ]);
    const backup = await call("GET", "/api/logs?providerId=2");
    expect(backup.json.items.map((item: { traceId: string }) => item.traceId)).toEqual(["t2", "t1"]);
    const trace = await call("GET", "/api/logs?traceId=t1");
    expect(trace.json.items[0]).toMatchObject({ attempt: 1, stream: true, promptTokens: 10, totalTokens: 15, providerName: "backup" });
  });

  test("from/to bound createdAt inclusively, as epoch ms or ISO dates", async () => {
    const byNumber = await call("GET", `/api/logs?from=${BASE + 2000}&to=${BASE + 4000}`);
    expect(byNumber.json.items.map((item: { createdAt: number }) => item.createdAt)).toEqual([BASE + 4000, BASE + 3000, BASE + 2000]);
    const from = new Date(BASE + 3000).toISOString();
    const to = new Date(BASE + 9000).toISOString();
    const byIso = await call("GET", `/api/logs?from=${from}&to=${to}`);
    expect(byIso.json.total).toBe(2);
    expect(await call("GET", "/api/logs?to=soon")).toMatchObject({
      status: 400,
      json: { error: "Invalid query: /to must be epoch milliseconds or an ISO date" },
    });
  });

  test("attempts of one trace in attempt order", async () => {
    const response = await call("GET", "/api/logs/t1/attempts");
    expect(response.json.map((item: { attempt: number; status: string }) => [item.attempt, item.status])).toEqual([
      [0, "error"],
      [1, "success"],
    ]);
    expect((await call("GET", "/api/logs/unknown/attempts")).json).toEqual([]);
  });
});
