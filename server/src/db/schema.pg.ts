import { sql } from "drizzle-orm";
import { bigint, boolean, customType, doublePrecision, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { CACHE_STATUSES, CURRENCIES, ENDPOINTS, FAILURE_CLASSES, LOG_STATUSES, PROVIDER_TYPES, STRATEGIES, type Endpoint, type RetentionMode, type RetentionTrigger } from "@llmio/contract";

/**
 * The PostgreSQL twin of schema.ts (multi-instance mode, `DATABASE_URL`): same tables,
 * columns and TypeScript types, so the services run unchanged on either database.
 * Times are milliseconds since the epoch (bigint), JSON is stored as text like on SQLite.
 * `drizzle.pg.config.ts` generates drizzle/pg/ from this file.
 */

const now = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

const json = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => "text",
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => JSON.parse(value) as T,
  })(name);

const millis = (name: string) => bigint(name, { mode: "number" });
const id = () => integer("id").primaryKey().generatedByDefaultAsIdentity();

export const providers = pgTable("providers", {
  id: id(),
  name: text("name").notNull().unique(),
  type: text("type", { enum: PROVIDER_TYPES }).notNull(),
  baseUrl: text("base_url").notNull(),
  apiKeys: json<string[]>("api_keys").notNull().default(sql`'[]'`),
  headers: json<Record<string, string>>("headers").notNull().default(sql`'{}'`),
  enabled: boolean("enabled").notNull().default(true),
  consoleUrl: text("console_url"),
  errorMatch: text("error_match"),
  requestsPerMinute: integer("requests_per_minute"),
  tokensPerMinute: integer("tokens_per_minute"),
  maxConcurrent: integer("max_concurrent"),
  keyRequestsPerMinute: integer("key_requests_per_minute"),
  keyTokensPerMinute: integer("key_tokens_per_minute"),
  keyMaxConcurrent: integer("key_max_concurrent"),
  endpoints: json<Endpoint[] | null>("endpoints"),
  proxyUrl: text("proxy_url"),
  createdAt: millis("created_at").notNull().default(now),
  updatedAt: millis("updated_at").notNull().default(now),
});

export const models = pgTable("models", {
  id: id(),
  name: text("name").notNull().unique(),
  remark: text("remark").notNull().default(""),
  strategy: text("strategy", { enum: STRATEGIES })
    .notNull()
    .default("weighted"),
  maxRetry: integer("max_retry").notNull().default(3),
  timeoutMs: integer("timeout_ms").notNull().default(60_000),
  aliases: json<string[]>("aliases").notNull().default(sql`'[]'`),
  totalTimeoutMs: integer("total_timeout_ms").notNull().default(180_000),
  streamIdleTimeoutMs: integer("stream_idle_timeout_ms").notNull().default(120_000),
  maxStreamDurationMs: integer("max_stream_duration_ms").notNull().default(1_800_000),
  stickySeconds: integer("sticky_seconds").notNull().default(120),
  /** How long a complete answer is served from the response cache; 0 = off. */
  cacheTtlSeconds: integer("cache_ttl_seconds").notNull().default(0),
  /** Cache requests with randomness too (temperature > 0 without a seed, n > 1). */
  cacheEverything: boolean("cache_everything").notNull().default(false),
  /** Cache entries are kept apart per client key. */
  cachePerKey: boolean("cache_per_key").notNull().default(false),
  /** Identical cacheable requests in flight share one upstream call. */
  coalesce: boolean("coalesce").notNull().default(true),
  pinnedProviderId: integer("pinned_provider_id"),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: millis("created_at").notNull().default(now),
  updatedAt: millis("updated_at").notNull().default(now),
});

