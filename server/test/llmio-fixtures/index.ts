/**
 * Test fixtures for `llmio import-llmio`: databases in LLMIO's own schema (SQLite) and its fork's
 * (PostgreSQL, MySQL), with what they hold described for assertions. See README.md.
 */
export { createLlmioSqliteFixture } from "./llmio-sqlite-fixture.ts";
export { createForkMysqlFixture, createForkPostgresFixture } from "./fork-fixtures.ts";
export { createScratchMysqlDatabase, createScratchPostgresDatabase, type ScratchDatabase } from "./scratch-databases.ts";
export { buildLlmioFixtureRows, DEFAULT_PROXY_URL } from "./fixture-data.ts";
export { buildForkFixtureRows, FORK_KEY_PREFIX } from "./fork-data.ts";
export { LLMIO_COLUMNS, LLMIO_SQLITE_SCHEMA, LLMIO_TABLES, llmioColumnNames, type LlmioTable } from "./llmio-schema.ts";
export { FORK_MYSQL_SCHEMA, FORK_MYSQL_TABLES, FORK_POSTGRES_SCHEMA, FORK_POSTGRES_TABLES } from "./fork-schema.ts";
export { goSqliteTime } from "./deterministic.ts";
export type * from "./fixture-types.ts";
