/** Shapes of the llmio admin API answers the extension reads (only the fields it uses). */

/** `GET /api/status`. */
export interface StatusSnapshot {
  version: string;
  uptimeSeconds: number;
  requestsLastMinute: number;
  errorsLastMinute: number;
  logBacklog: number;
}

/** `GET /api/live`. */
export interface LiveSnapshot {
  inFlight: { traceId: string; model: string; providerName: string | null; startedAt: number }[];
  recentErrors: { providerName: string | null; model: string; error: string | null; createdAt: number }[];
  requestsLastMinute: number;
  errorsLastMinute: number;
  tokensToday: number;
}

export type BreakerState = "closed" | "open" | "half-open";

/** What went wrong, as the gateway names it (its routing/failure-cause.ts). */
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

/** The last failure of a provider, an association or a key. */
export interface FailureRecord {
  failure: string;
  cause: FailureCause;
  message: string;
  at: number;
}

/** One association (model ↔ provider) as `GET /api/health/providers` shows it. */
export interface AssociationHealth {
  id: number;
  providerId: number;
  modelId: number;
  modelName: string;
  providerModel: string;
  weight: number;
  enabled: boolean;
  /** `retryAt`: until when an open breaker refuses traffic. */
  breaker: { state: BreakerState; consecutiveFailures: number; retryAt: number | null };
  /** Outcomes of the last attempts, oldest first (true = success). */
  recent: boolean[];
  errorRate: number | null;
  lastError: FailureRecord | null;
}

/** `GET /api/health/providers`: one entry per provider. */
export interface ProviderHealth {
  id: number;
  name: string;
  type: string;
  /** false: disabled, no traffic for any model. */
  enabled: boolean;
  keys: { key: string; state: "ok" | "dead" | "cooling" | "open"; lastFailure?: FailureRecord | null }[];
  associations: AssociationHealth[];
  /** The newest failure on any of its associations or keys. */
  lastFailure?: FailureRecord | null;
  /** The soonest an open breaker of it admits a request again; null when none is open. */
  openUntil?: number | null;
}

/** `GET /api/models`. */
export interface ModelSummary {
  id: number;
  name: string;
  pinnedProviderId: number | null;
  providerCount: number;
}

/** `POST /api/auth-keys` answer: the only time the key is shown. */
export interface CreatedClientKey {
  id: number;
  name: string;
  key: string;
}
