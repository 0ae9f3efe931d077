import { sql } from "drizzle-orm";
import { CACHE_STATUSES, CURRENCIES, ENDPOINTS, FAILURE_CLASSES, LOG_STATUSES, PROVIDER_TYPES, STRATEGIES, type Endpoint, type RetentionMode, type RetentionTrigger } from "@llmio/contract";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The closed sets live in the contract (shared with the admin API, the UI and the extension).
export { CURRENCIES, ENDPOINTS, type Currency, type Endpoint, type RetentionMode, type RetentionTrigger } from "@llmio/contract";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Upstream accounts. `type` is the wire protocol the provider speaks. */
export const providers = sqliteTable("providers", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  type: text("type", { enum: PROVIDER_TYPES }).notNull(),
  baseUrl: text("base_url").notNull(),
  /** JSON array of API keys; never returned in full by the API. */
  apiKeys: text("api_keys", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** Extra headers sent on every upstream request. */
  headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  consoleUrl: text("console_url"),
  /** Text that marks a 200 answer as a failure (relays that report errors with status 200). */
  errorMatch: text("error_match"),
  /** Limits for the whole provider and for each of its keys; null means unlimited. */
  requestsPerMinute: integer("requests_per_minute"),
  tokensPerMinute: integer("tokens_per_minute"),
  maxConcurrent: integer("max_concurrent"),
  keyRequestsPerMinute: integer("key_requests_per_minute"),
  keyTokensPerMinute: integer("key_tokens_per_minute"),
  keyMaxConcurrent: integer("key_max_concurrent"),
  /** Endpoints this provider serves; null means every one its protocol has. */
  endpoints: text("endpoints", { mode: "json" }).$type<Endpoint[] | null>(),
  /** HTTP(S) proxy for this provider's calls (credentials in the URL); null uses HTTPS_PROXY / HTTP_PROXY. */
  proxyUrl: text("proxy_url"),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
});

/** Public model names clients send. */
export const models = sqliteTable("models", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  remark: text("remark").notNull().default(""),
  strategy: text("strategy", { enum: STRATEGIES })
    .notNull()
    .default("weighted"),
  maxRetry: integer("max_retry").notNull().default(3),
  /** Time to first byte allowed per attempt. */
  timeoutMs: integer("timeout_ms").notNull().default(60_000),
  /** Other names and glob patterns (`claude-*`) that route here. */
  aliases: text("aliases", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  /** All attempts of one request together may not take longer than this before output starts. */
  totalTimeoutMs: integer("total_timeout_ms").notNull().default(180_000),
  /** A stream silent for this long after it started is ended with an error. */
  streamIdleTimeoutMs: integer("stream_idle_timeout_ms").notNull().default(120_000),
  /** A started stream still running this long is ended with an error (an upstream that never finishes). */
  maxStreamDurationMs: integer("max_stream_duration_ms").notNull().default(1_800_000),
  /** How long requests of one session stay on the association that served them. */
  stickySeconds: integer("sticky_seconds").notNull().default(120),
  /** How long a complete answer is served from the response cache; 0 = off. */
  cacheTtlSeconds: integer("cache_ttl_seconds").notNull().default(0),
  /** Cache requests with randomness too (temperature > 0 without a seed, n > 1). */
  cacheEverything: integer("cache_everything", { mode: "boolean" }).notNull().default(false),
  /** Cache entries are kept apart per client key. */
  cachePerKey: integer("cache_per_key", { mode: "boolean" }).notNull().default(false),
  /** Identical cacheable requests in flight share one upstream call. */
  coalesce: integer("coalesce", { mode: "boolean" }).notNull().default(true),
  /** All traffic goes to this provider while set (the browser extension's pin). */
  pinnedProviderId: integer("pinned_provider_id"),
  /** Position in the admin UI's list (drag to reorder). */
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
});

