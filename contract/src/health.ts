import { Type, type Static } from "@sinclair/typebox";
import { BREAKER_STATES, FAILURE_CAUSES, FAILURE_CLASSES, KEY_STATES, PROVIDER_TYPES, RECOVERY_CAUSES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** The last failure seen on a provider, an association or a key. */
export const FailureRecord = Type.Object({
  failure: OneOf(FAILURE_CLASSES),
  cause: OneOf(FAILURE_CAUSES),
  message: Type.String(),
  at: Instant(),
});
export type FailureRecord = Static<typeof FailureRecord>;

/** `retryAt`: until when an open breaker refuses traffic. */
export const Breaker = Type.Object({ state: OneOf(BREAKER_STATES), consecutiveFailures: Type.Integer(), retryAt: Nullable(Instant()) });
export type Breaker = Static<typeof Breaker>;

export const KeyHealth = Type.Object({
  key: Type.String({ description: "Masked" }),
  state: OneOf(KEY_STATES),
  deadReason: Nullable(Type.String()),
  coolingUntil: Nullable(Instant()),
  breaker: Breaker,
  lastFailure: Nullable(FailureRecord),
});
export type KeyHealth = Static<typeof KeyHealth>;

/** One association (model ↔ provider) as the balancer sees it. */
export const AssociationHealth = Type.Object({
  id: Type.Integer(),
  providerId: Type.Integer(),
  modelId: Type.Integer(),
  modelName: Type.String(),
  providerModel: Type.String(),
  weight: Type.Integer(),
  enabled: Type.Boolean(),
  breaker: Breaker,
  recent: Type.Array(Type.Boolean(), { description: "The last outcomes, newest last; true = success" }),
  recentSinceRecovery: Type.Integer({ description: "How many of the newest `recent` came after the breakers were last closed after trouble" }),
  recoveredAt: Nullable(Instant()),
  firstByteMs: Nullable(Type.Number()),
  errorRate: Nullable(Type.Number()),
  lastError: Nullable(FailureRecord),
});
export type AssociationHealth = Static<typeof AssociationHealth>;

/** The last check of a provider made outside the request path (background probe, Test connection, Reset). */
export const ProviderCheck = Type.Object({ by: OneOf(RECOVERY_CAUSES), ok: Type.Boolean(), at: Instant(), failure: Nullable(FailureRecord) });
export type ProviderCheck = Static<typeof ProviderCheck>;

/** `GET /api/health/providers`: one entry per provider. */
export const ProviderHealth = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  type: OneOf(PROVIDER_TYPES),
  enabled: Type.Boolean({ description: "false: the provider is disabled and gets no traffic" }),
  keys: Type.Array(KeyHealth),
  limits: Type.Object({
    inFlight: Type.Integer(),
    requestsLastMinute: Type.Integer(),
    tokensLastMinute: Type.Integer(),
    requestsPerMinute: Nullable(Type.Integer()),
    tokensPerMinute: Nullable(Type.Integer()),
    maxConcurrent: Nullable(Type.Integer()),
  }),
  associations: Type.Array(AssociationHealth),
  lastFailure: Nullable(FailureRecord, { description: "The newest failure on any of its associations or keys" }),
  openUntil: Nullable(Instant(), { description: "The soonest an open breaker of it admits a request again; null when none is open" }),
  lastCheck: Nullable(ProviderCheck),
});
export type ProviderHealth = Static<typeof ProviderHealth>;
