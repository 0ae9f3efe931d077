import type { AppDatabase } from "../db/client.ts";
import { transaction, type Transaction } from "../db/query.ts";
import type { Provider } from "../db/schema.ts";
import { AdminError } from "../lib/admin-error.ts";
import { mergeApiKeys, mergeHeaders, mergeProxyUrl, type ProviderInput } from "./providers.ts";
import { adminServices, type AdminServices } from "./admin-services.ts";
import { associationSettings } from "./model-providers.ts";
import { childPath, ConfigError, type AuthKeyEntry, type ConfigDocument, type ModelEntry, type ProviderEntry } from "./config-file.ts";

export type { ConfigItemAction as ItemAction, ConfigItemKind as ItemKind } from "@llmio/contract";
import type { ConfigItemAction as ItemAction, ConfigItemKind as ItemKind } from "@llmio/contract";

/** What happened to one entry. */
export interface ItemChange {
  kind: ItemKind;
  /** `openai`, or for an association `gpt-4o → openai/gpt-4o-2024-08-06`. */
  name: string;
  action: ItemAction;
  /** The fields an update changed, as the file names them. */
  fields?: string[];
  /** A new client key's value: shown once, never stored (absent on a dry run). */
  key?: string;
  /** What a deletion took along (associations removed by the cascade). */
  note?: string;
}

export interface ApplyOptions {
  /** Work out the changes, then roll them back. */
  dryRun?: boolean;
  /** Delete entries the file does not list, in the sections it has. */
  prune?: boolean;
}

export interface ApplyReport {
  dryRun: boolean;
  changes: ItemChange[];
}

/**
 * Makes the database match the file: creates what is missing, updates fields that differ and,
 * with `prune`, deletes what the file does not list. Writes go through the admin services (their
 * validation and normalisation) inside one transaction, so a failure leaves nothing half-applied
 * and a dry run can simply roll back. Applying the same file again reports everything unchanged.
 */
export async function applyConfig(db: AppDatabase, document: ConfigDocument, options: ApplyOptions = {}): Promise<ApplyReport> {
  try {
    const changes = await transaction(db, async (tx) => {
      const changes = await new ConfigApplier(inTransaction(db, tx), options).apply(document);
      if (options.dryRun) throw new DryRunDone(changes);
      return changes;
    });
    return { dryRun: false, changes };
  } catch (error) {
    if (error instanceof DryRunDone) return { dryRun: true, changes: error.changes };
    throw error;
  }
}

/** Thrown at the end of a dry run, so the transaction rolls back with the report in hand. */
class DryRunDone {
  constructor(readonly changes: ItemChange[]) {}
}

/** The database as the services see it, with every query in the transaction (on PostgreSQL, its own connection). */
function inTransaction(db: AppDatabase, tx: Transaction): AppDatabase {
  return { ...db, orm: tx };
}

/** One line per entry, then the totals. */
export function formatReport(report: ApplyReport): string {
  const lines = report.dryRun ? ["Dry run: nothing was written. Applying would give:"] : [];
  for (const change of report.changes) {
    const fields = change.fields?.length ? `: ${change.fields.join(", ")}` : "";
    const note = change.note ? ` (${change.note})` : "";
    lines.push(`${change.action.padEnd(10)} ${change.kind} ${change.name}${fields}${note}`);
    if (change.key) lines.push(`${" ".repeat(11)}key: ${change.key}  (shown only now: store it)`);
  }
  const count = (action: ItemAction) => report.changes.filter((change) => change.action === action).length;
  lines.push(`${count("created")} created, ${count("updated")} updated, ${count("unchanged")} unchanged, ${count("deleted")} deleted`);
  return lines.join("\n");
}

/** True when the report has anything but unchanged entries. */
export function hasChanges(report: ApplyReport): boolean {
  return report.changes.some((change) => change.action !== "unchanged");
}

