import type { AssociationEntry, ConfigDocument, ModelEntry, ProviderEntry } from "../config-file.ts";
import { CURRENCIES, type Currency, type Provider } from "../../db/schema.ts";
import { ANTHROPIC_VERSION } from "../../protocols/anthropic/fast-path.ts";
import { proxyUrlProblem } from "../../relay/outbound-proxy.ts";
import type { ImportItem } from "./import-report.ts";
import type { LlmioAssociation, LlmioModel, LlmioProvider, LlmioSnapshot } from "./snapshot.ts";

/** LLMIO's providers, models and associations as an llmio config document, with what the mapping decided. */
export interface CatalogPlan {
  document: Required<Pick<ConfigDocument, "providers" | "models">>;
  /** LLMIO ids → the names they get in llmio (the log import maps rows by them). */
  providerNames: Map<number, string>;
  modelNames: Map<number, string>;
  skipped: ImportItem[];
  /** Skipped rows per LLMIO table. */
  skippedRows: Map<string, number>;
  decisions: string[];
  noEquivalent: string[];
}

const PROVIDER_TYPES: Record<string, Provider["type"]> = {
  openai: "openai",
  "openai-res": "openai-responses",
  // The fork's name for the Responses API.
  codex: "openai-responses",
  anthropic: "anthropic",
  gemini: "gemini",
};

const STRATEGIES: Record<string, NonNullable<ModelEntry["strategy"]>> = { lottery: "weighted", rotor: "round-robin" };

export function planCatalog(snapshot: LlmioSnapshot): CatalogPlan {
  const plan: CatalogPlan = {
    document: { providers: [], models: [] },
    providerNames: new Map(),
    modelNames: new Map(),
    skipped: [],
    skippedRows: new Map(),
    decisions: [],
    noEquivalent: [],
  };
  const skip = (table: string, item: ImportItem) => {
    plan.skipped.push(item);
    plan.skippedRows.set(table, (plan.skippedRows.get(table) ?? 0) + 1);
  };
  const providerNames = uniqueNames(snapshot.providers, "provider", plan.decisions);
  for (const provider of snapshot.providers) {
    const name = providerNames.get(provider.id)!;
    const entry = providerEntry(provider, name, plan);
    if (typeof entry === "string") skip("providers", { kind: "provider", name, action: "skipped", detail: entry });
    else {
      plan.document.providers.push(entry);
      plan.providerNames.set(provider.id, name);
    }
  }
  // LLMIO lists higher display_order first; new llmio models are appended in creation order.
  const models = [...snapshot.models].sort((a, b) => (b.displayOrder ?? 0) - (a.displayOrder ?? 0) || a.id - b.id);
  const modelNames = uniqueNames(models, "model", plan.decisions);
  const breakerOff: string[] = [];
  for (const model of models) {
    const name = modelNames.get(model.id)!;
    plan.modelNames.set(model.id, name);
    const entry = modelEntry(model, name, plan);
    if (model.breaker !== true) breakerOff.push(name);
    const seen = new Set<string>();
    for (const association of snapshot.associations.filter((row) => row.modelId === model.id)) {
      const provider = plan.providerNames.get(association.providerId);
      const label = `${name} → ${provider ?? `provider #${association.providerId}`}/${association.providerModel}`;
      if (provider === undefined) {
        const why = providerNames.has(association.providerId) ? "its provider was skipped" : "its provider is deleted in LLMIO";
        skip("model_with_providers", { kind: "association", name: label, action: "skipped", detail: why });
        continue;
      }
      if (!association.providerModel) {
        skip("model_with_providers", { kind: "association", name: label, action: "skipped", detail: "no provider model name" });
        continue;
      }
      const key = `${provider}\n${association.providerModel}`;
      if (seen.has(key)) {
        skip("model_with_providers", { kind: "association", name: label, action: "skipped", detail: "the same provider model is listed twice for this model; the first is kept" });
        continue;
      }
      seen.add(key);
      entry.providers!.push(associationEntry(association, provider, model, name, snapshot, plan));
    }
    plan.document.models.push(entry);
  }
  for (const association of snapshot.associations) {
    if (plan.modelNames.has(association.modelId)) continue;
    skip("model_with_providers", {
      kind: "association",
      name: `model #${association.modelId} → ${association.providerModel}`,
      action: "skipped",
      detail: "its model is deleted in LLMIO",
    });
  }
  if (models.some((model) => (model.maxRetry ?? 0) > 0)) {
    plan.decisions.push("retries: LLMIO's max_retry N (attempts in all) → maxRetry N−1 (retries after the first attempt): the same number of attempts");
  }
  if (models.some((model) => (model.timeOut ?? 0) > 0)) {
    plan.decisions.push(
      "timeouts: LLMIO's time_out T seconds → T s to the first byte of each attempt (timeoutMs) and T s for all attempts together (totalTimeoutMs); LLMIO waited T/3 for a stream's headers, llmio waits T for its first byte",
    );
  }
  if (breakerOff.length) {
    plan.decisions.push(
      `circuit breaker: LLMIO had it off for ${list(breakerOff)}; llmio's per-association breaker is always on (it sets an association aside after repeated failures and lets one probe through to bring it back)`,
    );
  }
  return plan;
}

