import { CliError } from "../../lib/cli-error.ts";
import type { SourceTableCount } from "./import-report.ts";
import type { SourceDatabase, SourceRow } from "./source-database.ts";
import { asBoolean, asInstant, asJson, asNumber, asText } from "./source-values.ts";

/**
 * LLMIO's catalog as read from its database, soft-deleted rows left out. One shape for LLMIO
 * (atopos31/llmio, SQLite) and its fork (raciott/llmio, PostgreSQL/MySQL): a column one of them
 * lacks reads as null.
 */
export interface LlmioSnapshot {
  variant: "llmio" | "llmio-fork";
  tables: SourceTableCount[];
  providers: LlmioProvider[];
  models: LlmioModel[];
  associations: LlmioAssociation[];
  authKeys: LlmioAuthKey[];
  /** `configs` rows by key, values parsed from JSON. */
  configs: Map<string, unknown>;
  /** The fork's per-model prices (model_prices), USD per 1M tokens, by lower-cased public model name. */
  modelPrices: Map<string, LlmioModelPrice>;
}

export interface LlmioProvider {
  id: number;
  name: string;
  /** openai, openai-res, anthropic, gemini. */
  type: string;
  baseUrl: string;
  apiKey: string;
  /** Anthropic's `anthropic-version`. */
  version: string;
  console: string;
  proxy: string;
  errorMatcher: string;
  /** The fork's limits. */
  rpmLimit: number | null;
  ipLockMinutes: number | null;
}

export interface LlmioModel {
  id: number;
  name: string;
  remark: string;
  /** Attempts per request (LLMIO tries at most this many times). */
  maxRetry: number | null;
  /** Seconds: the whole request, and the wait for each attempt's response headers (a third for streams). */
  timeOut: number | null;
  strategy: string;
  breaker: boolean | null;
  /** Higher first. */
  displayOrder: number | null;
  /** The fork's per-model switch and body logging. */
  status: boolean | null;
  ioLog: boolean | null;
}

export interface LlmioAssociation {
  id: number;
  modelId: number;
  providerId: number;
  providerModel: string;
  toolCall: boolean | null;
  structuredOutput: boolean | null;
  image: boolean | null;
  withHeader: boolean | null;
  status: boolean | null;
  customerHeaders: Record<string, unknown>;
  extraBody: Record<string, unknown>;
  weight: number | null;
  inputPrice: number | null;
  cacheReadPrice: number | null;
  outputPrice: number | null;
  currency: string;
}

export interface LlmioAuthKey {
  id: number;
  name: string;
  key: string;
  status: boolean | null;
  ioLog: boolean | null;
  allowAll: boolean | null;
  models: string[];
  expiresAt: number | null;
  usageCount: number;
  lastUsedAt: number | null;
}

export interface LlmioModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const REQUIRED_TABLES = ["providers", "models", "model_with_providers"];

export async function readSnapshot(source: SourceDatabase): Promise<LlmioSnapshot> {
  const present = await source.tableNames();
  const missing = REQUIRED_TABLES.filter((table) => !present.has(table));
  if (missing.length) {
    throw new CliError(`${source.description} is not an LLMIO database (no ${missing.join(", ")} table)`, "give LLMIO's llmio.db, or the fork's database URL");
  }
  const tables: SourceTableCount[] = [];
  /** The live rows of a table (none when it does not exist), counted. */
  const live = async (table: string): Promise<SourceRow[]> => {
    if (!present.has(table)) return [];
    const rows = await source.rows(table);
    const kept = rows.filter((row) => !isDeleted(row));
    tables.push({ table, read: rows.length, deleted: rows.length - kept.length, skipped: 0 });
    return kept;
  };
  const providers = (await live("providers")).map(provider);
  const models = (await live("models")).map(model);
  const associations = (await live("model_with_providers")).map(association);
  const authKeys = (await live("auth_keys")).map(authKey);
  const configs = new Map((await live("configs")).map((row) => [asText(row.key), asJson(row.value) ?? asText(row.value)]));
  const modelPrices = new Map(
    (await live("model_prices")).map((row) => [
      asText(row.model_id).trim().toLowerCase(),
      { input: num(row.input), output: num(row.output), cacheRead: num(row.cache_read), cacheWrite: num(row.cache_write) },
    ]),
  );
  const variant = present.has("model_prices") || present.has("chat_io") ? "llmio-fork" : "llmio";
  return { variant, tables, providers, models, associations, authKeys, configs, modelPrices };
}

export function isDeleted(row: SourceRow): boolean {
  return row.deleted_at !== null && row.deleted_at !== undefined && row.deleted_at !== "";
}

function num(value: unknown): number {
  return asNumber(value) ?? 0;
}

function provider(row: SourceRow): LlmioProvider {
  const config = asJson(row.config);
  const field = (name: string) => (config && typeof config === "object" ? asText((config as Record<string, unknown>)[name]).trim() : "");
  return {
    id: num(row.id),
    name: asText(row.name).trim(),
    type: asText(row.type).trim(),
    baseUrl: field("base_url"),
    apiKey: field("api_key"),
    version: field("version"),
    console: asText(row.console).trim(),
    proxy: asText(row.proxy).trim(),
    errorMatcher: asText(row.error_matcher),
    rpmLimit: asNumber(row.rpm_limit),
    ipLockMinutes: asNumber(row.ip_lock_minutes),
  };
}

function model(row: SourceRow): LlmioModel {
  return {
    id: num(row.id),
    name: asText(row.name).trim(),
    remark: asText(row.remark),
    maxRetry: asNumber(row.max_retry),
    timeOut: asNumber(row.time_out),
    strategy: asText(row.strategy).trim() || "lottery",
    breaker: asBoolean(row.breaker),
    displayOrder: asNumber(row.display_order),
    status: asBoolean(row.status),
    ioLog: asBoolean(row.io_log),
  };
}

function association(row: SourceRow): LlmioAssociation {
  return {
    id: num(row.id),
    modelId: num(row.model_id),
    providerId: num(row.provider_id),
    providerModel: asText(row.provider_model).trim(),
    toolCall: asBoolean(row.tool_call),
    structuredOutput: asBoolean(row.structured_output),
    image: asBoolean(row.image),
    withHeader: asBoolean(row.with_header),
    status: asBoolean(row.status),
    customerHeaders: record(asJson(row.customer_headers)),
    extraBody: record(asJson(row.extra_body)),
    weight: asNumber(row.weight),
    inputPrice: asNumber(row.input_price),
    cacheReadPrice: asNumber(row.cache_read_price),
    outputPrice: asNumber(row.output_price),
    currency: asText(row.currency).trim().toUpperCase(),
  };
}

function authKey(row: SourceRow): LlmioAuthKey {
  const models = asJson(row.models);
  return {
    id: num(row.id),
    name: asText(row.name).trim(),
    key: asText(row.key).trim(),
    status: asBoolean(row.status),
    ioLog: asBoolean(row.io_log),
    allowAll: asBoolean(row.allow_all),
    models: Array.isArray(models) ? models.map((name) => asText(name).trim()).filter(Boolean) : [],
    expiresAt: asInstant(row.expires_at),
    usageCount: num(row.usage_count),
    lastUsedAt: asInstant(row.last_used_at),
  };
}

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
