import { parse } from "yaml";
import { ConfigFile, type ConfigAssociation, type ConfigAuthKey, type ConfigModel, type ConfigProvider } from "@llmio/contract";
import { Kind, type TSchema } from "@sinclair/typebox";
import { Value, ValueErrorType, type ValueError } from "@sinclair/typebox/value";
import { CliError } from "../lib/cli-error.ts";

/**
 * The catalog as a file (`llmio config export` / `apply`), as the contract's `ConfigFile` schema
 * describes it, after reading: names trimmed and dates as epoch milliseconds.
 */
export interface ConfigDocument {
  providers?: ProviderEntry[];
  models?: ModelEntry[];
  authKeys?: AuthKeyEntry[];
}
export type ProviderEntry = ConfigProvider;
export type ModelEntry = ConfigModel;
export type AssociationEntry = ConfigAssociation;
export type AuthKeyEntry = Omit<ConfigAuthKey, "expiresAt"> & {
  /** Epoch milliseconds (an ISO 8601 date in the file); null: never. */
  expiresAt?: number | null;
};

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
  const problem = Value.Errors(ConfigFile, value).First();
  if (problem) throw configError(problem);
  const document = normalize(value as ConfigFile);
  checkConsistency(document);
  return document;
}

/** A path one step further down: `models[2]`, `models[2].name`, `headers["x-api-key"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (!/^[A-Za-z_]\w*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

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

/** `/models/0/timeoutMs` (the schema checker's JSON pointer) as the file's reader writes it: `models[0].timeoutMs`. */
function readablePath(pointer: string): string {
  const steps = pointer.split("/").slice(1).map((step) => step.replaceAll("~1", "/").replaceAll("~0", "~"));
  return steps.reduce<string>((path, step, index) => childPath(path, /^\d+$/.test(step) && index > 0 ? Number(step) : step), "");
}

/** What a schema accepts, in the words of the file's error messages. */
function expected(schema: TSchema): string {
  switch (schema[Kind]) {
    case "Integer":
      return schema.minimum === undefined ? "a whole number" : `a whole number ≥ ${schema.minimum}`;
    case "Number":
      return schema.minimum === undefined ? "a number" : `a number ≥ ${schema.minimum}`;
    case "String":
      return "text";
    case "Boolean":
      return "true or false";
    case "Array":
      return "a list";
    case "Object":
    case "Record":
      return "a mapping";
    case "Literal":
      return String(schema.const);
    case "Union": {
      const members = (schema.anyOf as TSchema[]).filter((member) => member[Kind] !== "Null");
      if (members.every((member) => member[Kind] === "Literal")) return `one of ${members.map((member) => member.const).join(", ")}`;
      return members.map(expected).join(" or ");
    }
    default:
      return "a value";
  }
}

/** The first problem the schema found, named by its path. */
function configError(problem: ValueError): ConfigError {
  const nonNull = problem.type === ValueErrorType.Union ? (problem.schema.anyOf as TSchema[]).filter((member) => member[Kind] !== "Null") : [];
  if (nonNull.length === 1 && problem.value !== null) {
    // A nullable field that is not null: say what is wrong with it, not that it is not null.
    const inner = Value.Errors(nonNull[0], problem.value).First();
    if (inner) return configError({ ...inner, path: problem.path + inner.path });
  }
  const path = readablePath(problem.path);
  switch (problem.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return new ConfigError(path, "is required");
    case ValueErrorType.ObjectAdditionalProperties:
      return new ConfigError(path, `unknown field (expected one of: ${Object.keys(problem.schema.properties).join(", ")})`);
    case ValueErrorType.StringPattern:
      return new ConfigError(path, "must not be empty");
    case ValueErrorType.ArrayMinItems:
      return new ConfigError(path, path.endsWith("allowedModels") ? "must list at least one model (null allows every model)" : "must not be an empty list");
    default:
      return new ConfigError(path, `expected ${expected(problem.schema)}, got ${describe(problem.value)}`);
  }
}

/** What the schema cannot say: names are trimmed, URLs are http(s), a date is a date. */
function normalize(file: ConfigFile): ConfigDocument {
  const providers = file.providers?.map((provider, index) => {
    const path = childPath("providers", index);
    return {
      ...provider,
      name: provider.name.trim(),
      baseUrl: httpUrl(provider.baseUrl, childPath(path, "baseUrl")),
      ...(typeof provider.consoleUrl === "string" ? { consoleUrl: httpUrl(provider.consoleUrl, childPath(path, "consoleUrl")) } : {}),
    };
  });
  const models = file.models?.map((model) => ({
    ...model,
    name: model.name.trim(),
    ...(model.aliases ? { aliases: model.aliases.map((alias) => alias.trim()) } : {}),
    ...(model.pinnedProvider ? { pinnedProvider: model.pinnedProvider.trim() } : {}),
    ...(model.providers ? { providers: model.providers.map((association) => ({ ...association, provider: association.provider.trim(), model: association.model.trim() })) } : {}),
  }));
  const authKeys = file.authKeys?.map((key, index): AuthKeyEntry => {
    const { expiresAt, ...rest } = key;
    return {
      ...rest,
      name: key.name.trim(),
      ...(key.allowedModels ? { allowedModels: key.allowedModels.map((pattern) => pattern.trim()) } : {}),
      ...(expiresAt === undefined ? {} : { expiresAt: expiresAt === null ? null : instant(expiresAt, childPath(childPath("authKeys", index), "expiresAt")) }),
    };
  });
  return {
    ...(providers ? { providers } : {}),
    ...(models ? { models } : {}),
    ...(authKeys ? { authKeys } : {}),
  };
}

function httpUrl(value: string, path: string): string {
  const url = value.trim();
  const protocol = URL.parse(url)?.protocol;
  return protocol === "http:" || protocol === "https:" ? url : fail(path, `expected an http(s) URL, got ${describe(value)}`);
}

/** An ISO 8601 date (as exported) or epoch milliseconds. */
function instant(value: number | string, path: string): number {
  const parsed = typeof value === "number" ? value : Date.parse(value);
  return Number.isNaN(parsed) ? fail(path, `expected a date such as 2027-01-31T00:00:00Z, got ${describe(value)}`) : parsed;
}

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
