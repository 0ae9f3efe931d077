import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import type { AppDatabase } from "../db/client.ts";
import { associationSettings } from "./model-providers.ts";
import { providerLimits } from "./providers.ts";
import { VERSION } from "../version.ts";
import { adminServices } from "./admin-services.ts";
import type { AssociationEntry, ConfigDocument } from "./config-file.ts";

export interface ExportOptions {
  /** Provider API keys and secret headers in clear instead of masked (`sk-…abcd`). */
  withSecrets: boolean;
}

/** The whole catalog, every field spelled out, in database order. Client keys come without their secret. */
export async function exportConfig(db: AppDatabase, options: ExportOptions): Promise<ConfigDocument> {
  const services = adminServices(db);
  const { providers } = db.tables;
  // The service only shows keys masked; the clear values come from the table itself.
  const secretRows = options.withSecrets ? await db.orm.select().from(providers) : [];
  const secretsById = new Map(secretRows.map((row) => [row.id, { apiKeys: row.apiKeys, headers: row.headers, proxyUrl: row.proxyUrl }]));
  const providerViews = await services.providers.list();
  const providerNames = new Map(providerViews.map((provider) => [provider.id, provider.name]));
  const associationsByModel = new Map<number, AssociationEntry[]>();
  for (const association of await services.associations.list()) {
    const entries = associationsByModel.get(association.modelId) ?? [];
    entries.push({ provider: association.providerName, model: association.providerModel, ...associationSettings(association) });
    associationsByModel.set(association.modelId, entries);
  }
  return {
    providers: providerViews.map((provider) => ({
      name: provider.name,
      type: provider.type,
      baseUrl: provider.baseUrl,
      apiKeys: secretsById.get(provider.id)?.apiKeys ?? provider.apiKeys,
      headers: secretsById.get(provider.id)?.headers ?? provider.headers,
      enabled: provider.enabled,
      consoleUrl: provider.consoleUrl,
      endpoints: provider.endpoints,
      errorMatch: provider.errorMatch,
      proxyUrl: secretsById.get(provider.id)?.proxyUrl ?? provider.proxyUrl,
      limits: providerLimits(provider),
    })),
    models: (await services.models.list()).map((model) => ({
      name: model.name,
      remark: model.remark,
      strategy: model.strategy,
      maxRetry: model.maxRetry,
      timeoutMs: model.timeoutMs,
      totalTimeoutMs: model.totalTimeoutMs,
      streamIdleTimeoutMs: model.streamIdleTimeoutMs,
      maxStreamDurationMs: model.maxStreamDurationMs,
      stickySeconds: model.stickySeconds,
      cacheTtlSeconds: model.cacheTtlSeconds,
      cacheEverything: model.cacheEverything,
      cachePerKey: model.cachePerKey,
      coalesce: model.coalesce,
      aliases: model.aliases,
      // A pin to a provider deleted since is no pin at all.
      pinnedProvider: model.pinnedProviderId === null ? null : (providerNames.get(model.pinnedProviderId) ?? null),
      providers: associationsByModel.get(model.id) ?? [],
    })),
    authKeys: (await services.authKeys.list()).map((key) => ({
      name: key.name,
      allowedModels: key.allowedModels,
      expiresAt: key.expiresAt,
      quotas: { requests: key.requestQuota, tokens: key.tokenQuota },
      enabled: key.enabled,
      captureBodies: key.captureBodies,
    })),
  };
}

/** Lists short enough to read on one line. */
const FLOW_LISTS = new Set(["apiKeys", "aliases", "endpoints", "allowedModels"]);

/** YAML with a header explaining how to apply it, dates as ISO 8601, a blank line between entries. */
export function renderConfig(document: ConfigDocument, options: ExportOptions): string {
  const shown = {
    ...document,
    authKeys: document.authKeys?.map((key) => ({
      ...key,
      expiresAt: typeof key.expiresAt === "number" ? new Date(key.expiresAt).toISOString() : key.expiresAt,
    })),
  };
  const yaml = new Document(shown);
  yaml.commentBefore = [
    ` llmio ${VERSION} configuration: llmio config apply FILE [--dry-run] [--prune]`,
    " Entries match by name; a field left out keeps its stored value, a section left out is not touched.",
    options.withSecrets
      ? " Contains provider API keys in clear: keep this file private."
      : " API keys, secret headers and proxy passwords are masked (sk-…abcd); applying a masked value keeps the stored one.",
  ].join("\n");
  if (!isMap(yaml.contents)) return yaml.toString();
  for (const pair of yaml.contents.items) {
    if (!isScalar(pair.key)) continue;
    if (pair.key.value !== "providers") pair.key.spaceBefore = true;
    if (pair.key.value === "authKeys") {
      pair.key.commentBefore = [
        " Client keys are stored only as hashes, so their values cannot be exported. Applying creates a",
        " missing key and prints its value once; existing keys keep theirs.",
      ].join("\n");
    }
    if (!isSeq(pair.value)) continue;
    for (const item of pair.value.items.slice(1)) if (isMap(item)) item.spaceBefore = true;
  }
  visit(yaml, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FLOW_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) pair.value.flow = true;
    },
  });
  return yaml.toString({ lineWidth: 0, flowCollectionPadding: false });
}
