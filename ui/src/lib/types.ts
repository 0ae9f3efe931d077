/** Shapes of the admin API (`/api`), as the server sends them. All times are epoch milliseconds. */

export type ProviderType = "openai" | "openai-responses" | "anthropic" | "gemini";
export type Endpoint = "chat" | "embeddings" | "count_tokens";
export type Strategy = "weighted" | "priority" | "round-robin" | "least-latency";

export interface Provider {
  id: number;
  name: string;
  type: ProviderType;
  baseUrl: string;
  /** Masked (`sk-…abcd`); send them back unchanged to keep those keys. */
  apiKeys: string[];
  keyCount: number;
  headers: Record<string, string>;
  enabled: boolean;
  consoleUrl: string | null;
  endpoints: Endpoint[] | null;
  errorMatch: string | null;
  /** HTTP(S) proxy for this provider's calls, its password masked; sent back unchanged it keeps the stored one. null: the environment's. */
  proxyUrl?: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  maxConcurrent: number | null;
  keyRequestsPerMinute: number | null;
  keyTokensPerMinute: number | null;
  keyMaxConcurrent: number | null;
  createdAt: number;
  updatedAt: number;
}

export type ProviderInput = Omit<Provider, "id" | "keyCount" | "createdAt" | "updatedAt">;

/** A finding about a provider's field, e.g. a base URL missing its version; `suggestion` is the corrected value. */
export interface ProviderWarning {
  field: "baseUrl";
  message: string;
  suggestion: string;
}

/** A provider as a create or update answers it: saved, with what the check of its base URL found. */
export interface SavedProvider extends Provider {
  warnings: ProviderWarning[];
}

export interface Model {
  id: number;
  name: string;
  remark: string;
  strategy: Strategy;
  maxRetry: number;
  timeoutMs: number;
  aliases: string[];
  totalTimeoutMs: number;
  streamIdleTimeoutMs: number;
  maxStreamDurationMs: number;
  stickySeconds: number;
  pinnedProviderId: number | null;
  sortOrder: number;
  providerCount: number;
  createdAt: number;
  updatedAt: number;
}

export type ModelInput = Pick<Model, "name" | "remark" | "strategy" | "maxRetry" | "timeoutMs" | "aliases" | "totalTimeoutMs" | "streamIdleTimeoutMs" | "maxStreamDurationMs" | "stickySeconds">;

export interface Association {
  id: number;
  modelId: number;
  providerId: number;
  providerName: string;
  providerModel: string;
  weight: number;
  enabled: boolean;
  toolCall: boolean;
  structuredOutput: boolean;
  vision: boolean;
  priceInput: number;
  priceCachedInput: number;
  priceOutput: number;
  /** Price of tokens written to the prompt cache, per 1M. */
  priceCacheWrite: number;
  currency: Currency;
  /** JSON deep-merged into the upstream request (after translation), over the client's values. */
  extraBody?: Record<string, unknown>;
  /** Headers for this association's upstream (over the provider's and the client's, under the credentials). */
  extraHeaders?: Record<string, string>;
  /** Whether the client's own headers go upstream. */
  forwardClientHeaders?: boolean;
}

/** Currencies an association can be priced in. */
export type Currency = "USD" | "CNY";

/** An amount per currency (never added across currencies). */
export type Costs = Record<Currency, number>;

export type AssociationInput = Omit<Association, "id" | "providerName">;

export interface AssociationStats {
  associationId: number;
  providerId: number;
  providerName: string;
  requests: number;
  errors: number;
  /** 0..1 of the model's successful requests. */
  share: number;
  lastError: { message: string; at: number } | null;
}

export type KeyState = "ok" | "dead" | "cooling" | "open";

/** What went wrong, as `/api/health/providers` names it (the server's routing/failure-cause.ts). */
export type FailureCause =
  | "connection-refused"
  | "host-not-found"
  | "tls"
  | "connection"
  | "timeout"
  | "credential"
  | "rate-limit"
  | "quota"
  | "overloaded"
  | "not-found"
  | "server-error"
  | "bad-request"
  | "content";

export interface FailureRecord {
  failure: string;
  cause: FailureCause;
  message: string;
  at: number;
}
export type BreakerState = "closed" | "open" | "half-open" | string;

