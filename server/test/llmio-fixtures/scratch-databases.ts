/**
 * A fresh, empty database of its own on a shared test server (the storage suites empty the
 * shared PostgreSQL database, and a fork fixture's tables would clash with llmio's own).
 */
import { SQL } from "bun";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new database `name` on the PostgreSQL server of `serverUrl` (any database URL on it). */
export function createScratchPostgresDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  return createScratch(serverUrl, name, {
    drop: `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
    create: `CREATE DATABASE "${name}" ENCODING 'UTF8'`,
  });
}

/** A new utf8mb4 database `name` on the MySQL/MariaDB server of `serverUrl` (mysql://…). */
export function createScratchMysqlDatabase(serverUrl: string, name: string): Promise<ScratchDatabase> {
  return createScratch(serverUrl, name, {
    drop: `DROP DATABASE IF EXISTS \`${name}\``,
    create: `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  });
}

async function createScratch(serverUrl: string, name: string, statements: { drop: string; create: string }): Promise<ScratchDatabase> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: use [a-z0-9_]`);
  await runOnServer(serverUrl, [statements.drop, statements.create]);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => runOnServer(serverUrl, [statements.drop]) };
}

async function runOnServer(serverUrl: string, statements: string[]): Promise<void> {
  const server = new SQL(serverUrl, { max: 1 });
  try {
    for (const statement of statements) await server.unsafe(statement);
  } finally {
    await server.close();
  }
}
