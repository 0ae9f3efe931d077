/**
 * An LLMIO (atopos31/llmio) database file: LLMIO's own SQLite schema, filled with rows that use
 * every column (see fixture-data.ts for what they are).
 */
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { buildLlmioFixtureRows } from "./fixture-data.ts";
import type { FixtureOptions, LlmioFixture } from "./fixture-types.ts";
import { LLMIO_SQLITE_SCHEMA, LLMIO_TABLES, llmioColumnNames } from "./llmio-schema.ts";

/** Creates `path` (which must not exist) as a filled LLMIO database and says what it holds. */
export function createLlmioSqliteFixture(path: string, options: FixtureOptions = {}): LlmioFixture {
  if (existsSync(path)) throw new Error(`${path} exists: the LLMIO fixture writes a new file`);
  const { rows, description } = buildLlmioFixtureRows(options);
  const db = new Database(path, { create: true, strict: true });
  try {
    db.transaction(() => {
      for (const statement of LLMIO_SQLITE_SCHEMA) db.run(statement);
      for (const table of LLMIO_TABLES) {
        const columns = llmioColumnNames(table);
        const insert = db.prepare(
          `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(",")}) VALUES (${columns.map(() => "?").join(",")})`,
        );
        for (const row of rows[table]) {
          // Every column written explicitly: a row missing one (or with a stray one) is a fixture bug.
          const keys = Object.keys(row);
          if (keys.length !== columns.length || !columns.every((column) => column in row)) {
            throw new Error(`${table} row ${row.id}: columns ${keys.join(",")} ≠ ${columns.join(",")}`);
          }
          insert.run(...columns.map((column) => row[column]));
        }
      }
    })();
  } finally {
    db.close();
  }
  return { ...description, path };
}
