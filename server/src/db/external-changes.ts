import type { AppDatabase } from "./client.ts";

/** How often caches look for writes made by another process (e.g. `llmio config apply`). */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Tells whether another connection committed to the database since the last call, checking
 * at most once a second. SQLite's `PRAGMA data_version` changes only for other connections'
 * commits, so a cache's own process still invalidates it directly on its own writes.
 */
export function watchExternalChanges(db: AppDatabase, intervalMs = CHECK_INTERVAL_MS): () => boolean {
  // PostgreSQL has no such counter: instances sharing it tell each other through the change bus.
  if (!db.sqlite) return () => false;
  const statement = db.sqlite.prepare("PRAGMA data_version");
  let version = (statement.get() as { data_version: number }).data_version;
  let checkedAt = Date.now();
  return () => {
    const now = Date.now();
    if (now - checkedAt < intervalMs) return false;
    checkedAt = now;
    const current = (statement.get() as { data_version: number }).data_version;
    if (current === version) return false;
    version = current;
    return true;
  };
}
