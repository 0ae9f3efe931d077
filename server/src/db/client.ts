import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { MigrationMeta } from "drizzle-orm/migrator";
import { embeddedMigrations } from "./migrations.macro.ts" with { type: "macro" };
import * as schema from "./schema.ts";

export type AppDatabase = BunSQLiteDatabase<typeof schema> & { $client: Database };

/** Opens (creating if needed) the SQLite database, tunes it for a write-heavy log, and migrates it. */
export function openDatabase(path: string): AppDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  const db = drizzle({ client: sqlite, schema }) as AppDatabase;
  migrate(db);
  return db;
}

const migrations = embeddedMigrations() as unknown as MigrationMeta[];

/** How many migrations this build carries (readiness compares it with those applied). */
export function embeddedMigrationCount(): number {
  return migrations.length;
}

function migrate(db: AppDatabase) {
  // drizzle's bun-sqlite migrator reads files from disk; the dialect applies our embedded copy instead.
  (db as any).dialect.migrate(migrations, (db as any).session, {});
}
