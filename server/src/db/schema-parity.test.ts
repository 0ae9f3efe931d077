/** The SQLite and PostgreSQL schemas describe the same tables and columns (names, nullability, type family). */
import { describe, expect, test } from "bun:test";
import { getTableConfig as pgTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { is, Table } from "drizzle-orm";
import * as sqlite from "./schema.ts";
import * as pg from "./schema.pg.ts";

const tablesOf = <T>(module: Record<string, unknown>): T[] => Object.values(module).filter((value): value is T => is(value, Table));

/** JSON is a text column on both; PostgreSQL's is a custom type that (de)serialises it. */
const family = (dataType: string) => (dataType === "custom" ? "json" : dataType);

/** `number`, `string`, `boolean`, `json` …: drizzle's dataType, which both dialects share. */
function columnsOf(columns: Array<{ name: string; notNull: boolean; dataType: string; primary: boolean }>) {
  return Object.fromEntries(columns.map((column) => [column.name, { notNull: column.notNull || column.primary, family: family(column.dataType) }]));
}

describe("SQLite and PostgreSQL schemas", () => {
  const sqliteTables = new Map(tablesOf<SQLiteTable>(sqlite).map((table) => [sqliteTableConfig(table).name, sqliteTableConfig(table)]));
  const pgTables = new Map(tablesOf<PgTable>(pg).map((table) => [pgTableConfig(table).name, pgTableConfig(table)]));

  test("have the same tables", () => {
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    expect(sqliteTables.size).toBeGreaterThan(5);
  });

  for (const [name, sqliteTable] of sqliteTables) {
    test(`${name}: same columns, nullability and type family`, () => {
      const pgTable = pgTables.get(name);
      expect(pgTable).toBeDefined();
      expect(columnsOf(pgTable!.columns)).toEqual(columnsOf(sqliteTable.columns));
    });
  }
});