function providerEntry(provider: LlmioProvider, name: string, plan: CatalogPlan): ProviderEntry | string {
  const type = PROVIDER_TYPES[provider.type];
  if (!type) return `unknown provider type "${provider.type}" (known: openai, openai-res or codex, anthropic, gemini)`;
  const baseUrl = provider.baseUrl.replace(/\/+$/, "");
  if (!isHttpUrl(baseUrl)) return `its config has no http(s) base_url (${JSON.stringify(provider.baseUrl || "")})`;
  const entry: ProviderEntry = {
    name,
    type,
    baseUrl,
    apiKeys: provider.apiKey ? [provider.apiKey] : [],
    consoleUrl: isHttpUrl(provider.console) ? provider.console : null,
    errorMatch: errorTexts(provider.errorMatcher),
  };
  if (type === "anthropic" && provider.version && provider.version !== ANTHROPIC_VERSION) {
    // LLMIO always sent its configured version; a provider header wins over the client's here too.
    entry.headers = { "anthropic-version": provider.version };
    plan.decisions.push(`provider ${name}: anthropic-version ${provider.version} is sent as a provider header`);
  }
  if (provider.console && !entry.consoleUrl) plan.decisions.push(`provider ${name}: console "${provider.console}" is not an http(s) URL; left out`);
  if (provider.proxy) {
    const problem = proxyUrlProblem(provider.proxy);
    if (problem) plan.noEquivalent.push(`provider ${name}: proxy ${redactProxy(provider.proxy)} ${problem}; it calls without one (or through HTTPS_PROXY)`);
    else entry.proxyUrl = provider.proxy;
  }
  if (provider.rpmLimit && provider.rpmLimit > 0) entry.limits = { requestsPerMinute: provider.rpmLimit };
  if (provider.ipLockMinutes && provider.ipLockMinutes > 0) {
    plan.noEquivalent.push(`provider ${name}: the fork's IP lock (${provider.ipLockMinutes} min) has no equivalent; llmio's per-provider limits and key cooldowns apply instead`);
  }
  return entry;
}

function modelEntry(model: LlmioModel, name: string, plan: CatalogPlan): ModelEntry {
  const entry: ModelEntry = { name, remark: model.remark, providers: [] };
  const notes: string[] = [];
  const strategy = STRATEGIES[model.strategy];
  if (strategy) entry.strategy = strategy;
  else notes.push(`unknown strategy "${model.strategy}" → weighted`);
  if (model.strategy === "rotor") notes.push("rotor (weighted rotation) → round-robin (takes turns among associations with weight > 0)");
  // LLMIO's max_retry counts every attempt; llmio's maxRetry counts the attempts after the first.
  if (model.maxRetry !== null && model.maxRetry > 0) entry.maxRetry = model.maxRetry - 1;
  else if (model.maxRetry !== null) notes.push(`max_retry ${model.maxRetry} → llmio's default retries`);
  // LLMIO's time_out bounded the whole request and each attempt's wait for response headers.
  if (model.timeOut !== null && model.timeOut > 0) {
    entry.timeoutMs = model.timeOut * 1000;
    entry.totalTimeoutMs = model.timeOut * 1000;
  } else if (model.timeOut !== null) notes.push(`time_out ${model.timeOut} → llmio's default timeouts`);
  if (notes.length) plan.decisions.push(`model ${name}: ${notes.join("; ")}`);
  if (model.status === false) plan.decisions.push(`model ${name}: disabled in the fork → imported with every association switched off`);
  if (model.ioLog === true) plan.noEquivalent.push(`model ${name}: the fork's per-model body logging has no equivalent; turn on body capture per client key or in Settings`);
  return entry;
}

