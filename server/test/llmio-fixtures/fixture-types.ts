/**
 * What a fixture database holds, described in plain values so importer tests can assert without
 * re-deriving anything from the rows. Catalog lists hold the LIVE rows only (deleted_at NULL and,
 * for associations, model and provider live too); soft-deleted rows are listed by name in `deleted`.
 */
import type { LlmioTable } from "./llmio-schema.ts";
import type { ForkPostgresTable } from "./fork-schema.ts";

export interface FixtureOptions {
  /**
   * Root of the upstream every provider points at, e.g. a fake upstream's `http://127.0.0.1:PORT`.
   * Each provider's base_url is this root plus its vendor path (`/v1`; Gemini `/v1beta`).
   * Default: the vendors' real hosts.
   */
  upstreamUrl?: string;
  /** The proxy set on the providers that have one (LLMIO only). Default `http://fixture:s3cret@127.0.0.1:3128`. */
  proxyUrl?: string;
  /** The instant the data is relative to (log ages, expiry). Default: the current time. */
  now?: Date;
}

/** Rows in a source table; `deleted` of them have deleted_at set. */
export interface FixtureTableCount {
  rows: number;
  deleted: number;
}

export interface FixtureKeyNames {
  /** allow_all, no expiry. */
  allModels: string;
  /** allow_all off with a list of models, expires in the future. */
  limited: string;
  /** status off. */
  disabled: string;
  /** expires_at in the past. */
  expired: string;
  /** Soft-deleted. */
  deleted: string;
}

/** Soft-deleted rows by what identifies them in the report. */
export interface FixtureDeletedNames {
  providers: string[];
  models: string[];
  /** `model → provider/provider_model`. */
  associations: string[];
  authKeys: string[];
  configs: string[];
  chatLogIds: number[];
}

export interface FixtureLogs {
  /** All chat_logs rows, soft-deleted included. */
  rows: number;
  deleted: number;
  /** Not soft-deleted. */
  live: number;
  /** Live rows by status (`running`: a request that never finished). */
  byStatus: Record<"success" | "error" | "running", number>;
  /** Live rows by style (the client API). */
  byStyle: Record<string, number>;
  /** created_at of every live row, oldest first (filter for `--since DAYS`). */
  liveCreatedAt: Date[];
  oldest: Date;
  newest: Date;
  /** Live rows whose auth_key_id is 0 (no client key) / points at no live key. */
  withoutKey: number;
  withUnknownKey: number;
  /** Body capture rows (chat_ios / chat_io), and those whose log is live. */
  bodies: { rows: number; forLiveLogs: number };
  /** Sum of prompt / completion tokens over live rows. */
  promptTokens: number;
  completionTokens: number;
}

/** The route an end-to-end test should call: key → model → provider (through its proxy). */
export interface FixtureE2eRoute {
  keyName: string;
  key: string;
  modelName: string;
  providerName: string;
  providerModel: string;
  /** The upstream API: `openai` (POST {base_url}/chat/completions). */
  style: string;
  upstreamApiKey: string;
  /** What the upstream must receive: the body merged with these, these headers, via this proxy ("" for none). */
  extraBody: Record<string, unknown>;
  headers: Record<string, string>;
  proxyUrl: string;
}

// ── LLMIO (atopos31/llmio, SQLite) ──────────────────────────────────────────

export type LlmioProviderType = "openai" | "openai-res" | "anthropic" | "gemini";

export interface LlmioProviderExpectation {
  id: number;
  name: string;
  type: LlmioProviderType;
  /** From the JSON config. */
  baseUrl: string;
  apiKey: string;
  /** Anthropic's `version` (the anthropic-version header); null for other types. */
  version: string | null;
  console: string;
  /** "" when none. */
  proxy: string;
  /** The raw error_matcher text ("" when none) and its rules split as LLMIO splits them (newlines, `;`, `；`). */
  errorMatcher: string;
  errorMatchers: string[];
}

export interface LlmioModelExpectation {
  id: number;
  name: string;
  remark: string;
  maxRetry: number;
  timeOutSeconds: number;
  strategy: "lottery" | "rotor";
  /** NULL on a database LLMIO has not migrated since breakers came in. */
  breaker: boolean | null;
  displayOrder: number;
}

export interface LlmioAssociationExpectation {
  id: number;
  modelName: string;
  providerName: string;
  providerModel: string;
  toolCall: boolean | null;
  structuredOutput: boolean | null;
  image: boolean | null;
  withHeader: boolean | null;
  /** The status column. */
  enabled: boolean;
  /** null: the column is NULL; {} : the column is `{}`. */
  customerHeaders: Record<string, string> | null;
  extraBody: Record<string, unknown> | null;
  weight: number;
  inputPrice: number | null;
  cacheReadPrice: number | null;
  outputPrice: number | null;
  currency: string;
}

