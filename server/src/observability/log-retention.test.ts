import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { openDatabase, openPostgres, type AppDatabase } from "../db/client.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { openTestDatabase, testStorage } from "../db/test-database.ts";
import { LogRetention } from "./log-retention.ts";
import { DEFAULT_SETTINGS, type GatewaySettings, type SettingsStore } from "../routing/settings.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const NOW = Date.parse("2025-06-10T12:00:00Z");

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", ...row };
}

const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

type Limits = Pick<GatewaySettings, "logRetentionDays" | "logMaxRows">;

/** The settings as retention reads them; `update` changes the limits of later runs. */
function settingsWith(limits: Limits) {
  let current: GatewaySettings = { ...DEFAULT_SETTINGS, ...limits };
  return {
    get: async () => current,
    update: (changes: Limits) => void (current = { ...current, ...changes }),
  } satisfies Pick<SettingsStore, "get"> & { update(changes: Limits): void };
}

/** A database holding the rows (ids in array order) and bodies, with these retention limits. */
async function setup(
  limits: Limits,
  rows: NewRequestLog[],
  bodies: Array<{ traceId: string; createdAt: number }> = [],
) {
  const db = await openTestDatabase();
  opened.push(db);
  return fill(db, limits, rows, bodies);
}

async function fill(
  db: AppDatabase,
  limits: Limits,
  rows: NewRequestLog[],
  bodies: Array<{ traceId: string; createdAt: number }> = [],
) {
  const { orm, tables } = db;
  if (rows.length) await orm.insert(tables.requestLogs).values(rows);
  if (bodies.length) await orm.insert(tables.requestBodies).values(bodies.map((body) => ({ ...body, requestBody: "req", responseBody: "res" })));
  const settings = settingsWith(limits);
  const traces = async () =>
    (await orm.select({ traceId: tables.requestLogs.traceId }).from(tables.requestLogs).orderBy(asc(tables.requestLogs.id))).map((row) => row.traceId);
  const bodyTraces = async () =>
    (await orm.select({ traceId: tables.requestBodies.traceId }).from(tables.requestBodies).orderBy(asc(tables.requestBodies.traceId))).map((row) => row.traceId);
  return { db, settings, traces, bodyTraces };
}

