import { describe, expect, test } from "bun:test";
import { asc } from "drizzle-orm";
import { requestBodies, requestLogs, type NewRequestLog } from "../../db/schema.ts";
import { SettingsService } from "../../services/admin/settings.ts";
import { LogRetention } from "../../services/log-retention.ts";
import { DEFAULT_SETTINGS } from "../../services/settings.ts";
import { createAdminHarness } from "./test-support.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", ...row };
}

describe("/api/settings", () => {
  const { call, deps } = createAdminHarness();

  test("GET answers every setting with its default", async () => {
    expect((await call("GET", "/api/settings")).json).toEqual({
      logRetentionDays: 30,
      logMaxRows: 1_000_000,
      bodyCapture: false,
      bodyCaptureMaxChars: 65_536,
      defaultTimeoutMs: 60_000,
      defaultMaxRetry: 3,
    });
  });

  test("PUT changes the given settings, keeps the rest, and returns all of them", async () => {
    const response = await call("PUT", "/api/settings", { bodyCapture: true, logRetentionDays: null, bodyCaptureMaxChars: 256 });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ...DEFAULT_SETTINGS, bodyCapture: true, logRetentionDays: null, bodyCaptureMaxChars: 256 });
    expect((await call("GET", "/api/settings")).json).toEqual(response.json);
    expect(deps.bodyCapture.enabled).toBe(true);
    expect((await call("PUT", "/api/settings", { logRetentionDays: 7, logMaxRows: null })).json).toMatchObject({
      bodyCapture: true,
      logRetentionDays: 7,
      logMaxRows: null,
    });
  });

  test("out-of-range values are 400s naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logRetentionDays: 0 }, "Invalid body: /logRetentionDays must be an integer from 1 to 3650 or null"],
      [{ logRetentionDays: 3651 }, "Invalid body: /logRetentionDays must be an integer from 1 to 3650 or null"],
      [{ logMaxRows: 999 }, "Invalid body: /logMaxRows must be an integer ≥ 1000 or null"],
      [{ bodyCapture: null }, "Invalid body: /bodyCapture must be a boolean"],
      [{ bodyCaptureMaxChars: 255 }, "Invalid body: /bodyCaptureMaxChars must be an integer from 256 to 10000000"],
      [{ bodyCaptureMaxChars: 10_000_001 }, "Invalid body: /bodyCaptureMaxChars must be an integer from 256 to 10000000"],
      [{ defaultTimeoutMs: 0 }, "Invalid body: /defaultTimeoutMs must be an integer ≥ 1"],
      [{ defaultMaxRetry: 21 }, "Invalid body: /defaultMaxRetry must be an integer from 0 to 20"],
      [{ defaultMaxRetry: -1 }, "Invalid body: /defaultMaxRetry must be an integer from 0 to 20"],
    ];
    for (const [body, error] of cases) {
      expect(await call("PUT", "/api/settings", body)).toMatchObject({ status: 400, json: { error } });
    }
    expect((await call("GET", "/api/settings")).json.defaultMaxRetry).toBe(3);
  });

  test("new models take the default timeout and retry count from the settings", async () => {
    await call("PUT", "/api/settings", { defaultTimeoutMs: 12_345, defaultMaxRetry: 0 });
    expect((await call("POST", "/api/models", { name: "fresh" })).json).toMatchObject({ timeoutMs: 12_345, maxRetry: 0 });
    expect((await call("POST", "/api/models", { name: "explicit", timeoutMs: 1000, maxRetry: 5 })).json).toMatchObject({ timeoutMs: 1000, maxRetry: 5 });
  });

  test("POST /retention/run applies the limits now", async () => {
    const now = Date.now();
    deps.logWriter.write(attempt({ traceId: "ancient", createdAt: now - 8 * DAY_MS }));
    deps.logWriter.write(attempt({ traceId: "recent", createdAt: now - DAY_MS }));
    deps.logWriter.flush();
    deps.db.insert(requestBodies).values({ traceId: "ancient", requestBody: "{}", responseBody: "{}", createdAt: now - 8 * DAY_MS }).run();
    const response = await call("POST", "/api/settings/retention/run");
    expect(response.json).toEqual({ deletedRows: 1, deletedBodies: 1 });
    expect(deps.db.select({ traceId: requestLogs.traceId }).from(requestLogs).all()).toEqual([{ traceId: "recent" }]);
  });
});