export interface LlmioKeyExpectation {
  id: number;
  name: string;
  /** The plain secret, `sk-llmio-…`. */
  key: string;
  enabled: boolean;
  /** NULL on keys made before per-key capture existed. */
  ioLog: boolean | null;
  allowAll: boolean;
  /** null: the column is NULL. */
  models: string[] | null;
  expiresAt: Date | null;
  expired: boolean;
  usageCount: number;
  lastUsedAt: Date | null;
}

/** A live row the importer cannot use, and why. */
export interface FixtureUnusableRow {
  table: string;
  id: number;
  name: string;
  reason: string;
}

export interface LlmioFixture {
  variant: "llmio";
  path: string;
  now: Date;
  /** options.upstreamUrl; null: the vendors' real hosts. */
  upstreamUrl: string | null;
  proxyUrl: string;
  providers: LlmioProviderExpectation[];
  models: LlmioModelExpectation[];
  associations: LlmioAssociationExpectation[];
  authKeys: LlmioKeyExpectation[];
  /** Live association rows that point at a soft-deleted model (LLMIO keeps them when a model is deleted). */
  orphanRows: FixtureUnusableRow[];
  deleted: FixtureDeletedNames;
  tables: Record<LlmioTable, FixtureTableCount>;
  /** Secrets of the live keys by name; those of soft-deleted keys apart. */
  keySecrets: Record<string, string>;
  deletedKeySecrets: Record<string, string>;
  keyNames: FixtureKeyNames & { ioLog: string };
  expiredKeyName: string;
  configs: {
    logCleanupPolicy: { enabled: boolean; retentionDays: number };
    anthropicCountTokens: { baseUrl: string; apiKey: string; version: string };
  };
  logCleanupRecords: number;
  logs: FixtureLogs & {
    /** A request LLMIO retried: attempts share this trace_id with retry 0, 1, 2 (the last succeeded). */
    retriedTraceId: string;
    /** Distinct trace_ids among live rows. */
    traces: number;
  };
  e2e: FixtureE2eRoute;
}

// ── The fork (raciott/llmio, PostgreSQL / MySQL) ────────────────────────────

export type ForkProviderType = "openai" | "codex" | "anthropic" | "gemini";

export interface ForkProviderExpectation {
  id: number;
  name: string;
  type: ForkProviderType;
  baseUrl: string;
  apiKey: string;
  version: string | null;
  console: string;
  rpmLimit: number;
  ipLockMinutes: number;
}

export interface ForkModelExpectation {
  id: number;
  name: string;
  remark: string;
  maxRetry: number;
  timeOutSeconds: number;
  ioLog: boolean;
  strategy: "lottery" | "rotor";
  breaker: boolean;
  /** The models.status column; null on MySQL (no such column there). */
  enabled: boolean | null;
}

export interface ForkAssociationExpectation {
  id: number;
  modelName: string;
  providerName: string;
  providerModel: string;
  toolCall: boolean;
  structuredOutput: boolean;
  image: boolean;
  withHeader: boolean;
  enabled: boolean;
  customerHeaders: Record<string, string>;
  weight: number;
}

export interface ForkKeyExpectation {
  id: number;
  name: string;
  key: string;
  enabled: boolean;
  allowAll: boolean;
  models: string[];
  expiresAt: Date | null;
  expired: boolean;
  usageCount: number;
  lastUsedAt: Date | null;
}

export interface ForkModelPriceExpectation {
  modelId: string;
  provider: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ForkFixture {
  variant: "llmio-fork";
  dialect: "postgres" | "mysql";
  databaseUrl: string;
  now: Date;
  upstreamUrl: string | null;
  providers: ForkProviderExpectation[];
  models: ForkModelExpectation[];
  associations: ForkAssociationExpectation[];
  authKeys: ForkKeyExpectation[];
  /** Live model_prices rows (PostgreSQL only; empty on MySQL). */
  modelPrices: ForkModelPriceExpectation[];
  orphanRows: FixtureUnusableRow[];
  deleted: FixtureDeletedNames & { modelPrices: string[] };
  /** Per table; MySQL has no model_prices (absent here). */
  tables: Partial<Record<ForkPostgresTable, FixtureTableCount>>;
  keySecrets: Record<string, string>;
  deletedKeySecrets: Record<string, string>;
  keyNames: FixtureKeyNames;
  expiredKeyName: string;
  /** The model with status 0 (PostgreSQL); null on MySQL. */
  disabledModelName: string | null;
  configs: {
    anthropicCountTokens: { baseUrl: string; apiKey: string; version: string };
    /** PostgreSQL only. */
    anthropicProxyIp: { enabled: boolean; proxyIp: string } | null;
    modelPriceSync: { enabled: boolean; intervalMinutes: number; sourceUrl: string } | null;
    firstDeployTime: string | null;
  };
  logs: FixtureLogs & {
    /** Sum of total_cost over live rows (PostgreSQL; 0 on MySQL). */
    totalCost: number;
  };
}