export interface ProviderHealth {
  id: number;
  name: string;
  type: ProviderType;
  enabled: boolean;
  keys: {
    key: string;
    state: KeyState;
    deadReason?: string | null;
    coolingUntil?: number | null;
    breaker?: { state: BreakerState; consecutiveFailures: number; retryAt: number | null };
    lastFailure?: FailureRecord | null;
  }[];
  limits: {
    inFlight: number;
    requestsLastMinute: number;
    tokensLastMinute: number;
    requestsPerMinute: number | null;
    tokensPerMinute: number | null;
    maxConcurrent: number | null;
  };
  associations: {
    id: number;
    modelId: number;
    modelName: string;
    providerModel: string;
    weight: number;
    enabled: boolean;
    breaker: { state: BreakerState; consecutiveFailures: number; retryAt: number | null } | null;
    /** Last 20 outcomes, newest last; true = success. */
    recent: boolean[];
    /** How many of the newest `recent` came after the breakers were last closed after trouble (older ones are history). */
    recentSinceRecovery?: number;
    recoveredAt?: number | null;
    firstByteMs: number | null;
    errorRate: number | null;
    lastError: (Partial<FailureRecord> & { message: string; at: number }) | null;
  }[];
  /** The newest failure on any of its associations or keys. */
  lastFailure?: FailureRecord | null;
  /** The soonest an open breaker of it admits a request again; null when none is open. */
  openUntil?: number | null;
  /** The last background probe, Test connection or Reset. */
  lastCheck?: { by: "probe" | "test" | "reset"; ok: boolean; at: number; failure: FailureRecord | null } | null;
}

export interface ConnectionTest {
  ok: boolean;
  latencyMs: number;
  status: number | null;
  /** null when no model could be chosen (the provider's model list failed). */
  model: string | null;
  error?: string;
  answer?: string;
  warnings?: ProviderWarning[];
}

export interface AuthKey {
  id: number;
  name: string;
  keyHint: string;
  allowedModels: string[] | null;
  expiresAt: number | null;
  requestQuota: number | null;
  tokenQuota: number | null;
  requestsUsed: number;
  tokensUsed: number;
  enabled: boolean;
  /** Bodies of this key's calls are captured even while global body capture is off. */
  captureBodies: boolean;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
  status: "active" | "disabled" | "expired" | "quota_exhausted";
}

export interface CreatedAuthKey extends AuthKey {
  key: string;
}

export type AuthKeyInput = Pick<AuthKey, "name" | "allowedModels" | "expiresAt" | "requestQuota" | "tokenQuota" | "enabled" | "captureBodies">;

export interface LogRow {
  id: number;
  traceId: string;
  model: string;
  providerId: number | null;
  providerName: string | null;
  providerModel: string | null;
  clientProtocol: string;
  endpoint: Endpoint;
  status: "success" | "error";
  statusCode: number | null;
  error: string | null;
  attempt: number;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  /** Of the prompt tokens: written to the prompt cache. */
  cacheWriteTokens: number;
  /** The association's prices per 1M tokens at request time, and the cost at them; null on rows logged before prices were snapshotted. */
  priceInput: number | null;
  priceCachedInput: number | null;
  priceCacheWrite: number | null;
  priceOutput: number | null;
  currency: Currency | null;
  cost: number | null;
  usageEstimated: boolean;
  warnings: string | null;
  firstByteMs: number | null;
  durationMs: number;
  clientIp: string | null;
  authKeyId: number | null;
  userAgent: string | null;
  createdAt: number;
  /** Why the row failed: a rejection (`unknown_key` …), a refusal (`no_healthy_provider`), or the attempt's failure class. */
  reason: string | null;
  /** Identical rejections of one minute share a row: how many calls it stands for. */
  repeatCount: number;
  /** First and last characters (or a short hash) of a rejected unknown key. */
  keyHint: string | null;
  /** The client's session (Claude Code, Codex …). */
  sessionId: string | null;
  /** Path of a rejected call. */
  path: string | null;
}

export interface LogPage {
  items: LogRow[];
  total: number | null;
  nextCursor?: number | null;
}

export interface TraceDetail {
  attempts: LogRow[];
  bodies: { requestBody: string | null; responseBody: string | null } | null;
}

export type DashboardRange = "today" | "7d" | "30d";

export interface DashboardPoint {
  t: number;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  firstByteP50: number | null;
  firstByteP95: number | null;
  durationP50: number | null;
  durationP95: number | null;
}

