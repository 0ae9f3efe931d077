import { parse } from "yaml";
import { CURRENCIES, ENDPOINTS, models, providers, type Endpoint, type Model, type Provider } from "../db/schema.ts";
import { isObject } from "../core/json-values.ts";
import type { AssociationSettings } from "./model-providers.ts";
import type { ProviderLimitFields } from "./providers.ts";
import { CliError } from "../lib/cli-error.ts";

/**
 * The catalog as a file (`llmio config export` / `apply`). Entries are matched by name; a field
 * left out keeps its stored value (or the default, for a new entry), and a list section left out
 * is not touched at all, not even by `--prune`.
 */
export interface ConfigDocument {
  providers?: ProviderEntry[];
  models?: ModelEntry[];
  authKeys?: AuthKeyEntry[];
}

export interface ProviderEntry {
  name: string;
  type: Provider["type"];
  baseUrl: string;
  /** Masked entries (`sk-…abcd`, as exported) stand for the stored key they mask. */
  apiKeys?: string[];
  /** Secret-looking headers may be masked like keys. */
  headers?: Record<string, string>;
  enabled?: boolean;
  consoleUrl?: string | null;
  /** Null: every endpoint the provider's protocol has. */
  endpoints?: Endpoint[] | null;
  errorMatch?: string | null;
  /** HTTP(S) proxy for the provider's calls; its password may be masked (as exported), standing for the stored one. */
  proxyUrl?: string | null;
  limits?: ProviderLimitFields;
}

export interface ModelEntry {
  name: string;
  remark?: string;
  strategy?: Model["strategy"];
  maxRetry?: number;
  timeoutMs?: number;
  totalTimeoutMs?: number;
  streamIdleTimeoutMs?: number;
  maxStreamDurationMs?: number;
  stickySeconds?: number;
  aliases?: string[];
  /** The provider (by name) all traffic goes to; null: none. */
  pinnedProvider?: string | null;
  providers?: AssociationEntry[];
}

/** One provider model serving the public model. */
export interface AssociationEntry extends AssociationSettings {
  /** The provider's name. */
  provider: string;
  /** The model name the provider expects. */
  model: string;
}

export interface AuthKeyEntry {
  name: string;
  /** Model names or globs; null: every model. */
  allowedModels?: string[] | null;
  /** Epoch milliseconds (an ISO 8601 date in the file); null: never. */
  expiresAt?: number | null;
  quotas?: { requests?: number | null; tokens?: number | null };
  enabled?: boolean;
  /** Capture this key's bodies even while the global body capture is off. */
  captureBodies?: boolean;
}

/** A problem in a config file, naming where: `models[2].providers[0].provider: unknown provider "x"`. */
export class ConfigError extends CliError {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(path ? `${path}: ${detail}` : detail);
    this.name = "ConfigError";
  }
}

/** Parses and validates a config file's text; every error names the offending path. */
export function parseConfig(text: string): ConfigDocument {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new ConfigError("", `invalid YAML: ${(error as Error).message}`);
  }
  if (value === null || value === undefined) throw new ConfigError("", "the file is empty (expected providers, models and/or authKeys)");
  const document = configDocument(value, "");
  checkConsistency(document);
  return document;
}

