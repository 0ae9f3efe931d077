import { Type, type Static } from "@sinclair/typebox";
import { CACHE_STATUSES, CURRENCIES, ENDPOINTS, FAILURE_CLASSES, LOG_STATUSES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** Query of `GET /api/logs`: filters and paging, all optional. */
export const LogQuery = Type.Object({
  page: Type.Optional(Type.Integer({ description: "1-based; default 1; ignored with cursor" })),
  pageSize: Type.Optional(Type.Integer({ description: "default 20, at most 200" })),
  cursor: Type.Optional(Type.Integer({ description: "nextCursor of the previous page; total is null then" })),
  model: Type.Optional(Type.String()),
  providerId: Type.Optional(Type.Integer()),
  status: Type.Optional(OneOf(LOG_STATUSES)),
  cacheStatus: Type.Optional(OneOf(CACHE_STATUSES)),
  from: Type.Optional(Type.String({ description: "epoch ms or ISO date, inclusive" })),
  to: Type.Optional(Type.String({ description: "epoch ms or ISO date, inclusive" })),
  traceId: Type.Optional(Type.String()),
  authKeyId: Type.Optional(Type.Integer()),
  clientProtocol: Type.Optional(Type.String()),
  sessionId: Type.Optional(Type.String({ description: "the client's session id (Claude Code, Codex …), as sticky routing reads it" })),
  reason: Type.Optional(
    Type.String({ description: "why a row failed (unknown_key, unknown_model, timeout, no_healthy_provider …), or `rejected` for every call refused before routing" }),
  ),
});
export type LogQuery = Static<typeof LogQuery>;

/** One upstream attempt (or one rejected call, or a minute's identical rejections) of the request log. */
export const LogRow = Type.Object({
  id: Type.Integer(),
  traceId: Type.String(),
  model: Type.String(),
  providerId: Nullable(Type.Integer()),
  providerName: Nullable(Type.String()),
  providerModel: Nullable(Type.String()),
  clientProtocol: Type.String(),
  endpoint: OneOf(ENDPOINTS),
  status: OneOf(LOG_STATUSES),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  attempt: Type.Integer(),
  stream: Type.Boolean(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  cachedTokens: Type.Integer(),
  reasoningTokens: Type.Integer(),
  totalTokens: Type.Integer(),
  cacheWriteTokens: Type.Integer({ description: "Of the prompt tokens: written to the prompt cache" }),
  priceInput: Nullable(Type.Number(), { description: "The association's prices per 1M tokens at request time; null on rows logged before prices were snapshotted" }),
  priceCachedInput: Nullable(Type.Number()),
  priceCacheWrite: Nullable(Type.Number()),
  priceOutput: Nullable(Type.Number()),
  currency: Nullable(OneOf(CURRENCIES)),
  cost: Nullable(Type.Number(), { description: "What the attempt cost at those prices, in currency" }),
  usageEstimated: Type.Boolean({ description: "Tokens were counted locally because the upstream reported none" }),
  warnings: Nullable(Type.String({ description: "Features the upstream could not carry, joined by newlines" })),
  firstByteMs: Nullable(Type.Integer()),
  durationMs: Type.Integer(),
  clientIp: Nullable(Type.String()),
  authKeyId: Nullable(Type.Integer({ description: "null: the admin token" })),
  userAgent: Nullable(Type.String()),
  reason: Nullable(Type.String({ description: "Why the row failed: a rejection (`unknown_key` …), a refusal (`no_healthy_provider`), or the attempt's failure class" })),
  failureClass: Nullable(OneOf(FAILURE_CLASSES), {
    description: "A failed upstream attempt's failure class, decided where its answer was read; null for successes, refusals, rejections and a client that left",
  }),
  repeatCount: Type.Integer({ description: "Identical rejections of one minute share a row: how many calls it stands for" }),
  keyHint: Nullable(Type.String({ description: "First and last characters (or a short hash) of a rejected unknown key" })),
  sessionId: Nullable(Type.String({ description: "The client's session (Claude Code, Codex …)" })),
  path: Nullable(Type.String({ description: "Path of a rejected call" })),
  cacheStatus: Nullable(OneOf(CACHE_STATUSES), { description: "hit: served from the response cache (no upstream call); miss: looked up, then called the upstream; null: the model does not cache" }),
  savedTokens: Type.Integer({ description: "A cache hit: the tokens the original answer used (no upstream tokens were spent)" }),
  savedCost: Nullable(Type.Number({ description: "A cache hit: what the original answer cost, in currency" })),
  otelTraceId: Nullable(Type.String({ description: "The OpenTelemetry trace id (32 hex) of the request's span, when tracing exported it (a client's traceparent continued keeps the client's id)" })),
  createdAt: Instant(),
});
export type LogRow = Static<typeof LogRow>;

/** One page of attempts, newest first. */
export const LogPage = Type.Object({
  items: Type.Array(LogRow),
  total: Nullable(Type.Integer(), { description: "How many rows match in all; null in cursor mode" }),
  nextCursor: Nullable(Type.Integer(), { description: "Pass as cursor for the next page; null on the last page" }),
});
export type LogPage = Static<typeof LogPage>;

/** Captured request and response bodies of one request (truncated). */
export const CapturedBodies = Type.Object({ requestBody: Nullable(Type.String()), responseBody: Nullable(Type.String()) });
export type CapturedBodies = Static<typeof CapturedBodies>;

/** Everything kept about one client request. */
export const TraceDetail = Type.Object({
  attempts: Type.Array(LogRow),
  bodies: Nullable(CapturedBodies, { description: "Null unless body capture was on when the request ran" }),
});
export type TraceDetail = Static<typeof TraceDetail>;
