import { readMigrationFiles } from "drizzle-orm/migrator";
import { fileURLToPath } from "node:url";

/**
 * Runs at bundle time (imported `with { type: "macro" }`): inlines the SQL migrations of
 * one dialect ("drizzle" for SQLite, "drizzle/pg" for PostgreSQL) so the compiled binary
 * needs no files beside it.
 */
export function embeddedMigrations(folder: string) {
  return readMigrationFiles({ migrationsFolder: fileURLToPath(new URL(`../../../${folder}`, import.meta.url)) });
}