describe(`log retention (${testStorage})`, () => {
  test("deletes rows older than the retention days, and only those, in chunks", async () => {
    const cutoff = NOW - 10 * DAY_MS;
    const old = Array.from({ length: 23 }, (_, index) => attempt({ traceId: `old-${index}`, createdAt: cutoff - 1 - index }));
    const kept = [attempt({ traceId: "at-cutoff", createdAt: cutoff }), attempt({ traceId: "new", createdAt: NOW - 1000 })];
    const { db, settings, traces, bodyTraces } = await setup({ logRetentionDays: 10, logMaxRows: null }, [...old, ...kept], [
      { traceId: "old-3", createdAt: cutoff - 100 },
      { traceId: "new", createdAt: NOW - 500 },
    ]);
    const result = await new LogRetention(db, settings, 5).run(NOW);
    expect(result).toEqual({ deletedRows: 23, deletedBodies: 1 });
    expect(await traces()).toEqual(["at-cutoff", "new"]);
    expect(await bodyTraces()).toEqual(["new"]);
  });

  test("keeps the newest logMaxRows rows; bodies of deleted requests go with them", async () => {
    // Rows are written out of time order: "oldest first" is by createdAt, not by id.
    const rows = Array.from({ length: 30 }, (_, index) => attempt({ traceId: `r${index}`, createdAt: NOW - ((index * 7) % 30) * 1000 }));
    const { db, settings, traces, bodyTraces } = await setup({ logRetentionDays: null, logMaxRows: 20 }, rows, [
      { traceId: "r1", createdAt: NOW - 7000 }, // r1 (createdAt NOW - 7 s) survives
      { traceId: "r3", createdAt: NOW - 21_000 }, // r3 (NOW - 21 s) is among the 10 oldest
    ]);
    const result = await new LogRetention(db, settings, 3).run(NOW);
    expect(result).toEqual({ deletedRows: 10, deletedBodies: 1 });
    const expected = rows.filter((row) => row.createdAt > NOW - 20_000).map((row) => row.traceId);
    expect(await traces()).toEqual(expected);
    expect(await traces()).toHaveLength(20);
    expect(await bodyTraces()).toEqual(["r1"]);
    // Nothing more to do on a second run.
    expect(await new LogRetention(db, settings, 3).run(NOW)).toEqual({ deletedRows: 0, deletedBodies: 0 });
  });

  test("rows written in the same millisecond go oldest id first", async () => {
    const rows = Array.from({ length: 6 }, (_, index) => attempt({ traceId: `same-${index}`, createdAt: NOW - 1000 }));
    const { db, settings, traces } = await setup({ logRetentionDays: null, logMaxRows: 4 }, [attempt({ traceId: "older", createdAt: NOW - 2000 }), ...rows]);
    expect(await new LogRetention(db, settings, 2).run(NOW)).toEqual({ deletedRows: 3, deletedBodies: 0 });
    expect(await traces()).toEqual(["same-2", "same-3", "same-4", "same-5"]);
  });

  test("both limits at once; null limits delete nothing", async () => {
    const rows = [
      ...Array.from({ length: 4 }, (_, index) => attempt({ traceId: `old-${index}`, createdAt: NOW - 40 * DAY_MS + index })),
      ...Array.from({ length: 8 }, (_, index) => attempt({ traceId: `new-${index}`, createdAt: NOW - 8000 + index * 1000 })),
    ];
    const { db, settings, traces } = await setup({ logRetentionDays: null, logMaxRows: null }, rows);
    expect(await new LogRetention(db, settings).run(NOW)).toEqual({ deletedRows: 0, deletedBodies: 0 });
    settings.update({ logRetentionDays: 30, logMaxRows: 5 });
    expect(await new LogRetention(db, settings, 2).run(NOW)).toEqual({ deletedRows: 7, deletedBodies: 0 });
    expect(await traces()).toEqual(["new-3", "new-4", "new-5", "new-6", "new-7"]);
  });

  test("expired cached answers go with every run, even with no log limits; unexpired ones stay", async () => {
    const { db, settings } = await setup({ logRetentionDays: null, logMaxRows: null }, []);
    const answer = (key: string, expiresAt: number) => ({ key, model: "translate", answer: "{}", bytes: 2, createdAt: NOW - DAY_MS, expiresAt });
    await db.orm.insert(db.tables.responseCache).values([answer("expired", NOW - 1), answer("due-now", NOW), answer("fresh", NOW + 60_000)]);
    await new LogRetention(db, settings).run(NOW);
    const left = await db.orm.select({ key: db.tables.responseCache.key }).from(db.tables.responseCache);
    expect(left.map((row) => row.key)).toEqual(["fresh"]);
  });

  test("a second caller joins the run under way", async () => {
    const { db, settings } = await setup({ logRetentionDays: 30, logMaxRows: null }, [attempt({ traceId: "old", createdAt: NOW - 100 * DAY_MS })]);
    const first = new LogRetention(db, settings).run(NOW);
    const second = new LogRetention(db, settings).run(NOW);
    expect(second).toBe(first);
    expect(await first).toEqual({ deletedRows: 1, deletedBodies: 0 });
  });

  test("instances pruning one database at once delete the excess once, not once each", async () => {
    // Two connections, as two gateway instances have: a file for SQLite, the same URL for PostgreSQL.
    const folder = mkdtempSync(join(tmpdir(), "llmio-retention-"));
    try {
      const [one, two] =
        testStorage === "postgres"
          ? [await openTestDatabase(), await openPostgres(process.env.LLMIO_TEST_DATABASE_URL!, { max: 4 })]
          : [openDatabase(join(folder, "llmio.db")), openDatabase(join(folder, "llmio.db"))];
      opened.push(one, two);
      const rows = Array.from({ length: 40 }, (_, index) => attempt({ traceId: `r${index}`, createdAt: NOW - (40 - index) * 1000 }));
      const first = await fill(one, { logRetentionDays: null, logMaxRows: 25 }, rows);
      const results = await Promise.all([new LogRetention(one, first.settings, 2).run(NOW), new LogRetention(two, first.settings, 2).run(NOW)]);
      expect(await first.traces()).toEqual(rows.slice(15).map((row) => row.traceId));
      // Between them they deleted each excess row once.
      expect(results[0].deletedRows + results[1].deletedRows).toBe(15);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("the schedule runs the job and stop() cancels it", async () => {
    const { db, settings, traces } = await setup({ logRetentionDays: 30, logMaxRows: null }, [
      attempt({ traceId: "old", createdAt: Date.now() - 100 * DAY_MS }),
    ]);
    const retention = new LogRetention(db, settings).start(60_000, 1);
    await Bun.sleep(50);
    retention.stop();
    expect(await traces()).toEqual([]);
  });
});
