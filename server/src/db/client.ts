import { Database } from "bun:sqlite";
import { SQL as PgClient } from "bun";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { sql, type SQL } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/bun-sql";
import { drizzle as drizzleSqlite, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import type { MigrationMeta } from "drizzle-orm/migrator";
import { embeddedMigrations } from "./migrations.macro.ts" with { type: "macro" };
import * as sqliteTables from "./schema.ts";
import * as postgresTables from "./schema.pg.ts";
import { WalCheckpointer } from "./wal-checkpointer.ts";

export type Dialect = "sqlite" | "postgres";
export type Tables = typeof sqliteTables;

/**
 * The gateway's database: embedded SQLite (default) or PostgreSQL (`DATABASE_URL`, several
 * instances sharing one database). Services write one query for both: `orm` is drizzle's
 * builder, typed as SQLite's; on PostgreSQL it is drizzle's PostgreSQL builder, whose API is
 * the same for everything used here, over `tables` from schema.pg.ts (the same columns and
 * types). So queries are always awaited: SQLite-only `.get()/.all()/.run()` would not exist there.
 */
export interface AppDatabase {
  readonly dialect: Dialect;
  readonly orm: BunSQLiteDatabase<Tables>;
  readonly tables: Tables;
  /** The raw SQLite handle (SQLite only), for the few statements tuned by hand. */
  readonly sqlite: Database | undefined;
  /** Moves SQLite's log checkpoints off the event loop once the request log writes (SQLite only). */
  readonly walCheckpoints?: WalCheckpointer;
  /** The raw PostgreSQL pool (PostgreSQL only). */
  readonly postgres: PgClient | undefined;
  /** Runs a hand-written statement and returns its rows. */
  rows<T>(statement: SQL): Promise<T[]>;
  close(): Promise<void>;
}

const sqliteMigrations = embeddedMigrations("drizzle") as unknown as MigrationMeta[];
const postgresMigrations = embeddedMigrations("drizzle/pg") as unknown as MigrationMeta[];

/** How many migrations this build carries for a dialect (readiness compares it with those applied). */
export function embeddedMigrationCount(dialect: Dialect = "sqlite"): number {
  return (dialect === "sqlite" ? sqliteMigrations : postgresMigrations).length;
}

/** `DATABASE_URL` when it names PostgreSQL, else the SQLite file. */
export function openConfiguredDatabase(options: { databaseUrl?: string; databasePath: string }): Promise<AppDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : Promise.resolve(openDatabase(options.databasePath));
}

/** Opens (creating if needed) the SQLite database, tunes it for a write-heavy log, and migrates it. */
export function openDatabase(path: string): AppDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA temp_store = MEMORY");
  const orm = drizzleSqlite({ client: sqlite, schema: sqliteTables });
  // drizzle's bun-sqlite migrator reads files from disk; the dialect applies our embedded copy instead.
  (orm as any).dialect.migrate(sqliteMigrations, (orm as any).session, {});
  const walCheckpoints = new WalCheckpointer(sqlite, path);
  return {
    dialect: "sqlite",
    orm,
    tables: sqliteTables,
    sqlite,
    walCheckpoints,
    postgres: undefined,
    rows: async <T>(statement: SQL) => orm.all<T>(statement),
    close: async () => {
      await walCheckpoints.stop();
      sqlite.close();
    },
  };
}

/** Key of the advisory lock that lets one instance at a time migrate a shared database. */
const MIGRATION_LOCK = 70_700_001;

/** Connects to PostgreSQL and applies its migrations (one instance at a time). */
export async function openPostgres(url: string, options: { max?: number } = {}): Promise<AppDatabase> {
  await migratePostgres(url);
  // JIT compiling costs more than it saves on the gateway's short queries and chunked log scans
  // (measured: a 300k-row dashboard scan took 1.67 s with it, 0.82 s without).
  const client = new PgClient(url, { max: options.max ?? 20, idleTimeout: 60, connection: { jit: "off", application_name: "llmio" } });
  const orm = drizzlePostgres({ client, schema: postgresTables });
  return {
    dialect: "postgres",
    orm: orm as unknown as BunSQLiteDatabase<Tables>,
    tables: postgresTables as unknown as Tables,
    sqlite: undefined,
    postgres: client,
    rows: async <T>(statement: SQL) => (await orm.execute(statement)) as unknown as T[],
    close: () => client.close({ timeout: 5 }),
  };
}

async function migratePostgres(url: string): Promise<void> {
  // One connection, so the session-level advisory lock and the migration share it.
  const client = new PgClient(url, { max: 1 });
  try {
    const orm = drizzlePostgres({ client });
    await orm.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      await (orm as any).dialect.migrate(postgresMigrations, (orm as any).session, {});
    } finally {
      await orm.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  } finally {
    await client.close();
  }
}
