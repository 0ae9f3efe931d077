import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", ...row };
}

describe("/api/metrics and /api/status", () => {
  const harness = suiteHarness();
  const { call } = harness;

  beforeAll(async () => {
    const { deps } = harness;
    const now = Date.now();
    const rows = [
      // A request that failed once then succeeded: one request, one success.
      attempt({ traceId: "a", attempt: 0, status: "error", createdAt: now - 2 * HOUR_MS }),
      attempt({ traceId: "a", attempt: 1, createdAt: now - 2 * HOUR_MS, promptTokens: 100, completionTokens: 20, totalTokens: 120 }),
      attempt({ traceId: "b", createdAt: now - 3 * HOUR_MS, promptTokens: 10, completionTokens: 5, totalTokens: 15 }),
      // A request whose attempts all failed.
      attempt({ traceId: "c", model: "claude", attempt: 0, status: "error", createdAt: now - 2 * DAY_MS }),
      attempt({ traceId: "c", model: "claude", attempt: 1, status: "error", createdAt: now - 2 * DAY_MS }),
      attempt({ traceId: "d", model: "claude", createdAt: now - 10 * DAY_MS, promptTokens: 1000, completionTokens: 1000, totalTokens: 2000 }),
      attempt({ traceId: "g", createdAt: now - 40 * DAY_MS, totalTokens: 4 }),
      // The last minute: one success, one failure.
      attempt({ traceId: "e", createdAt: now - 5000, totalTokens: 1 }),
      attempt({ traceId: "f", model: "claude", status: "error", createdAt: now - 1000 }),
    ];
    for (const row of rows) deps.logWriter.write(row);
    await deps.logWriter.flush();
  });

  test("use/1 counts requests (distinct traces) and tokens of the last day", async () => {
    const response = await call("GET", "/api/metrics/use/1");
    expect(response.json).toEqual({
      reqs: 4,
      success: 3,
      errors: 1,
      tokens: 136,
      promptTokens: 110,
      completionTokens: 25,
    });
  });

  test("use/N widens the window", async () => {
    expect((await call("GET", "/api/metrics/use/7")).json).toMatchObject({ reqs: 5, success: 3, errors: 2, tokens: 136 });
    expect((await call("GET", "/api/metrics/use/30")).json).toMatchObject({ reqs: 6, success: 4, errors: 2, tokens: 2136 });
  });

  test("use/0 is a 400", async () => {
    expect(await call("GET", "/api/metrics/use/0")).toMatchObject({
      status: 400,
      json: { error: "Invalid params: /days must be an integer ≥ 1" },
    });
  });

  test("counts is an array per model, busiest first", async () => {
    expect((await call("GET", "/api/metrics/counts")).json).toEqual([
      { model: "gpt", calls: 4, tokens: 140 },
      { model: "claude", calls: 3, tokens: 2000 },
    ]);
  });

  test("status reports last-minute traffic and the log backlog", async () => {
    const { deps } = harness;
    deps.logWriter.write(attempt({ traceId: "pending", createdAt: Date.now() }));
    const response = await call("GET", "/api/status");
    await deps.logWriter.flush();
    expect(response.json).toMatchObject({ version: "0.1.0", requestsLastMinute: 2, errorsLastMinute: 1, logBacklog: 1 });
    expect(response.json).toMatchObject({ database: deps.db.dialect, sharedState: "memory", sharedStateAvailable: true });
    expect(response.json.uptimeSeconds).toBeNumber();
    expect(response.json.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});
