/**
 * The closed sets the gateway, its admin API, the UI and the extension share. Each is a tuple
 * (for drizzle's `enum:` and TypeBox unions) with its union type beside it.
 */

/** The wire protocols a client or an upstream speaks. */
export const WIRE_NAMES = ["openai-chat", "openai-responses", "anthropic", "gemini"] as const;
export type WireName = (typeof WIRE_NAMES)[number];

/** What a provider is configured as: the wire protocol its upstream speaks (`openai` is OpenAI chat). */
export const PROVIDER_TYPES = ["openai", "openai-responses", "anthropic", "gemini"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The APIs a provider can serve. */
export const ENDPOINTS = ["chat", "embeddings", "count_tokens"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** How a model picks among its providers. */
export const STRATEGIES = ["weighted", "priority", "round-robin", "least-latency"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Currencies an association can be priced in. */
export const CURRENCIES = ["USD", "CNY"] as const;
export type Currency = (typeof CURRENCIES)[number];

export const BREAKER_STATES = ["closed", "open", "half-open"] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** A provider key: usable, dead (refused its credentials), cooling down (rate limit, quota) or behind an open breaker. */
export const KEY_STATES = ["ok", "dead", "cooling", "open"] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** Why an attempt failed; the class, not the status, decides retries and cool-downs. */
export const FAILURE_CLASSES = ["credential", "rate_limit", "quota", "overloaded", "server", "timeout", "connection", "bad_request", "content"] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** What went wrong, as an operator would say it (the UI and the extension translate these). */
export const FAILURE_CAUSES = [
  "connection-refused",
  "host-not-found",
  "tls",
  "connection",
  "timeout",
  "credential",
  "rate-limit",
  "quota",
  "overloaded",
  "not-found",
  "server-error",
  "bad-request",
  "content",
] as const;
export type FailureCause = (typeof FAILURE_CAUSES)[number];

/** Who closed a provider's breakers outside the request path. */
export const RECOVERY_CAUSES = ["probe", "test", "reset"] as const;
export type RecoveryCause = (typeof RECOVERY_CAUSES)[number];

export const LOG_STATUSES = ["success", "error"] as const;
export type LogStatus = (typeof LOG_STATUSES)[number];

/**
 * The response cache's part in a request (the log row's `cacheStatus`): `hit` served from the cache
 * (no upstream call), `miss` looked up and called the upstream; null when the model does not cache.
 */
export const CACHE_STATUSES = ["hit", "miss"] as const;
export type CacheStatus = (typeof CACHE_STATUSES)[number];

/** Calls the gateway refused before any upstream was tried (the client or its configuration was at fault). */
export const REJECTION_REASONS = [
  "missing_key",
  "unknown_key",
  "key_disabled",
  "key_expired",
  "ip_locked_out",
  "quota_used_up",
  "quota_held",
  "body_too_large",
  "malformed_request",
  "unknown_model",
  "model_not_allowed",
  "unknown_provider",
  "unsupported_request",
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** A call that was admitted but no attempt could be made (every candidate broken, cooling or full). */
export const REFUSAL_REASONS = ["no_healthy_provider", "provider_limits"] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** The client went away before the answer ended. */
export const CLIENT_CLOSED_REASON = "client_closed";

/** Every `reason` a log row can carry: a rejection, a refusal, an attempt's failure class, or the client leaving. */
export const LOG_REASONS = [...REJECTION_REASONS, ...REFUSAL_REASONS, ...FAILURE_CLASSES, CLIENT_CLOSED_REASON] as const;
export type LogReason = (typeof LOG_REASONS)[number];

export const DASHBOARD_RANGES = ["today", "7d", "30d"] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];

/** Whether a client key can be used now, and if not, why. */
export const AUTH_KEY_STATUSES = ["active", "disabled", "expired", "quota_exhausted"] as const;
export type AuthKeyStatus = (typeof AUTH_KEY_STATUSES)[number];

/** "scheduled": the hourly job; "manual": the admin API or the Settings page's button. */
export const RETENTION_TRIGGERS = ["scheduled", "manual"] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];

/** Which limits a retention run applied: by age, by row count, both, or none set. */
export const RETENTION_MODES = ["age", "count", "both", "none"] as const;
export type RetentionMode = (typeof RETENTION_MODES)[number];

/** Where state lives: one instance (SQLite, memory) or several (PostgreSQL, Redis). */
export const DATABASE_DIALECTS = ["sqlite", "postgres"] as const;
export type DatabaseDialect = (typeof DATABASE_DIALECTS)[number];
export const SHARED_STATE_MODES = ["memory", "redis"] as const;
export type SharedStateMode = (typeof SHARED_STATE_MODES)[number];

/** Entries of a config file (`llmio config apply`) and what applying did to each. */
export const CONFIG_ITEM_KINDS = ["provider", "model", "association", "auth key"] as const;
export type ConfigItemKind = (typeof CONFIG_ITEM_KINDS)[number];
export const CONFIG_ITEM_ACTIONS = ["created", "updated", "unchanged", "deleted"] as const;
export type ConfigItemAction = (typeof CONFIG_ITEM_ACTIONS)[number];

/** Entries of an import from LLMIO and what became of each (conflict: left as it is unless `replace`). */
export const IMPORT_ITEM_KINDS = ["provider", "model", "association", "client key", "setting", "admin token"] as const;
export type ImportItemKind = (typeof IMPORT_ITEM_KINDS)[number];
export const IMPORT_ACTIONS = ["created", "updated", "unchanged", "conflict", "skipped"] as const;
export type ImportAction = (typeof IMPORT_ACTIONS)[number];
/** LLMIO (atopos31/llmio) or its fork (raciott/llmio). */
export const LLMIO_VARIANTS = ["llmio", "llmio-fork"] as const;
export type LlmioVariant = (typeof LLMIO_VARIANTS)[number];