/** Which provider models serve a public model, with weight, capabilities and prices. */
export const modelProviders = sqliteTable(
  "model_providers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    modelId: integer("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    providerId: integer("provider_id")
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    providerModel: text("provider_model").notNull(),
    weight: integer("weight").notNull().default(1),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    toolCall: integer("tool_call", { mode: "boolean" }).notNull().default(true),
    structuredOutput: integer("structured_output", { mode: "boolean" }).notNull().default(true),
    vision: integer("vision", { mode: "boolean" }).notNull().default(true),
    /** Prices in currency units per 1M tokens. */
    priceInput: real("price_input").notNull().default(0),
    priceCachedInput: real("price_cached_input").notNull().default(0),
    priceOutput: real("price_output").notNull().default(0),
    /** Price of tokens written to the prompt cache (Anthropic cache creation), per 1M. */
    priceCacheWrite: real("price_cache_write").notNull().default(0),
    /** The currency of the four prices. */
    currency: text("currency", { enum: CURRENCIES }).notNull().default("USD"),
    /** JSON object deep-merged into the upstream request body (after translation), overriding the client's values. */
    extraBody: text("extra_body", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    /** Headers sent to this association's upstream; they win over the provider's headers and the client's. */
    extraHeaders: text("extra_headers", { mode: "json" }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
    /** Whether the client's own headers (minus credentials and browser context) go upstream. */
    forwardClientHeaders: integer("forward_client_headers", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
    updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
  },
  (table) => [
    index("model_providers_model_idx").on(table.modelId),
    index("model_providers_provider_idx").on(table.providerId),
  ],
);

/** One row per upstream attempt; attempts of one client request share `traceId`. */
export const requestLogs = sqliteTable(
  "request_logs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    traceId: text("trace_id").notNull(),
    model: text("model").notNull(),
    providerId: integer("provider_id"),
    providerName: text("provider_name"),
    providerModel: text("provider_model"),
    clientProtocol: text("client_protocol").notNull(),
    /** Which API was called: chat (any chat-like protocol), embeddings or count_tokens. */
    endpoint: text("endpoint", { enum: ENDPOINTS }).notNull().default("chat"),
    status: text("status", { enum: LOG_STATUSES }).notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    attempt: integer("attempt").notNull().default(0),
    stream: integer("stream", { mode: "boolean" }).notNull().default(false),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    totalTokens: integer("total_tokens").notNull().default(0),
    /** Input tokens written to the prompt cache (part of prompt_tokens). */
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    /** The association's prices per 1M tokens when the call was made; null on rows logged before prices were snapshotted. */
    priceInput: real("price_input"),
    priceCachedInput: real("price_cached_input"),
    priceCacheWrite: real("price_cache_write"),
    priceOutput: real("price_output"),
    currency: text("currency", { enum: CURRENCIES }),
    /** What the attempt cost at those prices, in `currency`. */
    cost: real("cost"),
    /** Tokens were counted locally because the upstream reported none. */
    usageEstimated: integer("usage_estimated", { mode: "boolean" }).notNull().default(false),
    /** Features the upstream could not carry (translation degraded), joined by newlines. */
    warnings: text("warnings"),
    firstByteMs: integer("first_byte_ms"),
    durationMs: integer("duration_ms").notNull().default(0),
    clientIp: text("client_ip"),
    /** The client API key used; null for the admin TOKEN. */
    authKeyId: integer("auth_key_id"),
    userAgent: text("user_agent"),
    /** Why the call or attempt failed, as a short code (see db/log-reasons.ts); null for successes. */
    reason: text("reason"),
    /**
     * An upstream attempt's failure class (routing/failure-class.ts: timeout, rate_limit, …), decided once
     * where the answer was decoded; null for successes, refusals, rejections and a client that left.
     */
    failureClass: text("failure_class", { enum: FAILURE_CLASSES }),
    /** Identical rejections of one minute share one row: how many calls this row stands for. */
    repeatCount: integer("repeat_count").notNull().default(1),
    /** A rejected unknown key's first and last characters (never the key), to recognise a misconfigured client. */
    keyHint: text("key_hint"),
    /** The client's session (Claude Code's, Codex's …): the id sticky routing follows. */
    sessionId: text("session_id"),
    /** The request path of a rejected call (which API the client tried). */
    path: text("path"),
    /** The response cache's part: hit (served from it, no upstream), miss (looked up, then called); null when the model does not cache. */
    cacheStatus: text("cache_status", { enum: CACHE_STATUSES }),
    /** A cache hit: the tokens and cost of the original answer, which this request did not spend. */
    savedTokens: integer("saved_tokens").notNull().default(0),
    /** The OpenTelemetry trace id of the request's span, when tracing exported it. */
    otelTraceId: text("otel_trace_id"),
    savedCost: real("saved_cost"),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
  },
  (table) => [
    index("request_logs_created_idx").on(table.createdAt),
    index("request_logs_model_created_idx").on(table.model, table.createdAt),
    index("request_logs_provider_created_idx").on(table.providerId, table.createdAt),
    index("request_logs_status_created_idx").on(table.status, table.createdAt),
    index("request_logs_trace_idx").on(table.traceId),
    index("request_logs_auth_key_created_idx").on(table.authKeyId, table.createdAt),
    index("request_logs_session_created_idx").on(table.sessionId, table.createdAt),
  ],
);

/** API keys handed to clients; TOKEN stays the full-access key. Only a hash of each key is stored. */
export const authKeys = sqliteTable("auth_keys", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  /** The key's first and last characters, for recognising it in lists. */
  keyHint: text("key_hint").notNull(),
  /** Public model names (or globs) this key may use; null means all. */
  allowedModels: text("allowed_models", { mode: "json" }).$type<string[] | null>(),
  expiresAt: integer("expires_at", { mode: "number" }),
  /** Lifetime quotas; null means unlimited. */
  requestQuota: integer("request_quota"),
  tokenQuota: integer("token_quota"),
  requestsUsed: integer("requests_used").notNull().default(0),
  tokensUsed: integer("tokens_used").notNull().default(0),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** Capture this key's request and response bodies even while the global body capture is off. */
  captureBodies: integer("capture_bodies", { mode: "boolean" }).notNull().default(false),
  lastUsedAt: integer("last_used_at", { mode: "number" }),
  createdAt: integer("created_at", { mode: "number" }).notNull().default(now),
  updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
});

