import type { AppDatabase } from "../../db/client.ts";
import { SettingsStore } from "../../routing/settings.ts";
import { applyAdminToken, type AdminTokenStore } from "./admin-token.ts";
import { applyCatalog } from "./catalog-apply.ts";
import { planCatalog } from "./catalog-plan.ts";
import type { ImportAction, ImportItem, ImportOptions, ImportReport } from "./import-report.ts";
import { applyKeys } from "./key-apply.ts";
import { planKeys } from "./key-plan.ts";
import { importLogs } from "./log-import.ts";
import { applySettings, settingAfter } from "./settings-apply.ts";
import { planSettings } from "./settings-plan.ts";
import { readSnapshot } from "./snapshot.ts";
import { openSourceDatabase } from "./source-database.ts";

export interface ImportTarget {
  db: AppDatabase;
  /** The gateway's settings (so it sees the change at once); a store of its own otherwise. */
  settings?: SettingsStore;
  /** Where the admin token goes when `adminToken` is given. */
  adminTokens?: AdminTokenStore;
}

/**
 * Reads an LLMIO database (its SQLite file, or the fork's PostgreSQL/MySQL URL) and writes the
 * equivalent into llmio: providers, models and associations, client keys with their old secrets,
 * settings, the admin token and, when asked, the request history. Idempotent: a second run finds
 * everything unchanged. Each part is its own transaction; a failed run can simply be run again.
 */
export async function importLlmio(location: string, target: ImportTarget, options: ImportOptions, fileName?: string): Promise<ImportReport> {
  const source = await openSourceDatabase(location, fileName);
  try {
    const snapshot = await readSnapshot(source);
    const catalog = planCatalog(snapshot);
    const keys = planKeys(snapshot.authKeys);
    const settings = planSettings(snapshot.configs);
    const { db } = target;
    const write = { dryRun: options.dryRun, replace: options.replace };

    const items: ImportItem[] = [...catalog.skipped, ...keys.skipped];
    items.push(...(await applyCatalog(db, catalog, write)));
    const appliedKeys = await applyKeys(db, keys.keys, write);
    items.push(...appliedKeys.items);
    const settingsStore = target.settings ?? new SettingsStore(db);
    const current = await settingsStore.get();
    const settingItems = await applySettings(db, settingsStore, settings.settings, write);
    items.push(...settingItems);
    const warnings = [...keys.warnings];
    if (options.adminToken !== undefined) {
      if (!target.adminTokens) throw new Error("no admin token store was given");
      items.push(await applyAdminToken(target.adminTokens, options.adminToken, write));
    }

    let logs: ImportReport["logs"] = null;
    const tables = snapshot.tables;
    if (options.withLogs && (await source.tableNames()).has("chat_logs")) {
      const { providers } = db.tables;
      const providerIds = new Map((await db.orm.select({ id: providers.id, name: providers.name }).from(providers)).map((row) => [row.name, row.id]));
      const retentionDays = settingAfter(settingItems, settings.settings, current, "logRetentionDays");
      const imported = await importLogs(source, db, {
        providerIds,
        keyIds: appliedKeys.ids,
        modelPrices: snapshot.modelPrices,
        retentionDays,
        sinceDays: options.sinceDays,
        dryRun: options.dryRun,
      });
      logs = imported.logs;
      tables.push(...imported.tables);
      if (logs.beyondRetention) {
        warnings.push(
          `${logs.beyondRetention} log rows are older than llmio's log retention (${retentionDays} days) and were not imported; raise the retention in Settings and import again to keep them`,
        );
      }
    }
    for (const table of tables) table.skipped = catalog.skippedRows.get(table.table) ?? (table.table === "auth_keys" ? keys.skipped.length : 0);
    const conflicts = items.filter((item) => item.action === "conflict").length;
    if (conflicts) {
      const what = conflicts === 1 ? "1 entry differs from the llmio entry of the same name and was left as it is" : `${conflicts} entries differ from llmio entries of the same name and were left as they are`;
      warnings.push(`${what}; import again with replace (--replace) to overwrite`);
    }
    return {
      source: source.description,
      variant: snapshot.variant,
      dryRun: options.dryRun,
      replace: options.replace,
      tables,
      items,
      totals: totals(items),
      logs,
      decisions: [...catalog.decisions, ...settings.decisions],
      noEquivalent: [...catalog.noEquivalent, ...settings.noEquivalent],
      warnings,
    };
  } finally {
    await source.close();
  }
}

function totals(items: ImportItem[]): Record<ImportAction, number> {
  const counted: Record<ImportAction, number> = { created: 0, updated: 0, unchanged: 0, conflict: 0, skipped: 0 };
  for (const item of items) counted[item.action]++;
  return counted;
}

/** Whether the import wrote anything (the gateway's caches are then reloaded). */
export function importChanged(report: ImportReport): boolean {
  return !report.dryRun && (report.totals.created > 0 || report.totals.updated > 0 || (report.logs?.created ?? 0) > 0);
}