function associationEntry(
  association: LlmioAssociation,
  provider: string,
  model: LlmioModel,
  modelName: string,
  snapshot: LlmioSnapshot,
  plan: CatalogPlan,
): AssociationEntry {
  const entry: AssociationEntry = {
    provider,
    model: association.providerModel,
    weight: Math.max(0, Math.trunc(association.weight ?? 1)),
    enabled: association.status !== false && model.status !== false,
    // LLMIO sends a request with tools (structured output, images) only where the flag is set.
    toolCall: association.toolCall === true,
    structuredOutput: association.structuredOutput === true,
    vision: association.image === true,
    forwardClientHeaders: association.withHeader === true,
    extraHeaders: stringValues(association.customerHeaders),
    extraBody: nestedPaths(association.extraBody),
  };
  const label = `${modelName} → ${provider}/${association.providerModel}`;
  if (Object.keys(association.extraBody).some((key) => key.includes("."))) {
    plan.decisions.push(`association ${label}: extra body keys with dots are paths in LLMIO; imported as nested objects`);
  }
  Object.assign(entry, prices(association, modelName, snapshot, label, plan));
  return entry;
}

/** The association's own prices (LLMIO), or the fork's per-model price list (USD). */
function prices(association: LlmioAssociation, modelName: string, snapshot: LlmioSnapshot, label: string, plan: CatalogPlan): Partial<AssociationEntry> {
  const own = [association.inputPrice, association.cacheReadPrice, association.outputPrice];
  if (own.some((price) => price !== null && price > 0)) {
    const currency = (association.currency || "CNY") as Currency;
    if (!CURRENCIES.includes(currency)) {
      plan.noEquivalent.push(`association ${label}: prices in ${association.currency} (llmio prices are in USD or CNY); left at 0`);
      return {};
    }
    return { priceInput: own[0] ?? 0, priceCachedInput: own[1] ?? 0, priceOutput: own[2] ?? 0, currency };
  }
  const listed = snapshot.modelPrices.get(modelName.toLowerCase());
  if (!listed) return {};
  plan.decisions.push(`association ${label}: prices from the fork's model_prices (USD per 1M tokens)`);
  return { priceInput: listed.input, priceCachedInput: listed.cacheRead, priceOutput: listed.output, priceCacheWrite: listed.cacheWrite, currency: "USD" };
}

/** llmio names are unique; LLMIO's were not required to be. Later duplicates get their LLMIO id. */
function uniqueNames(rows: { id: number; name: string }[], kind: string, decisions: string[]): Map<number, string> {
  const names = new Map<number, string>();
  const taken = new Set<string>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    let name = row.name || `${kind}-${row.id}`;
    if (taken.has(name)) {
      const renamed = `${name} (${row.id})`;
      decisions.push(`${kind} "${name}" (id ${row.id}) appears twice in LLMIO; this one is imported as "${renamed}"`);
      name = renamed;
    }
    if (!row.name) decisions.push(`${kind} id ${row.id} has no name in LLMIO; imported as "${name}"`);
    taken.add(name);
    names.set(row.id, name);
  }
  return names;
}

/** LLMIO separates its matchers with new lines or semicolons; llmio takes one per line. */
export function errorTexts(matcher: string): string | null {
  const lines = matcher
    .split(/[\r\n;；]+/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length ? lines.join("\n") : null;
}

/** LLMIO set each extra body key as a JSON path (`a.b` → {"a":{"b":…}}). */
export function nestedPaths(extraBody: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(extraBody)) {
    const parts = path.split(".");
    let target = result;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target = (target[part] = next && typeof next === "object" && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    target[parts.at(-1)!] = value;
  }
  return result;
}

function stringValues(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, typeof value === "string" ? value : JSON.stringify(value)]));
}

function isHttpUrl(value: string): boolean {
  const protocol = URL.parse(value)?.protocol;
  return protocol === "http:" || protocol === "https:";
}

function redactProxy(proxy: string): string {
  const parsed = URL.parse(proxy);
  return parsed ? `${parsed.protocol}//${parsed.host}` : JSON.stringify(proxy.replace(/\/\/[^@/]*@/, "//…@"));
}

function list(names: string[]): string {
  return names.length <= 6 ? names.join(", ") : `${names.slice(0, 6).join(", ")} and ${names.length - 6} more`;
}