/** Field names as the file spells them, where they differ from the database's. */
const FILE_NAMES: Record<string, string> = {
  requestsPerMinute: "limits.requestsPerMinute",
  tokensPerMinute: "limits.tokensPerMinute",
  maxConcurrent: "limits.maxConcurrent",
  keyRequestsPerMinute: "limits.keyRequestsPerMinute",
  keyTokensPerMinute: "limits.keyTokensPerMinute",
  keyMaxConcurrent: "limits.keyMaxConcurrent",
  requestQuota: "quotas.requests",
  tokenQuota: "quotas.tokens",
};

class ConfigApplier {
  private readonly services: AdminServices;
  private readonly changes: ItemChange[] = [];
  private providerIds = new Map<string, number>();
  private readonly prunedProviders = new Set<string>();

  constructor(
    private readonly db: AppDatabase,
    private readonly options: ApplyOptions,
  ) {
    this.services = adminServices(db);
  }

  async apply(document: ConfigDocument): Promise<ItemChange[]> {
    const { providers } = this.db.tables;
    if (document.providers) await this.applyProviders(document.providers);
    const rows = await this.db.orm.select({ id: providers.id, name: providers.name }).from(providers);
    this.providerIds = new Map(rows.map((row) => [row.name, row.id]));
    if (document.models) await this.applyModels(document.models);
    if (document.authKeys) await this.applyAuthKeys(document.authKeys);
    return this.changes;
  }

  private async applyProviders(entries: ProviderEntry[]): Promise<void> {
    const { providers } = this.db.tables;
    const stored = new Map((await this.db.orm.select().from(providers).orderBy(providers.id)).map((row) => [row.name, row]));
    for (const [index, entry] of entries.entries()) {
      const path = childPath("providers", index);
      const current = stored.get(entry.name);
      const values = await providerValues(entry, current, path);
      if (!current) {
        await withPath(path, () => this.services.providers.create({ ...values, name: entry.name, type: entry.type, baseUrl: entry.baseUrl }));
        this.record("provider", entry.name, "created");
        continue;
      }
      const fields = changedFields(values, current);
      if (fields.length) await withPath(path, () => this.services.providers.update(current.id, pick(values, fields)));
      this.record("provider", entry.name, fields.length ? "updated" : "unchanged", fields);
    }
    if (!this.options.prune) return;
    const listed = new Set(entries.map((entry) => entry.name));
    for (const row of stored.values()) {
      if (listed.has(row.name)) continue;
      // The cascade also removes associations of models the file keeps: say which.
      const served = (await this.services.associations.list()).filter((association) => association.providerId === row.id);
      const modelNames = await this.modelNames();
      const servedModels = [...new Set(served.map((association) => modelNames.get(association.modelId)))];
      await this.services.providers.remove(row.id);
      this.prunedProviders.add(row.name);
      this.record("provider", row.name, "deleted", undefined, served.length ? `and its associations with ${servedModels.join(", ")}` : undefined);
    }
  }

  private async applyModels(entries: ModelEntry[]): Promise<void> {
    const { models } = this.db.tables;
    const stored = new Map((await this.db.orm.select().from(models).orderBy(models.id)).map((row) => [row.name, row]));
    for (const [index, entry] of entries.entries()) {
      const path = childPath("models", index);
      const current = stored.get(entry.name);
      const values = {
        remark: entry.remark,
        strategy: entry.strategy,
        maxRetry: entry.maxRetry,
        timeoutMs: entry.timeoutMs,
        totalTimeoutMs: entry.totalTimeoutMs,
        streamIdleTimeoutMs: entry.streamIdleTimeoutMs,
        maxStreamDurationMs: entry.maxStreamDurationMs,
        stickySeconds: entry.stickySeconds,
        cacheTtlSeconds: entry.cacheTtlSeconds,
        cacheEverything: entry.cacheEverything,
        cachePerKey: entry.cachePerKey,
        coalesce: entry.coalesce,
        aliases: entry.aliases,
      };
      // Recorded before its associations, so the report lists them under it; a pin may still mark it updated.
      const change = this.record("model", entry.name, current ? "unchanged" : "created");
      const model = current ?? (await withPath(path, () => this.services.models.create({ ...values, name: entry.name })));
      if (current) {
        const fields = changedFields(values, current);
        if (fields.length) await withPath(path, () => this.services.models.update(current.id, pick(values, fields)));
        markUpdated(change, fields);
      }
      if (entry.providers) await this.applyAssociations(entry, model.id, path);
      if (entry.pinnedProvider !== undefined) await this.applyPin(entry.pinnedProvider, model, path, change);
    }
    if (!this.options.prune) return;
    const listed = new Set(entries.map((entry) => entry.name));
    for (const row of stored.values()) {
      if (listed.has(row.name)) continue;
      const served = (await this.services.associations.list({ modelId: row.id })).length;
      await this.services.models.remove(row.id);
      this.record("model", row.name, "deleted", undefined, served ? `and its ${served} association(s)` : undefined);
    }
  }

