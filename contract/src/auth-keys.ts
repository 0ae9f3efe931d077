import { Type, type Static } from "@sinclair/typebox";
import { AUTH_KEY_STATUSES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** Body of `POST /api/auth-keys`. */
export const AuthKeyInput = Type.Object({
  name: Type.String({ minLength: 1 }),
  allowedModels: Type.Optional(Nullable(Type.Array(Type.String()), { description: "Public model names or `*` globs; null or omitted: every model" })),
  expiresAt: Type.Optional(Nullable(Type.Integer({ minimum: 0 }), { description: "Epoch milliseconds; null or omitted: never expires" })),
  requestQuota: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { description: "Lifetime quota; null or omitted: unlimited" })),
  tokenQuota: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { description: "Lifetime quota; null or omitted: unlimited" })),
  enabled: Type.Optional(Type.Boolean()),
  captureBodies: Type.Optional(Type.Boolean({ description: "Capture this key's request and response bodies even while the global body capture is off" })),
});
export type AuthKeyInput = Static<typeof AuthKeyInput>;

/** Body of `PUT /api/auth-keys/:id`: any part of the input; `resetUsage: true` zeroes the usage counters. */
export const AuthKeyChanges = Type.Composite([Type.Partial(AuthKeyInput), Type.Object({ resetUsage: Type.Optional(Type.Boolean()) })]);
export type AuthKeyChanges = Static<typeof AuthKeyChanges>;

/** A client key as the admin API shows it: never the key itself nor its hash, only `keyHint`. */
export const AuthKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  keyHint: Type.String({ description: "The key's first and last characters" }),
  allowedModels: Nullable(Type.Array(Type.String())),
  expiresAt: Nullable(Instant()),
  requestQuota: Nullable(Type.Integer()),
  tokenQuota: Nullable(Type.Integer()),
  requestsUsed: Type.Integer(),
  tokensUsed: Type.Integer(),
  enabled: Type.Boolean(),
  captureBodies: Type.Boolean(),
  lastUsedAt: Nullable(Instant()),
  createdAt: Instant(),
  updatedAt: Instant(),
  status: OneOf(AUTH_KEY_STATUSES),
});
export type AuthKey = Static<typeof AuthKey>;

/** The answer to creating a key: the only time the full key is shown. */
export const CreatedAuthKey = Type.Composite([AuthKey, Type.Object({ key: Type.String() })]);
export type CreatedAuthKey = Static<typeof CreatedAuthKey>;
