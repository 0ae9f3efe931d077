import { readMigrationFiles } from "drizzle-orm/migrator";
import { fileURLToPath } from "node:url";

/**
 * Runs at bundle time (imported `with { type: "macro" }`): inlines the SQL
 * migrations from drizzle/ so the compiled binary needs no files beside it.
 */
export function embeddedMigrations() {
  const folder = fileURLToPath(new URL("../../../drizzle", import.meta.url));
  return readMigrationFiles({ migrationsFolder: folder });
}
