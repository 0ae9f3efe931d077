import { inArray } from "drizzle-orm";
import type { AppDatabase } from "../../db/client.ts";
import type { GatewaySettings, SettingsStore } from "../../routing/settings.ts";
import type { ImportItem } from "./import-report.ts";

/**
 * Applies LLMIO's settings. A setting still at llmio's default (never saved) takes LLMIO's value;
 * one the operator saved with another value is a conflict unless `replace`.
 */
export async function applySettings(
  db: AppDatabase,
  store: SettingsStore,
  wanted: Partial<GatewaySettings>,
  options: { dryRun: boolean; replace: boolean },
): Promise<ImportItem[]> {
  const names = Object.keys(wanted) as (keyof GatewaySettings)[];
  if (names.length === 0) return [];
  const { settings } = db.tables;
  const saved = new Map((await db.orm.select().from(settings).where(inArray(settings.key, names))).map((row) => [row.key, row.value]));
  const current = await store.get();
  const items: ImportItem[] = [];
  const changes: Partial<GatewaySettings> = {};
  for (const name of names) {
    const value = wanted[name];
    const shown = `${JSON.stringify(current[name])} → ${JSON.stringify(value)}`;
    if (Bun.deepEquals(current[name], value)) items.push({ kind: "setting", name, action: "unchanged" });
    else if (saved.has(name) && !options.replace) items.push({ kind: "setting", name, action: "conflict", detail: `set in llmio to ${JSON.stringify(current[name])}; LLMIO has ${JSON.stringify(value)}; left as it is` });
    else {
      items.push({ kind: "setting", name, action: "updated", detail: shown });
      Object.assign(changes, { [name]: value });
    }
  }
  if (!options.dryRun && Object.keys(changes).length) await store.update(changes);
  return items;
}

/** What llmio's setting will be after the import (the log import keeps only rows it would not delete at once). */
export function settingAfter<Name extends keyof GatewaySettings>(items: ImportItem[], wanted: Partial<GatewaySettings>, current: GatewaySettings, name: Name): GatewaySettings[Name] {
  const item = items.find((entry) => entry.kind === "setting" && entry.name === name);
  return item?.action === "updated" ? (wanted[name] as GatewaySettings[Name]) : current[name];
}
