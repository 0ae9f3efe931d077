import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { AppDatabase } from "./client.ts";
import { LogWriter } from "./log-writer.ts";
import type { NewRequestLog } from "./schema.ts";
import { openTestDatabase, testStorage } from "./test-database.ts";

const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

const row = (traceId: string): NewRequestLog => ({ traceId, model: "m", clientProtocol: "openai-chat", status: "success", createdAt: Date.now() });

async function countRows(db: AppDatabase): Promise<number> {
  const [counted] = await db.rows<{ n: number }>(sql`SELECT COUNT(*) AS n FROM request_logs`);
  return Number(counted.n);
}

test("a folded repeat is applied to its row, written in the same batch", async () => {
  const db = await openTestDatabase();
  opened.push(db);
  const writer = new LogWriter(db, { flushIntervalMs: 1 });
  for (let index = 0; index < 120; index++) writer.write(row(`r${index}`));
  writer.addRepeats("r119", 4);
  await Bun.sleep(50);
  await writer.flush();
  const [last] = await db.rows<{ repeat_count: number }>(sql`SELECT repeat_count FROM request_logs WHERE trace_id = 'r119'`);
  expect(Number(last.repeat_count)).toBe(5);
  expect(await countRows(db)).toBe(120);
});

test("flush() writes the whole backlog at once (shutdown, crash handler)", async () => {
  const db = await openTestDatabase();
  opened.push(db);
  const writer = new LogWriter(db, { flushIntervalMs: 10_000, maxBatch: 10_000 });
  for (let index = 0; index < 300; index++) writer.write(row(`f${index}`));
  const flushed = writer.flush();
  // SQLite writes inside the call, so an un-awaited flush in a crash handler still lands.
  if (testStorage === "sqlite") expect(await countRows(db)).toBe(300);
  await flushed;
  expect(await countRows(db)).toBe(300);
});
