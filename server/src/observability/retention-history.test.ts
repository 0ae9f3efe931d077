import { afterEach, describe, expect, test } from "bun:test";
import type { AppDatabase } from "../db/client.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { openTestDatabase, testStorage } from "../db/test-database.ts";
import { LogRetention } from "./log-retention.ts";
import { RETENTION_HISTORY_SIZE, RetentionHistory, retentionMode } from "./retention-history.ts";
import { DEFAULT_SETTINGS, type GatewaySettings } from "../routing/settings.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function database(): Promise<AppDatabase> {
  const db = await openTestDatabase();
  opened.push(db);
  return db;
}

function settingsWith(limits: Partial<GatewaySettings>) {
  return { get: async () => ({ ...DEFAULT_SETTINGS, ...limits }) };
}

describe(`cleanup history (${testStorage})`, () => {
  test("the mode names the limits that apply", () => {
    expect(retentionMode({ logRetentionDays: 7, logMaxRows: null })).toBe("age");
    expect(retentionMode({ logRetentionDays: null, logMaxRows: 1000 })).toBe("count");
    expect(retentionMode({ logRetentionDays: 7, logMaxRows: 1000 })).toBe("both");
    expect(retentionMode({ logRetentionDays: null, logMaxRows: null })).toBe("none");
  });

  test("a manual and a scheduled run are recorded, newest first, with what they deleted", async () => {
    const db = await database();
    const now = Date.now();
    await db.orm.insert(db.tables.requestLogs).values(
      [40, 35, 1].map((days, index): NewRequestLog => ({ traceId: `t${index}`, model: "gpt", clientProtocol: "openai-chat", status: "success", createdAt: now - days * DAY_MS })),
    );
    const before = Date.now();
    expect(await new LogRetention(db, settingsWith({ logRetentionDays: 30, logMaxRows: null })).run()).toEqual({ deletedRows: 2, deletedBodies: 0 });
    const scheduled = new LogRetention(db, settingsWith({ logRetentionDays: 30, logMaxRows: 1000 })).start(60_000, 1);
    const deadline = Date.now() + 5_000;
    while ((await new RetentionHistory(db).list()).length < 2 && Date.now() < deadline) await Bun.sleep(10);
    scheduled.stop();
    const runs = await new RetentionHistory(db).list();
    expect(runs).toMatchObject([
      { triggeredBy: "scheduled", mode: "both", deletedRows: 0, deletedBodies: 0, error: null },
      { triggeredBy: "manual", mode: "age", deletedRows: 2, deletedBodies: 0, error: null },
    ]);
    for (const run of runs) {
      expect(run.startedAt).toBeGreaterThanOrEqual(before);
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  test("a failed run is recorded with its error", async () => {
    const db = await database();
    // Counting the rows to keep fails; the history is written through the query builder, which still works.
    const failing: AppDatabase = { ...db, rows: async () => Promise.reject(new Error("the count failed")) };
    const retention = new LogRetention(failing, settingsWith({ logRetentionDays: null, logMaxRows: 1000 }));
    await expect(retention.run()).rejects.toThrow("the count failed");
    const [run] = await new RetentionHistory(db).list();
    expect(run).toMatchObject({ triggeredBy: "manual", mode: "count", deletedRows: 0, error: "the count failed" });
  });

  test(`only the newest ${RETENTION_HISTORY_SIZE} runs are kept`, async () => {
    const db = await database();
    const history = new RetentionHistory(db);
    for (let index = 0; index < RETENTION_HISTORY_SIZE + 5; index++) {
      await history.record({ startedAt: index, triggeredBy: "scheduled", mode: "none", deletedRows: index, deletedBodies: 0, durationMs: 1, error: null });
    }
    const runs = await history.list();
    expect(runs).toHaveLength(RETENTION_HISTORY_SIZE);
    expect(runs[0]!.deletedRows).toBe(RETENTION_HISTORY_SIZE + 4);
    expect(runs.at(-1)!.deletedRows).toBe(5);
    const stored = await db.orm.select().from(db.tables.retentionRuns);
    expect(stored).toHaveLength(RETENTION_HISTORY_SIZE);
  });
});