export type AuthKey = typeof authKeys.$inferSelect;

/** Gateway settings changed from the admin UI, one JSON value per key (see routing/settings.ts). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: integer("updated_at", { mode: "number" }).notNull().default(now),
});

/** Request and response bodies of a trace, kept only while body capture is on (truncated). */
/**
 * The response cache's stored answers (cache/): the canonical answer as JSON, found by the hash
 * of what decides it. Memory holds the hot ones; this table lets them outlive a restart and be
 * shared by every instance on one PostgreSQL. The log retention job deletes expired rows.
 */
export const responseCache = sqliteTable(
  "response_cache",
  {
    key: text("key").primaryKey(),
    /** The public model, for purging one model's entries. */
    model: text("model").notNull(),
    /** The canonical answer and what it cost (cache/cached-answer.ts), as JSON. */
    answer: text("answer").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
    expiresAt: integer("expires_at", { mode: "number" }).notNull(),
  },
  (table) => [index("response_cache_model_idx").on(table.model), index("response_cache_expires_idx").on(table.expiresAt)],
);

export const requestBodies = sqliteTable(
  "request_bodies",
  {
    traceId: text("trace_id").primaryKey(),
    requestBody: text("request_body"),
    responseBody: text("response_body"),
    createdAt: integer("created_at", { mode: "number" }).notNull(),
  },
  (table) => [index("request_bodies_created_idx").on(table.createdAt)],
);
export type Provider = typeof providers.$inferSelect;
export type Model = typeof models.$inferSelect;
export type ModelProvider = typeof modelProviders.$inferSelect;
export type RequestLog = typeof requestLogs.$inferSelect;
export type NewRequestLog = typeof requestLogs.$inferInsert;

/** The last log retention runs (the newest 100 are kept), for the cleanup history in Settings. */
export const retentionRuns = sqliteTable(
  "retention_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startedAt: integer("started_at", { mode: "number" }).notNull(),
    triggeredBy: text("triggered_by").$type<RetentionTrigger>().notNull(),
    mode: text("mode").$type<RetentionMode>().notNull(),
    deletedRows: integer("deleted_rows").notNull().default(0),
    deletedBodies: integer("deleted_bodies").notNull().default(0),
    durationMs: integer("duration_ms").notNull(),
    /** Why the run failed; null when it succeeded. */
    error: text("error"),
  },
  (table) => [index("retention_runs_started_idx").on(table.startedAt)],
);
export type RetentionRun = typeof retentionRuns.$inferSelect;