export const modelProviders = pgTable(
  "model_providers",
  {
    id: id(),
    modelId: integer("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    providerId: integer("provider_id")
      .notNull()
      .references(() => providers.id, { onDelete: "cascade" }),
    providerModel: text("provider_model").notNull(),
    weight: integer("weight").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    toolCall: boolean("tool_call").notNull().default(true),
    structuredOutput: boolean("structured_output").notNull().default(true),
    vision: boolean("vision").notNull().default(true),
    priceInput: doublePrecision("price_input").notNull().default(0),
    priceCachedInput: doublePrecision("price_cached_input").notNull().default(0),
    priceOutput: doublePrecision("price_output").notNull().default(0),
    priceCacheWrite: doublePrecision("price_cache_write").notNull().default(0),
    currency: text("currency", { enum: CURRENCIES }).notNull().default("USD"),
    extraBody: json<Record<string, unknown>>("extra_body").notNull().default(sql`'{}'`),
    extraHeaders: json<Record<string, string>>("extra_headers").notNull().default(sql`'{}'`),
    forwardClientHeaders: boolean("forward_client_headers").notNull().default(true),
    createdAt: millis("created_at").notNull().default(now),
    updatedAt: millis("updated_at").notNull().default(now),
  },
  (table) => [
    index("model_providers_model_idx").on(table.modelId),
    index("model_providers_provider_idx").on(table.providerId),
  ],
);

export const requestLogs = pgTable(
  "request_logs",
  {
    // bigint: a busy multi-instance gateway can pass 2^31 log rows.
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    traceId: text("trace_id").notNull(),
    model: text("model").notNull(),
    providerId: integer("provider_id"),
    providerName: text("provider_name"),
    providerModel: text("provider_model"),
    clientProtocol: text("client_protocol").notNull(),
    endpoint: text("endpoint", { enum: ENDPOINTS }).notNull().default("chat"),
    status: text("status", { enum: LOG_STATUSES }).notNull(),
    statusCode: integer("status_code"),
    error: text("error"),
    attempt: integer("attempt").notNull().default(0),
    stream: boolean("stream").notNull().default(false),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    totalTokens: integer("total_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    priceInput: doublePrecision("price_input"),
    priceCachedInput: doublePrecision("price_cached_input"),
    priceCacheWrite: doublePrecision("price_cache_write"),
    priceOutput: doublePrecision("price_output"),
    currency: text("currency", { enum: CURRENCIES }),
    cost: doublePrecision("cost"),
    usageEstimated: boolean("usage_estimated").notNull().default(false),
    warnings: text("warnings"),
    firstByteMs: integer("first_byte_ms"),
    durationMs: integer("duration_ms").notNull().default(0),
    clientIp: text("client_ip"),
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
    savedCost: doublePrecision("saved_cost"),
    createdAt: millis("created_at").notNull(),
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

export const authKeys = pgTable("auth_keys", {
  id: id(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique(),
  keyHint: text("key_hint").notNull(),
  allowedModels: json<string[] | null>("allowed_models"),
  expiresAt: millis("expires_at"),
  requestQuota: bigint("request_quota", { mode: "number" }),
  tokenQuota: bigint("token_quota", { mode: "number" }),
  requestsUsed: bigint("requests_used", { mode: "number" }).notNull().default(0),
  tokensUsed: bigint("tokens_used", { mode: "number" }).notNull().default(0),
  enabled: boolean("enabled").notNull().default(true),
  captureBodies: boolean("capture_bodies").notNull().default(false),
  lastUsedAt: millis("last_used_at"),
  createdAt: millis("created_at").notNull().default(now),
  updatedAt: millis("updated_at").notNull().default(now),
});

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: json<unknown>("value").notNull(),
  updatedAt: millis("updated_at").notNull().default(now),
});

/**
 * The response cache's stored answers (cache/): the canonical answer as JSON, found by the hash
 * of what decides it. Memory holds the hot ones; this table lets them outlive a restart and be
 * shared by every instance on one PostgreSQL. The log retention job deletes expired rows.
 */
export const responseCache = pgTable(
  "response_cache",
  {
    key: text("key").primaryKey(),
    /** The public model, for purging one model's entries. */
    model: text("model").notNull(),
    /** The canonical answer and what it cost (cache/cached-answer.ts), as JSON. */
    answer: text("answer").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: millis("created_at").notNull(),
    expiresAt: millis("expires_at").notNull(),
  },
  (table) => [index("response_cache_model_idx").on(table.model), index("response_cache_expires_idx").on(table.expiresAt)],
);

export const requestBodies = pgTable(
  "request_bodies",
  {
    traceId: text("trace_id").primaryKey(),
    requestBody: text("request_body"),
    responseBody: text("response_body"),
    createdAt: millis("created_at").notNull(),
  },
  (table) => [index("request_bodies_created_idx").on(table.createdAt)],
);

export const retentionRuns = pgTable(
  "retention_runs",
  {
    id: id(),
    startedAt: millis("started_at").notNull(),
    triggeredBy: text("triggered_by").$type<RetentionTrigger>().notNull(),
    mode: text("mode").$type<RetentionMode>().notNull(),
    deletedRows: integer("deleted_rows").notNull().default(0),
    deletedBodies: integer("deleted_bodies").notNull().default(0),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
  },
  (table) => [index("retention_runs_started_idx").on(table.startedAt)],
);
