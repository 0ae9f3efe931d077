import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { suiteHarness } from "./test-support.ts";

const BASE = Date.parse("2025-03-01T12:00:00Z");

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "openai", ...row };
}

describe("/api/logs", () => {
  const harness = suiteHarness();
  const { call } = harness;

  beforeAll(async () => {
    const { deps } = harness;
    const rows = [
      attempt({ traceId: "t1", attempt: 0, status: "error", statusCode: 429, error: "rate limited", createdAt: BASE + 1000 }),
      attempt({ traceId: "t1", attempt: 1, providerId: 2, providerName: "backup", createdAt: BASE + 2000, promptTokens: 10, completionTokens: 5, totalTokens: 15, stream: true }),
      attempt({ traceId: "t2", model: "claude", providerId: 2, providerName: "backup", createdAt: BASE + 3000 }),
      attempt({ traceId: "t3", status: "error", statusCode: 500, createdAt: BASE + 4000 }),
      ...Array.from({ length: 25 }, (_, index) => attempt({ traceId: `bulk-${index}`, model: "bulk", createdAt: BASE + 10_000 + index })),
    ];
    for (const row of rows) deps.logWriter.write(row);
    await deps.logWriter.flush();
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
        "reason", "failureClass", "repeatCount", "keyHint", "sessionId", "path",
        "cacheWriteTokens", "priceInput", "priceCachedInput", "priceCacheWrite", "priceOutput", "currency", "cost",
        "cacheStatus", "savedTokens", "savedCost", "otelTraceId",
      ].sort(),
    );
  });

  test("pages", async () => {
    const second = await call("GET", "/api/logs?page=2&pageSize=20");
    expect(second.json.total).toBe(29);
    expect(second.json.items.map((item: { traceId: string }) => item.traceId)).toEqual([
      "bulk-4", "bulk-3", "bulk-2", "bulk-1", "bulk-0", "t3", "t2", "t1", "t1",
    ]);
    expect((await call("GET", "/api/logs?page=9")).json).toEqual({ items: [], total: 29, nextCursor: null });
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

describe("/api/logs filters, keyset paging and trace detail", () => {
  const harness = suiteHarness();
  const { call } = harness;
  const TIME = Date.parse("2025-04-01T08:00:00Z");

  beforeAll(async () => {
    const { deps } = harness;
    // 45 rows; groups of three share a createdAt, so the keyset must break ties by id.
    for (let index = 0; index < 45; index++) {
      deps.logWriter.write(
        attempt({
          traceId: `k${index}`,
          createdAt: TIME + Math.floor(index / 3) * 1000,
          authKeyId: index % 2 === 0 ? 7 : null,
          clientProtocol: index % 5 === 0 ? "anthropic" : "openai-chat",
          endpoint: index % 9 === 0 ? "count_tokens" : "chat",
          usageEstimated: index % 9 === 0,
          warnings: index === 44 ? "tools dropped" : null,
        }),
      );
    }
    deps.logWriter.write(attempt({ traceId: "with-bodies", attempt: 0, status: "error", statusCode: 500, createdAt: TIME + 100_000 }));
    deps.logWriter.write(attempt({ traceId: "with-bodies", attempt: 1, providerId: 2, createdAt: TIME + 101_000 }));
    await deps.logWriter.flush();
    await deps.bodyCapture.save("with-bodies", '{"model":"gpt","messages":[]}', '{"choices":[]}');
  });

  test("cursor pages cover every row once, in order, with total null", async () => {
    const everything = (await call("GET", "/api/logs?pageSize=200")).json.items.map((item: { id: number }) => item.id);
    expect(everything).toHaveLength(47);
    const first = await call("GET", "/api/logs?pageSize=7");
    expect(first.json.total).toBe(47);
    const walked: number[] = first.json.items.map((item: { id: number }) => item.id);
    let cursor: number | null = first.json.nextCursor;
    let pages = 1;
    while (cursor !== null) {
      const page = await call("GET", `/api/logs?pageSize=7&cursor=${cursor}`);
      expect(page.json.total).toBeNull();
      walked.push(...page.json.items.map((item: { id: number }) => item.id));
      cursor = page.json.nextCursor;
      pages++;
    }
    expect(pages).toBe(7);
    expect(walked).toEqual(everything);
    expect(new Set(walked).size).toBe(47);
  });

  test("a full last page has no next cursor", async () => {
    const all = (await call("GET", "/api/logs?pageSize=47")).json;
    expect(all.items).toHaveLength(47);
    expect(all.nextCursor).toBeNull();
  });

  test("the cursor combines with filters", async () => {
    const keyed = await call("GET", "/api/logs?authKeyId=7&pageSize=10");
    expect(keyed.json.total).toBe(23);
    const rest = await call("GET", `/api/logs?authKeyId=7&pageSize=50&cursor=${keyed.json.nextCursor}`);
    expect(rest.json.items).toHaveLength(13);
    expect([...keyed.json.items, ...rest.json.items].every((item: { authKeyId: number }) => item.authKeyId === 7)).toBe(true);
    const anthropic = await call("GET", "/api/logs?clientProtocol=anthropic&pageSize=50");
    expect(anthropic.json.items.map((item: { traceId: string }) => item.traceId)).toEqual(
      ["k40", "k35", "k30", "k25", "k20", "k15", "k10", "k5", "k0"],
    );
    expect((await call("GET", "/api/logs?traceId=k9")).json.items).toHaveLength(1);
  });

  test("a cursor whose row is gone continues below its id", async () => {
    const page = await call("GET", "/api/logs?pageSize=3&cursor=4");
    expect(page.json.items.map((item: { id: number }) => item.id)).toEqual([3, 2, 1]);
    const deletedRow = await call("GET", "/api/logs?pageSize=3&cursor=100000");
    expect(deletedRow.json.items[0].traceId).toBe("with-bodies");
  });

  test("items carry authKeyId, endpoint, usageEstimated and warnings", async () => {
    const [newestBulk] = (await call("GET", "/api/logs?traceId=k44")).json.items;
    expect(newestBulk).toMatchObject({ authKeyId: 7, endpoint: "chat", usageEstimated: false, warnings: "tools dropped" });
    const [counted] = (await call("GET", "/api/logs?traceId=k9")).json.items;
    expect(counted).toMatchObject({ authKeyId: null, endpoint: "count_tokens", usageEstimated: true, warnings: null });
  });

  test("trace detail: attempts in order with the captured bodies", async () => {
    const response = await call("GET", "/api/logs/trace/with-bodies");
    expect(response.status).toBe(200);
    expect(response.json.attempts.map((item: { attempt: number; status: string }) => [item.attempt, item.status])).toEqual([
      [0, "error"],
      [1, "success"],
    ]);
    expect(response.json.bodies).toEqual({ requestBody: '{"model":"gpt","messages":[]}', responseBody: '{"choices":[]}' });
    expect((await call("GET", "/api/logs/trace/k1")).json).toMatchObject({ bodies: null });
    expect((await call("GET", "/api/logs/trace/unknown")).json).toEqual({ attempts: [], bodies: null });
  });

  test("a non-integer cursor is a 400 naming it", async () => {
    expect(await call("GET", "/api/logs?cursor=abc")).toMatchObject({ status: 400, json: { error: expect.stringContaining("cursor") } });
  });
});
