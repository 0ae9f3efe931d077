import { Type, type Static } from "@sinclair/typebox";
import { ENDPOINTS, PROVIDER_TYPES } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

const limit = (description?: string) => Nullable(Type.Integer({ minimum: 1 }), description ? { description } : undefined);

/** Requests/tokens per minute and concurrency, for the provider and for each of its keys; null means unlimited. */
export const ProviderLimits = Type.Object({
  requestsPerMinute: limit(),
  tokensPerMinute: limit(),
  maxConcurrent: limit(),
  keyRequestsPerMinute: limit(),
  keyTokensPerMinute: limit(),
  keyMaxConcurrent: limit(),
});
export type ProviderLimits = Static<typeof ProviderLimits>;

/** Body of `POST /api/providers` (`PUT /api/providers/:id` takes any part of it). `apiKey` is shorthand for a one-key `apiKeys`. */
export const ProviderInput = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: OneOf(PROVIDER_TYPES),
  baseUrl: Type.String({ minLength: 1 }),
  apiKeys: Type.Optional(Type.Array(Type.String(), { description: "Masked entries (as listed) keep the key they mask; omitted on update: the keys stay" })),
  apiKey: Type.Optional(Type.String()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  enabled: Type.Optional(Type.Boolean({ description: "false: the provider is disabled and gets no traffic" })),
  consoleUrl: Type.Optional(Nullable(Type.String())),
  endpoints: Type.Optional(Nullable(Type.Array(OneOf(ENDPOINTS)), { description: "Endpoints served; null or omitted: every endpoint the provider's protocol has" })),
  errorMatch: Type.Optional(Nullable(Type.String(), { description: "A 200 answer containing this text counts as a failure (relays reporting errors with 200)" })),
  proxyUrl: Type.Optional(
    Nullable(
      Type.String({
        description:
          "HTTP(S) proxy for this provider's calls, model list and tests (http://user:password@host:port; the password is shown masked and a masked value sent back keeps it). null or empty: HTTPS_PROXY / HTTP_PROXY with NO_PROXY. socks5:// is refused (the runtime's HTTP client cannot speak it)",
      }),
    ),
  ),
  requestsPerMinute: Type.Optional(limit()),
  tokensPerMinute: Type.Optional(limit()),
  maxConcurrent: Type.Optional(limit()),
  keyRequestsPerMinute: Type.Optional(limit()),
  keyTokensPerMinute: Type.Optional(limit()),
  keyMaxConcurrent: Type.Optional(limit()),
});
export type ProviderInput = Static<typeof ProviderInput>;

export const ProviderChanges = Type.Partial(ProviderInput);
export type ProviderChanges = Static<typeof ProviderChanges>;

/** A provider as the admin API shows it: keys masked (`sk-…abcd`), never in full. */
export const Provider = Type.Composite([
  Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    type: OneOf(PROVIDER_TYPES),
    baseUrl: Type.String(),
    apiKeys: Type.Array(Type.String(), { description: "Masked (`sk-…abcd`); send them back unchanged to keep those keys" }),
    keyCount: Type.Integer(),
    headers: Type.Record(Type.String(), Type.String(), { description: "Secret-looking values masked" }),
    enabled: Type.Boolean(),
    consoleUrl: Nullable(Type.String()),
    endpoints: Nullable(Type.Array(OneOf(ENDPOINTS))),
    errorMatch: Nullable(Type.String()),
    proxyUrl: Nullable(Type.String({ description: "Its password masked; sent back unchanged it keeps the stored one. null: the environment's" })),
  }),
  ProviderLimits,
  Type.Object({ createdAt: Instant(), updatedAt: Instant() }),
]);
export type Provider = Static<typeof Provider>;

/** A finding about a provider's field, e.g. a base URL missing its version; `suggestion` is the corrected value. */
export const ProviderWarning = Type.Object({
  field: Type.Literal("baseUrl"),
  message: Type.String(),
  suggestion: Type.String({ description: "The value the field should most likely have" }),
});
export type ProviderWarning = Static<typeof ProviderWarning>;

/** A provider as a create or update answers it: saved, with what the check of its base URL found. */
export const SavedProvider = Type.Composite([Provider, Type.Object({ warnings: Type.Array(ProviderWarning) })]);
export type SavedProvider = Static<typeof SavedProvider>;

/** Body of `POST /api/providers/:id/test`. */
export const ProviderTestRequest = Type.Optional(Type.Object({ model: Type.Optional(Type.String()) }));

/** The outcome of a provider test call; the key never appears in it. */
export const ConnectionTest = Type.Object({
  ok: Type.Boolean(),
  latencyMs: Type.Number(),
  status: Nullable(Type.Integer(), { description: "The upstream's HTTP status; null when no answer came" }),
  model: Nullable(Type.String(), { description: "The model called; null when none could be chosen (the provider's model list failed)" }),
  error: Type.Optional(Type.String()),
  answer: Type.Optional(Type.String()),
  warnings: Type.Array(ProviderWarning),
});
export type ConnectionTest = Static<typeof ConnectionTest>;

/** `GET /api/providers/:id/models`: what the provider itself lists. */
export const ProviderModelList = Type.Object({ models: Type.Array(Type.String()) });
export type ProviderModelList = Static<typeof ProviderModelList>;

/** What a provider answered to a call the gateway made for the admin (in a 502's `upstream`); status null: no answer came. */
export const UpstreamAnswer = Type.Object({ status: Nullable(Type.Integer()), message: Type.String() });
export type UpstreamAnswer = Static<typeof UpstreamAnswer>;
