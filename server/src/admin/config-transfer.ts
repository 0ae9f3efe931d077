import { applyConfig, type ApplyReport, type ItemAction } from "./config-apply.ts";
import { exportConfig, renderConfig } from "./config-export.ts";
import { ConfigError, parseConfig } from "./config-file.ts";
import { openDatabase, type AppDatabase } from "../db/client.ts";
import { AdminError } from "../lib/admin-error.ts";

/** What applying a file did (or, on a dry run, would do), entry by entry, with the totals. */
export interface ConfigApplyResult extends ApplyReport {
  counts: Record<ItemAction, number>;
}

/**
 * `llmio config export/apply` for the admin API: the same YAML, the same rules. Applying runs
 * the CLI's applier on a connection of its own (SQLite), so the gateway's own writes (the
 * request log) never join its transaction, nor get rolled back with a dry run; afterwards the
 * gateway's caches are told, as after any admin write.
 */
export class ConfigTransfer {
  constructor(
    private readonly db: AppDatabase,
    /** Reloads the routing catalog and the client keys (here and on other instances). */
    private readonly changed: () => void,
  ) {}

  async export(withSecrets: boolean): Promise<string> {
    return renderConfig(await exportConfig(this.db, { withSecrets }), { withSecrets });
  }

  async apply(yaml: string, options: { dryRun: boolean; prune: boolean }): Promise<ConfigApplyResult> {
    const report = await asAdminError(async () => {
      const document = parseConfig(yaml);
      return withOwnConnection(this.db, (db) => applyConfig(db, document, options));
    });
    if (!report.dryRun && report.changes.some((change) => change.action !== "unchanged")) this.changed();
    const counts: Record<ItemAction, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
    for (const change of report.changes) counts[change.action]++;
    return { ...report, counts };
  }
}

/** A file's problem (`models[0].providers[0].provider: unknown provider "x"`) is the caller's: a 400. */
async function asAdminError<Result>(work: () => Promise<Result>): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConfigError) throw new AdminError(400, error.message);
    throw error;
  }
}

/**
 * SQLite: a second connection to the same file, whose transaction is its own (the gateway's
 * connection waits for its write lock, within its busy timeout). PostgreSQL transactions take
 * a pooled connection of their own already; an in-memory SQLite database has no second connection.
 */
export async function withOwnConnection<Result>(db: AppDatabase, work: (db: AppDatabase) => Promise<Result>): Promise<Result> {
  const file = db.sqlite?.filename;
  if (!file || file === ":memory:") return work(db);
  const own = openDatabase(file);
  try {
    return await work(own);
  } finally {
    await own.close();
  }
}