export interface Dashboard {
  range: { from: number; to: number; bucketMs: number };
  totals: {
    requests: number;
    success: number;
    errors: number;
    /** Of the errors: calls refused before routing (bad key, lockout, quota, malformed, unknown model …). */
    rejected?: number;
    successRate: number;
    promptTokens: number;
    completionTokens: number;
    cachedTokens: number;
    cacheWriteTokens: number;
    costs: Costs;
    firstByteP50: number | null;
    firstByteP95: number | null;
    durationP50: number | null;
    durationP95: number | null;
  };
  series: DashboardPoint[];
  byModel: { model: string; requests: number; errors: number; tokens: number; costs: Costs }[];
  byProvider: { providerId: number | null; providerName: string | null; requests: number; errors: number; tokens: number; costs: Costs; firstByteP50: number | null }[];
  topKeys: { authKeyId: number | null; name: string | null; requests: number; tokens: number }[];
  topUserAgents: { userAgent: string | null; requests: number }[];
}

export interface InFlight {
  traceId: string;
  model: string;
  clientProtocol: string;
  stream: boolean;
  startedAt: number;
  clientIp?: string | null;
  userAgent?: string | null;
  providerName?: string | null;
}

export interface Live {
  inFlight: InFlight[];
  recentErrors: LogRow[];
  requestsLastMinute: number;
  errorsLastMinute: number;
  tokensToday: number;
}

export interface Settings {
  logRetentionDays: number | null;
  logMaxRows: number | null;
  bodyCapture: boolean;
  bodyCaptureMaxChars: number;
  defaultTimeoutMs: number;
  defaultMaxRetry: number;
}

export interface Status {
  version?: string;
  uptimeSeconds?: number;
  /** Where state lives: "sqlite" or "postgres"; "memory" or "redis". */
  database?: string;
  sharedState?: string;
  sharedStateAvailable?: boolean;
  [key: string]: unknown;
}

/** What Settings → Import from LLMIO did or, on a dry run, would do (the server's admin/llmio-import/import-report.ts). */
export type ImportItemKind = "provider" | "model" | "association" | "client key" | "setting" | "admin token";

/** conflict: an llmio entry of that name differs and was left as it is (updated only with `replace`); skipped: the LLMIO row could not be imported. */
export type ImportAction = "created" | "updated" | "unchanged" | "conflict" | "skipped";

export interface ImportItem {
  kind: ImportItemKind;
  /** `openai`, `gpt-4o`, `gpt-4o → openai/gpt-4o-mini`, `laptop (sk-llmio-ab…yz)`, `logRetentionDays`. */
  name: string;
  action: ImportAction;
  /** The fields that differ (conflict, updated) or why it was skipped. */
  detail?: string;
}

/** Rows read from one LLMIO table and what became of them. */
export interface SourceTableCount {
  table: string;
  read: number;
  /** Soft-deleted rows: never imported. */
  deleted: number;
  skipped: number;
}

export interface ImportedLogs {
  /** chat_logs rows read (not soft-deleted, within the days asked for). */
  read: number;
  /** Request log rows written (or that would be, on a dry run). */
  created: number;
  /** Already in llmio's log from an earlier import: not written twice. */
  alreadyPresent: number;
  /** Older than llmio's log retention: the next cleanup would delete them at once. */
  beyondRetention: number;
  /** Captured request/response bodies written with them. */
  bodies: number;
}

export interface ImportReport {
  /** The source without credentials: `sqlite /srv/llmio/db/llmio.db`, `postgres://db.lan:5432/llmio`. */
  source: string;
  /** LLMIO (atopos31/llmio) or its fork (raciott/llmio). */
  variant: "llmio" | "llmio-fork";
  dryRun: boolean;
  replace: boolean;
  tables: SourceTableCount[];
  items: ImportItem[];
  totals: Record<ImportAction, number>;
  /** Null unless logs were asked for. */
  logs: ImportedLogs | null;
  /** How LLMIO settings were mapped where the two differ. */
  decisions: string[];
  /** LLMIO features llmio has no equivalent for. */
  noEquivalent: string[];
  /** Things to act on. */
  warnings: string[];
}

/** `POST /api/import/llmio`: exactly one of `upload` (from `/api/import/llmio/upload`) or `dsn`. */
export interface LlmioImportRequest {
  upload?: string;
  /** A postgres:// or mysql:// URL of the LLMIO fork's database. */
  dsn?: string;
  dryRun: boolean;
  replace: boolean;
  withLogs: boolean;
  /** With logs: only the last N days; null: all of them. */
  sinceDays: number | null;
}

/** `POST /api/import/llmio/upload`: the stored file's id (kept an hour) and its size. */
export interface LlmioUpload {
  upload: string;
  bytes: number;
}