/** A path one step further down: `models[2]`, `models[2].name`, `headers["x-api-key"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!/^[A-Za-z_]\w*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

type Check<Value> = (value: unknown, path: string) => Value;
type Shape<Value> = { [Key in keyof Value]-?: Check<Value[Key]> };

function fail(path: string, message: string): never {
  throw new ConfigError(path, message);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const text: Check<string> = (value, path) => (typeof value === "string" ? value : fail(path, `expected text, got ${describe(value)}`));

const label: Check<string> = (value, path) => text(value, path).trim() || fail(path, "must not be empty");

const flag: Check<boolean> = (value, path) =>
  typeof value === "boolean" ? value : fail(path, `expected true or false, got ${describe(value)}`);

function integer(minimum: number): Check<number> {
  return (value, path) =>
    typeof value === "number" && Number.isInteger(value) && value >= minimum
      ? value
      : fail(path, `expected a whole number ≥ ${minimum}, got ${describe(value)}`);
}

function amount(minimum: number): Check<number> {
  return (value, path) =>
    typeof value === "number" && Number.isFinite(value) && value >= minimum ? value : fail(path, `expected a number ≥ ${minimum}, got ${describe(value)}`);
}

function oneOf<Value extends string>(values: readonly Value[]): Check<Value> {
  return (value, path) =>
    values.includes(value as Value) ? (value as Value) : fail(path, `expected one of ${values.join(", ")}, got ${describe(value)}`);
}

function nullable<Value>(check: Check<Value>): Check<Value | null> {
  return (value, path) => (value === null ? null : check(value, path));
}

function list<Value>(check: Check<Value>): Check<Value[]> {
  return (value, path) => {
    if (!Array.isArray(value)) fail(path, `expected a list, got ${describe(value)}`);
    return value.map((item, index) => check(item, childPath(path, index)));
  };
}

function dictionary<Value>(check: Check<Value>): Check<Record<string, Value>> {
  return (value, path) => {
    if (!isObject(value)) fail(path, `expected a mapping, got ${describe(value)}`);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, check(item, childPath(path, key))]));
  };
}

/** Unknown fields are errors: with "left out keeps the stored value", a typo would otherwise pass silently. */
function object<Value>(shape: Shape<Value>, required: (keyof Value & string)[]): Check<Value> {
  const fields = Object.keys(shape) as (keyof Value & string)[];
  return (value, path) => {
    if (!isObject(value)) fail(path, `expected a mapping, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) fail(childPath(path, key), `unknown field (expected one of: ${fields.join(", ")})`);
    }
    const result: Partial<Value> = {};
    for (const key of fields) {
      if (value[key] === undefined) {
        if (required.includes(key)) fail(childPath(path, key), "is required");
        continue;
      }
      result[key] = shape[key](value[key], childPath(path, key));
    }
    return result as Value;
  };
}

const httpUrl: Check<string> = (value, path) => {
  const url = text(value, path).trim();
  const protocol = URL.parse(url)?.protocol;
  return protocol === "http:" || protocol === "https:" ? url : fail(path, `expected an http(s) URL, got ${describe(value)}`);
};

/** An ISO 8601 date (as exported) or epoch milliseconds. */
const instant: Check<number> = (value, path) => {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  const parsed = typeof value === "string" ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? fail(path, `expected a date such as 2027-01-31T00:00:00Z, got ${describe(value)}`) : parsed;
};

/** A JSON object (a YAML mapping), kept as it is. */
const jsonObject: Check<Record<string, unknown>> = (value, path) => (isObject(value) ? value : fail(path, `expected a mapping, got ${describe(value)}`));

const limit = nullable(integer(1));

const limits = object<ProviderLimitFields>(
  {
    requestsPerMinute: limit,
    tokensPerMinute: limit,
    maxConcurrent: limit,
    keyRequestsPerMinute: limit,
    keyTokensPerMinute: limit,
    keyMaxConcurrent: limit,
  },
  [],
);

const providerEntry = object<ProviderEntry>(
  {
    name: label,
    type: oneOf(providers.type.enumValues),
    baseUrl: httpUrl,
    apiKeys: list(text),
    headers: dictionary(text),
    enabled: flag,
    consoleUrl: nullable(httpUrl),
    endpoints: nullable(list(oneOf(ENDPOINTS))),
    errorMatch: nullable(text),
    proxyUrl: nullable(text),
    limits,
  },
  ["name", "type", "baseUrl"],
);

const associationEntry = object<AssociationEntry>(
  {
    provider: label,
    model: label,
    weight: integer(0),
    enabled: flag,
    toolCall: flag,
    structuredOutput: flag,
    vision: flag,
    priceInput: amount(0),
    priceCachedInput: amount(0),
    priceOutput: amount(0),
    priceCacheWrite: amount(0),
    currency: oneOf(CURRENCIES),
    extraBody: jsonObject,
    extraHeaders: dictionary(text),
    forwardClientHeaders: flag,
  },
  ["provider", "model"],
);

const modelEntry = object<ModelEntry>(
  {
    name: label,
    remark: text,
    strategy: oneOf(models.strategy.enumValues),
    maxRetry: integer(0),
    timeoutMs: integer(1),
    totalTimeoutMs: integer(1),
    streamIdleTimeoutMs: integer(1),
    maxStreamDurationMs: integer(1),
    stickySeconds: integer(0),
    aliases: list(label),
    pinnedProvider: nullable(label),
    providers: list(associationEntry),
  },
  ["name"],
);

const allowedModels: Check<string[]> = (value, path) => {
  const patterns = list(label)(value, path);
  return patterns.length > 0 ? patterns : fail(path, "must list at least one model (null allows every model)");
};

const authKeyEntry = object<AuthKeyEntry>(
  {
    name: label,
    allowedModels: nullable(allowedModels),
    expiresAt: nullable(instant),
    quotas: object({ requests: limit, tokens: limit }, []),
    enabled: flag,
    captureBodies: flag,
  },
  ["name"],
);

const configDocument = object<ConfigDocument>(
  { providers: list(providerEntry), models: list(modelEntry), authKeys: list(authKeyEntry) },
  [],
);

/** Rules that span entries: names are unique, a model's associations too, a pin names one of them. */
function checkConsistency(document: ConfigDocument): void {
  requireUniqueNames(document.providers, "providers");
  requireUniqueNames(document.models, "models");
  requireUniqueNames(document.authKeys, "authKeys");
  document.models?.forEach((model, modelIndex) => {
    const path = childPath("models", modelIndex);
    const seen = new Map<string, number>();
    model.providers?.forEach((association, index) => {
      const key = JSON.stringify([association.provider, association.model.trim()]);
      const first = seen.get(key);
      if (first !== undefined) fail(childPath(childPath(path, "providers"), index), `same provider and model as providers[${first}]`);
      seen.set(key, index);
    });
    const pin = model.pinnedProvider;
    if (pin && model.providers && !model.providers.some((association) => association.provider === pin)) {
      fail(childPath(path, "pinnedProvider"), `"${pin}" is not among this model's providers`);
    }
  });
}

function requireUniqueNames(entries: { name: string }[] | undefined, section: string): void {
  const seen = new Map<string, number>();
  entries?.forEach((entry, index) => {
    const first = seen.get(entry.name);
    if (first !== undefined) fail(childPath(childPath(section, index), "name"), `"${entry.name}" is already used by ${section}[${first}]`);
    seen.set(entry.name, index);
  });
}
