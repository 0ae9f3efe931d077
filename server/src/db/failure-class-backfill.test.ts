import { afterEach, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { AppDatabase } from "./client.ts";
import { openTestDatabase, testStorage } from "./test-database.ts";

let db: AppDatabase | undefined;
afterEach(async () => db?.close());

/** The backfill statement of the failure_class migration, run again over rows written as before the column. */
async function backfill(database: AppDatabase) {
  const file = testStorage === "sqlite" ? "../../../drizzle/0009_failure_class.sql" : "../../../drizzle/pg/0006_failure_class.sql";
  const statements = (await Bun.file(new URL(file, import.meta.url)).text()).split("--> statement-breakpoint");
  const update = statements.find((statement) => statement.includes("UPDATE"));
  if (!update) throw new Error("the migration has no backfill");
  await database.rows(sql.raw(update));
}

test("the failure_class migration fills the class of failed attempts from their reason, and nothing else", async () => {
  db = await openTestDatabase();
  const row = (traceId: string, status: string, reason: string | null) =>
    sql`INSERT INTO request_logs (trace_id, model, client_protocol, status, reason, created_at) VALUES (${traceId}, 'm', 'openai-chat', ${status}, ${reason}, 1)`;
  await db.rows(row("timeout", "error", "timeout"));
  await db.rows(row("rate", "error", "rate_limit"));
  await db.rows(row("closed", "error", "client_closed"));
  await db.rows(row("refused", "error", "no_healthy_provider"));
  await db.rows(row("rejected", "error", "unknown_key"));
  await db.rows(row("ok", "success", null));
  await backfill(db);
  const rows = await db.rows<{ trace_id: string; failure_class: string | null }>(sql`SELECT trace_id, failure_class FROM request_logs ORDER BY trace_id`);
  expect(Object.fromEntries(rows.map((entry) => [entry.trace_id, entry.failure_class]))).toEqual({
    closed: null,
    ok: null,
    rate: "rate_limit",
    refused: null,
    rejected: null,
    timeout: "timeout",
  });
});
