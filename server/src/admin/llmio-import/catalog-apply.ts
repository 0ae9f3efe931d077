import { applyConfig, type ItemChange } from "../config-apply.ts";
import type { ConfigDocument, ModelEntry } from "../config-file.ts";
import type { AppDatabase } from "../../db/client.ts";
import type { ImportItem } from "./import-report.ts";
import type { CatalogPlan } from "./catalog-plan.ts";

/**
 * Writes the planned providers and models (with their associations) through `llmio config
 * apply`, so the admin services validate them and a second import finds everything unchanged.
 * An llmio entry of the same name that the import would change is a conflict: a dry run finds
 * them first; without `replace` they are left out of the real run and reported.
 */
export async function applyCatalog(db: AppDatabase, plan: CatalogPlan, options: { dryRun: boolean; replace: boolean }): Promise<ImportItem[]> {
  const probe = await applyConfig(db, plan.document, { dryRun: true });
  const conflicts = findConflicts(probe.changes);
  if (options.replace || (conflicts.providers.size === 0 && conflicts.models.size === 0)) {
    const applied = await applyConfig(db, plan.document, { dryRun: options.dryRun });
    return applied.changes.map(asItem);
  }
  const skipped: ImportItem[] = [];
  const document: Required<Pick<ConfigDocument, "providers" | "models">> = {
    providers: plan.document.providers.filter((provider) => !conflicts.providers.has(provider.name)),
    models: [],
  };
  for (const model of plan.document.models) {
    if (conflicts.models.has(model.name)) continue;
    document.models.push(withoutConflictingProviders(model, conflicts, skipped));
  }
  const applied = await applyConfig(db, document, { dryRun: options.dryRun });
  const conflictItems = probe.changes
    .filter((change) => (change.kind === "provider" && conflicts.providers.has(change.name)) || (change.kind === "model" && conflicts.models.has(change.name)))
    .map((change): ImportItem => ({
      kind: change.kind as "provider" | "model",
      name: change.name,
      action: "conflict",
      detail: `llmio has a ${change.kind} of this name that differs (${conflicts.details.get(`${change.kind}\n${change.name}`)}); left as it is`,
    }));
  return [...applied.changes.map(asItem), ...conflictItems, ...skipped];
}

interface Conflicts {
  providers: Set<string>;
  models: Set<string>;
  /** `kind\nname` → what differs. */
  details: Map<string, string>;
  /** Associations the import would create or change, by their change name. */
  changedAssociations: Set<string>;
}

/**
 * From a dry run's changes: an existing provider it would update, an existing model it would
 * update or give new or changed associations. A model's associations follow it in the list.
 */
function findConflicts(changes: ItemChange[]): Conflicts {
  const conflicts: Conflicts = { providers: new Set(), models: new Set(), details: new Map(), changedAssociations: new Set() };
  let model: ItemChange | undefined;
  const mark = (kind: "provider" | "model", name: string, detail: string) => {
    conflicts[kind === "provider" ? "providers" : "models"].add(name);
    const key = `${kind}\n${name}`;
    const before = conflicts.details.get(key);
    conflicts.details.set(key, before ? `${before}; ${detail}` : detail);
  };
  for (const change of changes) {
    if (change.kind === "provider" && change.action === "updated") mark("provider", change.name, `fields ${change.fields?.join(", ")}`);
    if (change.kind === "model") {
      model = change;
      if (change.action === "updated") mark("model", change.name, `fields ${change.fields?.join(", ")}`);
    }
    if (change.kind === "association" && change.action !== "unchanged") {
      conflicts.changedAssociations.add(change.name);
      if (model && model.action !== "created") {
        const what = change.action === "created" ? "would get association" : `association ${change.fields?.join(", ")} differs on`;
        mark("model", model.name, `${what} ${change.name.slice(change.name.indexOf(" → ") + 3)}`);
      }
    }
  }
  return conflicts;
}

/** A new model keeps its associations, except new ones with a provider left out as a conflict. */
function withoutConflictingProviders(model: ModelEntry, conflicts: Conflicts, skipped: ImportItem[]): ModelEntry {
  const providers = (model.providers ?? []).filter((association) => {
    const name = `${model.name} → ${association.provider}/${association.model}`;
    if (!conflicts.providers.has(association.provider) || !conflicts.changedAssociations.has(name)) return true;
    skipped.push({ kind: "association", name, action: "skipped", detail: `provider ${association.provider} is a conflict, left as it is` });
    return false;
  });
  return { ...model, providers };
}

function asItem(change: ItemChange): ImportItem {
  const kind = change.kind === "auth key" ? "client key" : change.kind;
  const item: ImportItem = { kind, name: change.name, action: change.action === "deleted" ? "updated" : change.action };
  if (change.fields?.length) item.detail = `fields ${change.fields.join(", ")}`;
  return item;
}