describe("log retention", () => {
  const NOW = Date.parse("2025-06-10T12:00:00Z");

  function setup(rows: NewRequestLog[], bodies: Array<{ traceId: string; createdAt: number }> = []) {
    const harness = createAdminHarness();
    for (const row of rows) harness.deps.logWriter.write(row);
    harness.deps.logWriter.flush();
    for (const body of bodies) harness.deps.db.insert(requestBodies).values({ ...body, requestBody: "req", responseBody: "res" }).run();
    const traces = () => harness.deps.db.select({ traceId: requestLogs.traceId }).from(requestLogs).orderBy(asc(requestLogs.id)).all().map((row) => row.traceId);
    const bodyTraces = () => harness.deps.db.select({ traceId: requestBodies.traceId }).from(requestBodies).orderBy(asc(requestBodies.traceId)).all().map((row) => row.traceId);
    return { ...harness, traces, bodyTraces };
  }

  test("deletes rows older than the retention days, and only those, in chunks", async () => {
    const cutoff = NOW - 10 * DAY_MS;
    const old = Array.from({ length: 23 }, (_, index) => attempt({ traceId: `old-${index}`, createdAt: cutoff - 1 - index }));
    const kept = [attempt({ traceId: "at-cutoff", createdAt: cutoff }), attempt({ traceId: "new", createdAt: NOW - 1000 })];
    const { deps, traces, bodyTraces } = setup([...old, ...kept], [
      { traceId: "old-3", createdAt: cutoff - 100 },
      { traceId: "new", createdAt: NOW - 500 },
    ]);
    new SettingsService(deps.db, deps.settings).update({ logRetentionDays: 10, logMaxRows: null });
    const result = await new LogRetention(deps.db, deps.settings, 5).run(NOW);
    expect(result).toEqual({ deletedRows: 23, deletedBodies: 1 });
    expect(traces()).toEqual(["at-cutoff", "new"]);
    expect(bodyTraces()).toEqual(["new"]);
  });

  test("keeps the newest logMaxRows rows; bodies of deleted requests go with them", async () => {
    // Rows are written out of time order: "oldest first" is by createdAt, not by id.
    const rows = Array.from({ length: 30 }, (_, index) => attempt({ traceId: `r${index}`, createdAt: NOW - ((index * 7) % 30) * 1000 }));
    const { deps, traces, bodyTraces } = setup(rows, [
      { traceId: "r1", createdAt: NOW - 7000 }, // r1 (createdAt NOW - 7 s) survives
      { traceId: "r3", createdAt: NOW - 21_000 }, // r3 (NOW - 21 s) is among the 10 oldest
    ]);
    new SettingsService(deps.db, deps.settings).update({ logRetentionDays: null, logMaxRows: 20 });
    const result = await new LogRetention(deps.db, deps.settings, 3).run(NOW);
    expect(result).toEqual({ deletedRows: 10, deletedBodies: 1 });
    const expected = rows.filter((row) => row.createdAt > NOW - 20_000).map((row) => row.traceId);
    expect(traces()).toEqual(expected);
    expect(traces()).toHaveLength(20);
    expect(bodyTraces()).toEqual(["r1"]);
    // Nothing more to do on a second run.
    expect(await new LogRetention(deps.db, deps.settings, 3).run(NOW)).toEqual({ deletedRows: 0, deletedBodies: 0 });
  });

  test("both limits at once; null limits delete nothing", async () => {
    const rows = [
      ...Array.from({ length: 4 }, (_, index) => attempt({ traceId: `old-${index}`, createdAt: NOW - 40 * DAY_MS + index })),
      ...Array.from({ length: 8 }, (_, index) => attempt({ traceId: `new-${index}`, createdAt: NOW - 8000 + index * 1000 })),
    ];
    const { deps, traces } = setup(rows);
    new SettingsService(deps.db, deps.settings).update({ logRetentionDays: null, logMaxRows: null });
    expect(await new LogRetention(deps.db, deps.settings).run(NOW)).toEqual({ deletedRows: 0, deletedBodies: 0 });
    new SettingsService(deps.db, deps.settings).update({ logRetentionDays: 30, logMaxRows: 5 });
    expect(await new LogRetention(deps.db, deps.settings, 2).run(NOW)).toEqual({ deletedRows: 7, deletedBodies: 0 });
    expect(traces()).toEqual(["new-3", "new-4", "new-5", "new-6", "new-7"]);
  });

  test("a second caller joins the run under way", async () => {
    const { deps } = setup([attempt({ traceId: "old", createdAt: NOW - 100 * DAY_MS })]);
    const first = new LogRetention(deps.db, deps.settings).run(NOW);
    const second = new LogRetention(deps.db, deps.settings).run(NOW);
    expect(second).toBe(first);
    expect(await first).toEqual({ deletedRows: 1, deletedBodies: 0 });
  });

  test("the schedule runs the job and stop() cancels it", async () => {
    const { deps, traces } = setup([attempt({ traceId: "old", createdAt: Date.now() - 100 * DAY_MS })]);
    const retention = new LogRetention(deps.db, deps.settings).start(60_000, 1);
    await Bun.sleep(50);
    retention.stop();
    expect(traces()).toEqual([]);
  });
});
