import { Type, type Static } from "@sinclair/typebox";
import { DATABASE_DIALECTS, SHARED_STATE_MODES } from "./enums.ts";
import { LogRow } from "./logs.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** A request the gateway is answering right now. */
export const InFlight = Type.Object({
  traceId: Type.String(),
  model: Type.String(),
  clientProtocol: Type.String(),
  stream: Type.Boolean(),
  startedAt: Instant(),
  clientIp: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  providerName: Nullable(Type.String({ description: "The provider of the attempt under way; null before the first attempt starts" })),
});
export type InFlight = Static<typeof InFlight>;

/** `GET /api/live`: what the dashboard's live panel polls every few seconds. */
export const Live = Type.Object({
  inFlight: Type.Array(InFlight, { description: "Oldest first" }),
  recentErrors: Type.Array(LogRow, { description: "Failed attempts, newest first" }),
  requestsLastMinute: Type.Integer(),
  errorsLastMinute: Type.Integer(),
  tokensToday: Type.Integer({ description: "Prompt + completion tokens of today's successful attempts (since local midnight)" }),
});
export type Live = Static<typeof Live>;

/** `GET /api/status`: a cheap snapshot the browser extension and the UI header poll. */
export const Status = Type.Object({
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  requestsLastMinute: Type.Integer(),
  errorsLastMinute: Type.Integer(),
  logBacklog: Type.Integer({ description: "Log rows accepted but not yet written" }),
  database: OneOf(DATABASE_DIALECTS),
  sharedState: OneOf(SHARED_STATE_MODES),
  sharedStateAvailable: Type.Boolean(),
});
export type Status = Static<typeof Status>;

/** `GET /api/metrics/use/:days`: requests (distinct traces) and tokens over the last days. */
export const UsageMetrics = Type.Object({
  reqs: Type.Integer(),
  tokens: Type.Integer(),
  success: Type.Integer(),
  errors: Type.Integer(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
});
export type UsageMetrics = Static<typeof UsageMetrics>;

/** `GET /api/metrics/counts`: one entry per public model name, busiest first. */
export const ModelCount = Type.Object({ model: Type.String(), calls: Type.Integer(), tokens: Type.Integer() });
export type ModelCount = Static<typeof ModelCount>;