  private async applyAssociations(entry: ModelEntry, modelId: number, modelPath: string): Promise<void> {
    const unmatched = new Set(await this.services.associations.list({ modelId }));
    for (const [index, association] of entry.providers!.entries()) {
      const path = childPath(childPath(modelPath, "providers"), index);
      const providerId = this.providerIds.get(association.provider);
      if (providerId === undefined) throw new ConfigError(childPath(path, "provider"), this.unknownProvider(association.provider));
      const name = `${entry.name} → ${association.provider}/${association.model}`;
      const values = associationSettings(association);
      const current = [...unmatched].find((row) => row.providerId === providerId && row.providerModel === association.model);
      if (!current) {
        await withPath(path, () => this.services.associations.create({ ...values, modelId, providerId, providerModel: association.model }));
        this.record("association", name, "created");
        continue;
      }
      unmatched.delete(current);
      const fields = changedFields(values, current);
      if (fields.length) await withPath(path, () => this.services.associations.update(current.id, pick(values, fields)));
      this.record("association", name, fields.length ? "updated" : "unchanged", fields);
    }
    if (!this.options.prune) return;
    for (const row of unmatched) {
      await this.services.associations.remove(row.id);
      this.record("association", `${entry.name} → ${row.providerName}/${row.providerModel}`, "deleted");
    }
  }

  private async applyPin(
    providerName: string | null,
    model: { id: number; pinnedProviderId: number | null },
    modelPath: string,
    change: ItemChange,
  ): Promise<void> {
    const path = childPath(modelPath, "pinnedProvider");
    const providerId = providerName === null ? null : this.providerIds.get(providerName);
    if (providerId === undefined) throw new ConfigError(path, this.unknownProvider(providerName!));
    if (providerId === model.pinnedProviderId) return;
    try {
      await this.services.models.pin(model.id, providerId);
    } catch (error) {
      if (error instanceof AdminError) throw new ConfigError(path, `provider "${providerName}" does not serve this model (list it under providers)`);
      throw error;
    }
    if (change.action !== "created") markUpdated(change, ["pinnedProvider"]);
  }

  private async applyAuthKeys(entries: AuthKeyEntry[]): Promise<void> {
    const stored = await this.services.authKeys.list();
    for (const [index, entry] of entries.entries()) {
      const path = childPath("authKeys", index);
      const matches = stored.filter((key) => key.name === entry.name);
      if (matches.length > 1) {
        throw new ConfigError(childPath(path, "name"), `${matches.length} stored keys are named "${entry.name}": rename all but one in the admin UI first`);
      }
      const values = {
        allowedModels: entry.allowedModels && [...new Set(entry.allowedModels)],
        expiresAt: entry.expiresAt,
        requestQuota: entry.quotas?.requests,
        tokenQuota: entry.quotas?.tokens,
        enabled: entry.enabled,
        captureBodies: entry.captureBodies,
      };
      const [current] = matches;
      if (!current) {
        const created = await withPath(path, () => this.services.authKeys.create({ ...values, name: entry.name }));
        this.record("auth key", entry.name, "created").key = this.options.dryRun ? undefined : created.key;
        continue;
      }
      const fields = changedFields(values, current);
      if (fields.length) await withPath(path, () => this.services.authKeys.update(current.id, pick(values, fields)));
      this.record("auth key", entry.name, fields.length ? "updated" : "unchanged", fields);
    }
    if (!this.options.prune) return;
    const listed = new Set(entries.map((entry) => entry.name));
    for (const key of stored) {
      if (listed.has(key.name)) continue;
      await this.services.authKeys.remove(key.id);
      this.record("auth key", key.name, "deleted");
    }
  }

