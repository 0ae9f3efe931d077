import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { existsSync } from "node:fs";
import { CliError } from "../../lib/cli-error.ts";

export type SourceRow = Record<string, unknown>;

/** An LLMIO database opened read-only: its SQLite file, or the fork's PostgreSQL / MySQL server. */
export interface SourceDatabase {
  /** Without credentials: `sqlite /srv/llmio/db/llmio.db`, `postgres://db.lan:5432/llmio`. */
  readonly description: string;
  tableNames(): Promise<Set<string>>;
  /** Every row of a table, in id order; `afterId`/`limit` page through big tables (chat_logs). */
  rows(table: string, page?: { afterId: number; limit: number }): Promise<SourceRow[]>;
  close(): Promise<void>;
}

/**
 * Opens what `llmio import-llmio` was given: a postgres:// or mysql:// URL (the fork), or the
 * path of LLMIO's SQLite file. Table names are fixed identifiers of LLMIO's schema, never input.
 */
export async function openSourceDatabase(location: string, fileName?: string): Promise<SourceDatabase> {
  if (/^(postgres(ql)?|mysql):\/\//i.test(location)) return openServer(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new CliError(`unsupported database URL "${redactUrl(location)}"`, "give the path of LLMIO's llmio.db, or a postgres:// or mysql:// URL");
  }
  return openSqliteFile(location, fileName ?? location);
}

/** `name`: how to call the file in messages (an upload's original name, not its temporary path). */
function openSqliteFile(path: string, name: string): SourceDatabase {
  if (!existsSync(path)) throw new CliError(`no such file: ${name}`, "give the path of LLMIO's SQLite database (by default ./db/llmio.db beside LLMIO)");
  let db: Database;
  try {
    db = new Database(path, { readonly: true });
    db.query("SELECT count(*) FROM sqlite_master").get();
  } catch (error) {
    throw new CliError(`${name} is not a SQLite database: ${(error as Error).message}`);
  }
  return {
    description: `sqlite ${name}`,
    async tableNames() {
      const rows = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      return new Set(rows.map((row) => row.name));
    },
    async rows(table, page) {
      return db.query<SourceRow, []>(selectAll(table, page)).all();
    },
    async close() {
      db.close();
    },
  };
}

async function openServer(url: string): Promise<SourceDatabase> {
  const mysql = url.toLowerCase().startsWith("mysql");
  const description = redactUrl(url);
  const client = new SQL(url, { max: 2 });
  try {
    await client.unsafe("SELECT 1");
  } catch (error) {
    await client.close().catch(() => {});
    throw new CliError(`cannot connect to ${description}: ${(error as Error).message}`);
  }
  const schema = mysql ? "DATABASE()" : "current_schema()";
  return {
    description,
    async tableNames() {
      const rows: SourceRow[] = await client.unsafe(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ${schema}`);
      return new Set(rows.map((row) => String(row.name ?? row.NAME ?? row.TABLE_NAME)));
    },
    async rows(table, page) {
      return [...((await client.unsafe(selectAll(table, page))) as SourceRow[])];
    },
    async close() {
      await client.close();
    },
  };
}

function selectAll(table: string, page?: { afterId: number; limit: number }): string {
  if (!/^\w+$/.test(table)) throw new Error(`not a table name: ${table}`);
  if (!page) return `SELECT * FROM ${table} ORDER BY id`;
  return `SELECT * FROM ${table} WHERE id > ${Math.trunc(page.afterId)} ORDER BY id LIMIT ${Math.trunc(page.limit)}`;
}

/** `postgres://db.lan:5432/llmio`: no user, password or query (sslmode, passwords in options). */
export function redactUrl(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? `${parsed.protocol}//${parsed.host}${parsed.pathname}` : "the database URL";
}
