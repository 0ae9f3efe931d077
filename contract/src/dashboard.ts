import { Type, type Static } from "@sinclair/typebox";
import { DASHBOARD_RANGES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** An amount per currency (never added across currencies). */
export const Costs = Type.Object({ USD: Type.Number(), CNY: Type.Number() });
export type Costs = Static<typeof Costs>;

/** Query of `GET /api/dashboard`. */
export const DashboardQuery = Type.Object({ range: Type.Optional(OneOf(DASHBOARD_RANGES)) });

/** Latency percentiles of successful attempts, in ms; null when there were none. */
const latency = {
  firstByteP50: Nullable(Type.Number()),
  firstByteP95: Nullable(Type.Number()),
  durationP50: Nullable(Type.Number()),
  durationP95: Nullable(Type.Number()),
};

export const DashboardTotals = Type.Object({
  requests: Type.Integer(),
  success: Type.Integer(),
  errors: Type.Integer({ description: "Requests none of whose attempts succeeded, rejected calls included" }),
  rejected: Type.Integer({ description: "Of the errors: calls refused before routing (bad key, lockout, quota, malformed body, unknown model …)" }),
  successRate: Type.Number({ description: "success / requests; 0 without requests" }),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  cachedTokens: Type.Integer(),
  cacheWriteTokens: Type.Integer(),
  costs: Costs,
  cache: Type.Object(
    {
      hits: Type.Integer({ description: "Requests served from the response cache" }),
      misses: Type.Integer({ description: "Requests of caching models that called the upstream" }),
      hitRate: Type.Number({ description: "hits / (hits + misses); 0 without either" }),
      savedTokens: Type.Integer({ description: "Tokens the cached answers had cost when first fetched" }),
      savedCosts: Costs,
    },
    { description: "The response cache over the range" },
  ),
  ...latency,
});
export type DashboardTotals = Static<typeof DashboardTotals>;

/** One bucket of the series; `t` is its start. */
export const DashboardPoint = Type.Object({
  t: Instant(),
  requests: Type.Integer(),
  errors: Type.Integer(),
  rejected: Type.Integer(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  costs: Costs,
  ...latency,
});
export type DashboardPoint = Static<typeof DashboardPoint>;

/** Traffic, tokens, cost and latency over a range; `byProvider` counts attempts, the rest client requests. */
export const Dashboard = Type.Object({
  range: Type.Object({ from: Instant(), to: Instant(), bucketMs: Type.Integer() }),
  totals: DashboardTotals,
  series: Type.Array(DashboardPoint),
  byModel: Type.Array(Type.Object({ model: Type.String(), requests: Type.Integer(), errors: Type.Integer(), tokens: Type.Integer(), costs: Costs })),
  byProvider: Type.Array(
    Type.Object({
      providerId: Type.Integer(),
      providerName: Type.String(),
      requests: Type.Integer(),
      errors: Type.Integer(),
      tokens: Type.Integer(),
      costs: Costs,
      firstByteP50: Nullable(Type.Number()),
    }),
  ),
  topKeys: Type.Array(Type.Object({ authKeyId: Nullable(Type.Integer(), { description: "null: the admin token" }), name: Type.String(), requests: Type.Integer(), tokens: Type.Integer() })),
  topUserAgents: Type.Array(Type.Object({ userAgent: Nullable(Type.String()), requests: Type.Integer() })),
});
export type Dashboard = Static<typeof Dashboard>;
