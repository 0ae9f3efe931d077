/**
 * The fork's (raciott/llmio) database in a given empty PostgreSQL or MySQL database: its schema,
 * filled with rows in the spirit of the LLMIO fixture (see fork-data.ts).
 */
import { SQL } from "bun";
import { buildForkFixtureRows, type ForkDialect, type ForkRow } from "./fork-data.ts";
import type { FixtureOptions, ForkFixture } from "./fixture-types.ts";
import { FORK_MYSQL_SCHEMA, FORK_POSTGRES_SCHEMA } from "./fork-schema.ts";

/** Creates the fork's PostgreSQL tables (init_pg_db.sql's shape) in `databaseUrl` and fills them. */
export function createForkPostgresFixture(databaseUrl: string, options: FixtureOptions = {}): Promise<ForkFixture> {
  return createForkFixture("postgres", databaseUrl, options);
}

/** Creates the fork's MySQL tables (4a31949:init_database_mysql.sql's shape) in `databaseUrl` (mysql://…) and fills them. */
export function createForkMysqlFixture(databaseUrl: string, options: FixtureOptions = {}): Promise<ForkFixture> {
  return createForkFixture("mysql", databaseUrl, options);
}

const ROWS_PER_INSERT = 100;

async function createForkFixture(dialect: ForkDialect, databaseUrl: string, options: FixtureOptions): Promise<ForkFixture> {
  const { rows, description } = buildForkFixtureRows(dialect, options);
  const sql = new SQL(databaseUrl, { max: 1 });
  const quote = (name: string) => (dialect === "postgres" ? `"${name}"` : `\`${name}\``);
  try {
    for (const statement of dialect === "postgres" ? FORK_POSTGRES_SCHEMA : FORK_MYSQL_SCHEMA) await sql.unsafe(statement);
    for (const [table, tableRows] of Object.entries(rows) as Array<[string, ForkRow[]]>) {
      const columns = Object.keys(tableRows[0]);
      for (let start = 0; start < tableRows.length; start += ROWS_PER_INSERT) {
        const batch = tableRows.slice(start, start + ROWS_PER_INSERT);
        const params: unknown[] = [];
        const tuples = batch.map((row) => {
          if (Object.keys(row).length !== columns.length) throw new Error(`${table} row ${row.id}: columns differ from the first row's`);
          const marks = columns.map((column) => {
            params.push(row[column]);
            return dialect === "postgres" ? `$${params.length}` : "?";
          });
          return `(${marks.join(",")})`;
        });
        await sql.unsafe(`INSERT INTO ${quote(table)} (${columns.map(quote).join(",")}) VALUES ${tuples.join(",")}`, params);
      }
      // Rows carry explicit ids: move each SERIAL past them so later inserts (an importer test's) work.
      if (dialect === "postgres") await sql.unsafe(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${quote(table)}))`);
    }
  } finally {
    await sql.close();
  }
  return { ...description, databaseUrl };
}