  private unknownProvider(name: string): string {
    if (this.prunedProviders.has(name)) return `provider "${name}" is deleted by --prune, as the file does not list it under providers`;
    return `unknown provider "${name}"`;
  }

  private async modelNames(): Promise<Map<number, string>> {
    const { models } = this.db.tables;
    return new Map((await this.db.orm.select({ id: models.id, name: models.name }).from(models)).map((row) => [row.id, row.name]));
  }

  private record(kind: ItemKind, name: string, action: ItemAction, fields?: string[], note?: string): ItemChange {
    const change: ItemChange = { kind, name, action };
    if (fields?.length) change.fields = fields.map((field) => FILE_NAMES[field] ?? field);
    if (note) change.note = note;
    this.changes.push(change);
    return change;
  }
}

/** The provider's fields as the service would store them, with masked keys and headers resolved. */
async function providerValues(entry: ProviderEntry, current: Provider | undefined, path: string): Promise<Partial<ProviderInput>> {
  return {
    type: entry.type,
    // The service strips trailing slashes; comparing the stored form keeps a second apply quiet.
    baseUrl: entry.baseUrl.replace(/\/+$/, ""),
    apiKeys: entry.apiKeys && (await withPath(path, () => mergeApiKeys(entry.apiKeys!, current?.apiKeys ?? []))),
    headers: entry.headers && (await withPath(path, () => mergeHeaders(entry.headers!, current?.headers ?? {}))),
    enabled: entry.enabled,
    consoleUrl: entry.consoleUrl,
    endpoints: entry.endpoints,
    errorMatch: entry.errorMatch === undefined ? undefined : entry.errorMatch?.trim() || null,
    proxyUrl: await withPath(path, () => mergeProxyUrl(entry.proxyUrl, current?.proxyUrl ?? null)),
    ...entry.limits,
  };
}

/** The given (defined) fields whose value differs from the stored one. */
function changedFields(values: object, current: object): string[] {
  const stored = current as Record<string, unknown>;
  return Object.entries(values)
    .filter(([field, value]) => value !== undefined && !Bun.deepEquals(value, stored[field]))
    .map(([field]) => field);
}

function pick<Values extends object>(values: Values, fields: string[]): Partial<Values> {
  return Object.fromEntries(Object.entries(values).filter(([field]) => fields.includes(field))) as Partial<Values>;
}

function markUpdated(change: ItemChange, fields: string[]): void {
  if (!fields.length) return;
  change.action = "updated";
  change.fields = [...(change.fields ?? []), ...fields.map((field) => FILE_NAMES[field] ?? field)];
}

/**
 * Runs a service call; its 400/409 becomes a `ConfigError` under the entry's path, with the
 * service's `/field/0` pointer turned into `.field[0]`.
 */
async function withPath<Result>(path: string, write: () => Result | Promise<Result>): Promise<Result> {
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    const pointer = error.message.match(/^Invalid body: \/(\S+) (.*)$/);
    if (!pointer) throw new ConfigError(path, error.message);
    const fieldPath = pointer[1].split("/").reduce((joined, part) => childPath(joined, /^\d+$/.test(part) ? Number(part) : part), path);
    const hint = pointer[2].includes("masked") ? " (a masked value only stands for a key already stored; export --with-secrets to copy keys)" : "";
    throw new ConfigError(fieldPath, `${pointer[2]}${hint}`);
  }
}
