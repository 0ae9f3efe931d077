import { Type, type Static } from "@sinclair/typebox";
import { STRATEGIES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** The response cache and in-flight coalescing of a model, as stored (the input takes each optionally). */
const cacheFields = {
  cacheTtlSeconds: Type.Integer({ minimum: 0, maximum: 31_536_000, description: "How long a complete answer is served from the cache (0 = the cache is off, the default)" }),
  cacheEverything: Type.Boolean({ description: "Cache requests with randomness too (temperature > 0 without a seed); off: only deterministic ones" }),
  cachePerKey: Type.Boolean({ description: "Each client key has its own cache entries (off: all callers share them)" }),
  coalesce: Type.Boolean({ description: "Identical cacheable requests wait for the one already in flight instead of calling the upstream again (default on)" }),
};

/** Body of `POST /api/models` (`PUT /api/models/:id` takes any part of it); omitted fields take the defaults. */
export const ModelInput = Type.Object({
  name: Type.String({ minLength: 1 }),
  remark: Type.Optional(Type.String()),
  strategy: Type.Optional(OneOf(STRATEGIES)),
  maxRetry: Type.Optional(Type.Integer({ minimum: 0, description: "Further attempts after the first fails" })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: "Time to first byte allowed per attempt" })),
  aliases: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: "Other names and globs (`claude-*`) routed to this model" })),
  totalTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: "All attempts together before output starts" })),
  streamIdleTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: "A started stream silent this long is ended with an error" })),
  maxStreamDurationMs: Type.Optional(Type.Integer({ minimum: 1, description: "A stream still running this long after output started is ended with an error (default 1,800,000 = 30 min)" })),
  stickySeconds: Type.Optional(Type.Integer({ minimum: 0, description: "How long a session stays on the association that served it (0 = off)" })),
  cacheTtlSeconds: Type.Optional(cacheFields.cacheTtlSeconds),
  cacheEverything: Type.Optional(cacheFields.cacheEverything),
  cachePerKey: Type.Optional(cacheFields.cachePerKey),
  coalesce: Type.Optional(cacheFields.coalesce),
});
export type ModelInput = Static<typeof ModelInput>;

export const ModelChanges = Type.Partial(ModelInput);
export type ModelChanges = Static<typeof ModelChanges>;

/** A public model name clients send, with the number of provider associations it has. */
export const Model = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  remark: Type.String(),
  strategy: OneOf(STRATEGIES),
  maxRetry: Type.Integer(),
  timeoutMs: Type.Integer(),
  aliases: Type.Array(Type.String()),
  totalTimeoutMs: Type.Integer(),
  streamIdleTimeoutMs: Type.Integer(),
  maxStreamDurationMs: Type.Integer(),
  stickySeconds: Type.Integer(),
  ...cacheFields,
  pinnedProviderId: Nullable(Type.Integer(), { description: "All traffic goes to this provider while set" }),
  sortOrder: Type.Integer(),
  providerCount: Type.Integer(),
  createdAt: Instant(),
  updatedAt: Instant(),
});
export type Model = Static<typeof Model>;

/** Body of `PUT /api/models/order`: these models first, in this order. */
export const ModelOrder = Type.Object({ ids: Type.Array(Type.Integer()) });
export type ModelOrder = Static<typeof ModelOrder>;

/** Body of `PUT /api/models/:id/pin`: null unpins. */
export const ModelPin = Type.Object({ providerId: Nullable(Type.Integer({ minimum: 1 })) });
export type ModelPin = Static<typeof ModelPin>;

/** How one association of a model fared over the window; counts are upstream attempts. */
export const AssociationStats = Type.Object({
  associationId: Type.Integer(),
  providerId: Type.Integer(),
  providerName: Type.String(),
  requests: Type.Integer(),
  errors: Type.Integer(),
  share: Type.Number({ description: "This association's part (0..1) of the model's successful attempts" }),
  lastError: Nullable(Type.Object({ message: Type.String(), at: Instant() })),
});
export type AssociationStats = Static<typeof AssociationStats>;

/** `GET /api/models/:id/stats`. */
export const ModelStats = Type.Object({ associations: Type.Array(AssociationStats) });
export type ModelStats = Static<typeof ModelStats>;
