import { sql } from "drizzle-orm";
import { openDatabase, openPostgres, type AppDatabase } from "./client.ts";

/**
 * Which database the storage tests run on: in-memory SQLite, or PostgreSQL when
 * `LLMIO_TEST_STORAGE=postgres` (URL in `LLMIO_TEST_DATABASE_URL`); `.ci/run` runs them both ways.
 */
export const testStorage: "sqlite" | "postgres" = process.env.LLMIO_TEST_STORAGE === "postgres" ? "postgres" : "sqlite";

const TABLES = ["request_logs", "request_bodies", "model_providers", "models", "providers", "auth_keys", "settings", "retention_runs", "response_cache"];

/** A fresh, empty, migrated database for one test (PostgreSQL: the shared test database, emptied). */
export async function openTestDatabase(): Promise<AppDatabase> {
  if (testStorage === "sqlite") return openDatabase(":memory:");
  const url = process.env.LLMIO_TEST_DATABASE_URL;
  if (!url) throw new Error("LLMIO_TEST_STORAGE=postgres needs LLMIO_TEST_DATABASE_URL");
  const db = await openPostgres(url, { max: 4 });
  await db.rows(sql.raw(`TRUNCATE ${TABLES.join(", ")} RESTART IDENTITY CASCADE`));
  return db;
}
