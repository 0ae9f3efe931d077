import { Type, type Static, type TObject, type TProperties } from "@sinclair/typebox";
import { CONFIG_ITEM_ACTIONS, CONFIG_ITEM_KINDS, CURRENCIES, ENDPOINTS, PROVIDER_TYPES, STRATEGIES } from "./enums.ts";
import { Nullable, OneOf } from "./schema-helpers.ts";

/*
 * The catalog as a file (`llmio config export` / `apply`, `POST /api/config/apply`). Entries are
 * matched by name; a field left out keeps its stored value (or the default, for a new entry), and
 * a list section left out is not touched at all, not even by prune. Unknown fields are errors:
 * with "left out keeps the stored value", a typo would otherwise pass silently.
 */

/** A mapping that refuses fields it does not list. */
const Strict = <Properties extends TProperties>(properties: Properties): TObject<Properties> => Type.Object(properties, { additionalProperties: false });

/** Text with something besides spaces in it (names are trimmed). */
const Label = () => Type.String({ pattern: "\\S" });
/** An http(s) URL (the reader parses it). */
const HttpUrl = () => Type.String({ description: "An http(s) URL" });
const Limit = () => Nullable(Type.Integer({ minimum: 1 }));
const Amount = () => Type.Number({ minimum: 0 });

export const ConfigProviderLimits = Strict({
  requestsPerMinute: Type.Optional(Limit()),
  tokensPerMinute: Type.Optional(Limit()),
  maxConcurrent: Type.Optional(Limit()),
  keyRequestsPerMinute: Type.Optional(Limit()),
  keyTokensPerMinute: Type.Optional(Limit()),
  keyMaxConcurrent: Type.Optional(Limit()),
});

export const ConfigProvider = Strict({
  name: Label(),
  type: OneOf(PROVIDER_TYPES),
  baseUrl: HttpUrl(),
  apiKeys: Type.Optional(Type.Array(Type.String(), { description: "Masked entries (`sk-…abcd`, as exported) stand for the stored key they mask" })),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: "Secret-looking headers may be masked like keys" })),
  enabled: Type.Optional(Type.Boolean()),
  consoleUrl: Type.Optional(Nullable(HttpUrl())),
  endpoints: Type.Optional(Nullable(Type.Array(OneOf(ENDPOINTS)), { description: "Null: every endpoint the provider's protocol has" })),
  errorMatch: Type.Optional(Nullable(Type.String())),
  proxyUrl: Type.Optional(Nullable(Type.String({ description: "Its password may be masked (as exported), standing for the stored one" }))),
  limits: Type.Optional(ConfigProviderLimits),
});
export type ConfigProvider = Static<typeof ConfigProvider>;

/** One provider model serving the public model. */
export const ConfigAssociation = Strict({
  provider: Label(),
  model: Label(),
  weight: Type.Optional(Type.Integer({ minimum: 0 })),
  enabled: Type.Optional(Type.Boolean()),
  toolCall: Type.Optional(Type.Boolean()),
  structuredOutput: Type.Optional(Type.Boolean()),
  vision: Type.Optional(Type.Boolean()),
  priceInput: Type.Optional(Amount()),
  priceCachedInput: Type.Optional(Amount()),
  priceOutput: Type.Optional(Amount()),
  priceCacheWrite: Type.Optional(Amount()),
  currency: Type.Optional(OneOf(CURRENCIES)),
  extraBody: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  extraHeaders: Type.Optional(Type.Record(Type.String(), Type.String())),
  forwardClientHeaders: Type.Optional(Type.Boolean()),
});
export type ConfigAssociation = Static<typeof ConfigAssociation>;

export const ConfigModel = Strict({
  name: Label(),
  remark: Type.Optional(Type.String()),
  strategy: Type.Optional(OneOf(STRATEGIES)),
  maxRetry: Type.Optional(Type.Integer({ minimum: 0 })),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  totalTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  streamIdleTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  maxStreamDurationMs: Type.Optional(Type.Integer({ minimum: 1 })),
  stickySeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  cacheTtlSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
  cacheEverything: Type.Optional(Type.Boolean()),
  cachePerKey: Type.Optional(Type.Boolean()),
  coalesce: Type.Optional(Type.Boolean()),
  aliases: Type.Optional(Type.Array(Label())),
  pinnedProvider: Type.Optional(Nullable(Label(), { description: "The provider (by name) all traffic goes to; null: none" })),
  providers: Type.Optional(Type.Array(ConfigAssociation)),
});
export type ConfigModel = Static<typeof ConfigModel>;

export const ConfigAuthKey = Strict({
  name: Label(),
  allowedModels: Type.Optional(Nullable(Type.Array(Label(), { minItems: 1 }), { description: "Model names or globs; null: every model" })),
  expiresAt: Type.Optional(Nullable(Type.Union([Type.Integer({ minimum: 0 }), Type.String({ description: "An ISO 8601 date such as 2027-01-31T00:00:00Z" })]), { description: "An ISO 8601 date (as exported) or epoch milliseconds; null: never" })),
  quotas: Type.Optional(Strict({ requests: Type.Optional(Limit()), tokens: Type.Optional(Limit()) })),
  enabled: Type.Optional(Type.Boolean()),
  captureBodies: Type.Optional(Type.Boolean({ description: "Capture this key's bodies even while the global body capture is off" })),
});
export type ConfigAuthKey = Static<typeof ConfigAuthKey>;

/** The whole file. */
export const ConfigFile = Strict({
  providers: Type.Optional(Type.Array(ConfigProvider)),
  models: Type.Optional(Type.Array(ConfigModel)),
  authKeys: Type.Optional(Type.Array(ConfigAuthKey)),
});
export type ConfigFile = Static<typeof ConfigFile>;

/** What happened to one entry. */
export const ConfigItemChange = Type.Object({
  kind: OneOf(CONFIG_ITEM_KINDS),
  name: Type.String({ description: "`openai`, or for an association `gpt-4o → openai/gpt-4o-2024-08-06`" }),
  action: OneOf(CONFIG_ITEM_ACTIONS),
  fields: Type.Optional(Type.Array(Type.String(), { description: "The fields an update changed, as the file names them" })),
  key: Type.Optional(Type.String({ description: "A new client key's value: shown once, never stored (absent on a dry run)" })),
  note: Type.Optional(Type.String({ description: "What a deletion took along" })),
});
export type ConfigItemChange = Static<typeof ConfigItemChange>;

/** `POST /api/config/apply`: what applying did (or, on a dry run, would do), entry by entry, with the totals. */
export const ConfigApplyResult = Type.Object({
  dryRun: Type.Boolean(),
  changes: Type.Array(ConfigItemChange),
  counts: Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), deleted: Type.Integer() }),
});
export type ConfigApplyResult = Static<typeof ConfigApplyResult>;

/** Query of `POST /api/config/apply` and `GET /api/config/export`: a flag is `1`/`true` or `0`/`false`. */
export const ConfigFlag = Type.Optional(OneOf(["1", "true", "0", "false"]));
