import { eq } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import { providers, type Endpoint, type Provider } from "../db/schema.ts";
import { maskProxyUrl, proxyUrlProblem } from "../relay/outbound-proxy.ts";
import { maskKey } from "../lib/mask-key.ts";
import type { Catalog } from "../routing/catalog.ts";
import type { ProviderWarning } from "./base-url-check.ts";
import { AdminError } from "../lib/admin-error.ts";
import { requireHttpUrl, requireText } from "./fields.ts";
import { found, unlessDuplicate, type Deleted } from "../db/rows.ts";

/** The wire protocols a provider may speak. */
export const providerTypes = providers.type.enumValues;

/** Fields of a new provider. `apiKey` is shorthand for a one-key `apiKeys`. */
export interface ProviderInput extends ProviderLimitFields {
  name: string;
  type: Provider["type"];
  baseUrl: string;
  apiKeys?: string[];
  apiKey?: string;
  headers?: Record<string, string>;
  enabled?: boolean;
  /** Link to the vendor's console; `null` or "" clears it. */
  consoleUrl?: string | null;
  /** Endpoints served; null means every endpoint the protocol has. */
  endpoints?: Endpoint[] | null;
  errorMatch?: string | null;
  /** HTTP(S) proxy for this provider's calls, credentials in the URL; null or "": the environment's (HTTPS_PROXY). */
  proxyUrl?: string | null;
}

/** Requests/tokens per minute and concurrency, for the provider and for each of its keys; null means unlimited. */
export interface ProviderLimitFields {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
  maxConcurrent?: number | null;
  keyRequestsPerMinute?: number | null;
  keyTokensPerMinute?: number | null;
  keyMaxConcurrent?: number | null;
}

/** A provider as the admin API shows it: keys masked (`sk-…abcd`), never in full. */
export interface ProviderView extends Omit<Provider, "apiKeys"> {
  apiKeys: string[];
  keyCount: number;
}

/** A provider as saved, with what a check of its settings found (the save happened regardless). */
export interface SavedProvider extends ProviderView {
  warnings: ProviderWarning[];
}

/** Provider CRUD; every write invalidates the routing catalog. */
export class ProviderService {
  constructor(
    private readonly db: AppDatabase,
    private readonly catalog: Catalog,
    /** Called after a provider is edited or deleted (its keys may have changed). */
    private readonly onChange: (providerId: number) => void = () => {},
    /** Checks a saved base URL (the admin API asks the provider; the CLI checks nothing). */
    private readonly checkBaseUrl: (provider: Provider) => Promise<ProviderWarning[]> = async () => [],
  ) {}

  async list(): Promise<ProviderView[]> {
    const { providers } = this.db.tables;
    return (await this.db.orm.select().from(providers).orderBy(providers.id)).map(toView);
  }

  async get(id: number): Promise<ProviderView> {
    return toView(await this.find(id));
  }

  async create(input: ProviderInput): Promise<SavedProvider> {
    const now = Date.now();
    const values = {
      name: requireText(input.name, "name"),
      type: input.type,
      baseUrl: normalizeBaseUrl(input.baseUrl),
      apiKeys: mergeApiKeys(submittedKeys(input) ?? [], []),
      headers: mergeHeaders(input.headers ?? {}, {}),
      enabled: input.enabled ?? true,
      consoleUrl: normalizeConsoleUrl(input.consoleUrl) ?? null,
      endpoints: input.endpoints ?? null,
      proxyUrl: mergeProxyUrl(input.proxyUrl, null) ?? null,
      ...routingSettings(input),
      createdAt: now,
      updatedAt: now,
    };
    const { providers } = this.db.tables;
    const [row] = await unlessDuplicate(
      () => this.db.orm.insert(providers).values(values).returning(),
      duplicateMessage(values.name),
    );
    this.catalog.invalidate();
    return { ...toView(row), warnings: await this.checkBaseUrl(row) };
  }

  /** Omitted fields (including `apiKeys`) stay as they are; a base URL sent is checked again. */
  async update(id: number, input: Partial<ProviderInput>): Promise<SavedProvider> {
    const current = await this.find(id);
    const keys = submittedKeys(input);
    const values = {
      name: input.name === undefined ? undefined : requireText(input.name, "name"),
      type: input.type,
      baseUrl: input.baseUrl === undefined ? undefined : normalizeBaseUrl(input.baseUrl),
      apiKeys: keys === undefined ? undefined : mergeApiKeys(keys, current.apiKeys),
      headers: input.headers === undefined ? undefined : mergeHeaders(input.headers, current.headers),
      enabled: input.enabled,
      consoleUrl: normalizeConsoleUrl(input.consoleUrl),
      endpoints: input.endpoints,
      proxyUrl: mergeProxyUrl(input.proxyUrl, current.proxyUrl),
      ...routingSettings(input),
      updatedAt: Date.now(),
    };
    const { providers } = this.db.tables;
    const [row] = await unlessDuplicate(
      () => this.db.orm.update(providers).set(values).where(eq(providers.id, id)).returning(),
      duplicateMessage(values.name ?? current.name),
    );
    this.catalog.invalidate();
    this.onChange(id);
    return { ...toView(row), warnings: input.baseUrl === undefined ? [] : await this.checkBaseUrl(row) };
  }

  /** Also removes the provider's model associations (foreign-key cascade). */
  async remove(id: number): Promise<Deleted> {
    const { providers } = this.db.tables;
    found(await first(this.db.orm.delete(providers).where(eq(providers.id, id)).returning({ id: providers.id })), "provider", id);
    this.catalog.invalidate();
    this.onChange(id);
    return { id, deleted: true };
  }

  private async find(id: number): Promise<Provider> {
    const { providers } = this.db.tables;
    return found(await first(this.db.orm.select().from(providers).where(eq(providers.id, id))), "provider", id);
  }
}

/**
 * The key list after a write. A masked entry (containing "…", as this API returns keys)
 * stands for the existing key with that mask, preferably the one at the same position, so a
 * UI can send the masked list back with keys added or removed. Anything else is a new key.
 */
export function mergeApiKeys(submitted: string[], existing: string[]): string[] {
  const unused = new Set(existing.keys());
  const keys = submitted.map((entry, index) => {
    const key = entry.trim();
    if (!key.includes("…")) return key;
    const matches = (position: number) => maskKey(existing[position]) === key;
    const position = unused.has(index) && matches(index) ? index : [...unused].find(matches);
    if (position === undefined) {
      throw new AdminError(400, `Invalid body: /apiKeys/${index} is a masked key that matches no existing key`);
    }
    unused.delete(position);
    return existing[position];
  });
  return [...new Set(keys.filter(Boolean))];
}

/** Error matcher and limits, by name so a caller's extra properties never reach the database. */
function routingSettings(input: Partial<ProviderInput>) {
  return { errorMatch: input.errorMatch === undefined ? undefined : input.errorMatch?.trim() || null, ...providerLimits(input) };
}

/** A provider's limits (null: unlimited; the `key…` ones per API key), picked by name. */
export function providerLimits(source: ProviderLimitFields): ProviderLimitFields {
  const { requestsPerMinute, tokensPerMinute, maxConcurrent, keyRequestsPerMinute, keyTokensPerMinute, keyMaxConcurrent } = source;
  return { requestsPerMinute, tokensPerMinute, maxConcurrent, keyRequestsPerMinute, keyTokensPerMinute, keyMaxConcurrent };
}

/** Header names whose values are credentials, masked like keys. */
const SECRET_HEADER = /auth|key|token|secret|cookie|password/i;

function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) masked[name] = SECRET_HEADER.test(name) ? maskKey(value) : value;
  return masked;
}

/** A secret header sent back masked, as this API shows it, keeps its stored value. */
export function mergeHeaders(submitted: Record<string, string>, existing: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(submitted)) {
    const stored = existing[name];
    if (value.includes("…") && SECRET_HEADER.test(name)) {
      if (stored === undefined || maskKey(stored) !== value) {
        throw new AdminError(400, `Invalid body: /headers/${name} is a masked value that matches no stored value`);
      }
      headers[name] = stored;
    } else headers[name] = value;
  }
  return headers;
}

function toView({ apiKeys, headers, proxyUrl, ...provider }: Provider): ProviderView {
  return { ...provider, headers: maskHeaders(headers), proxyUrl: maskProxyUrl(proxyUrl), apiKeys: apiKeys.map(maskKey), keyCount: apiKeys.length };
}

/**
 * The proxy URL after a write: "" or null clears it, the masked URL this API shows keeps the
 * stored one (so a form can send it back unchanged), anything else must be an HTTP(S) proxy URL.
 */
export function mergeProxyUrl(submitted: string | null | undefined, stored: string | null): string | null | undefined {
  if (submitted === undefined) return undefined;
  const value = submitted?.trim();
  if (!value) return null;
  if (stored && value.includes("…") && value === maskProxyUrl(stored)) return stored;
  const problem = proxyUrlProblem(value);
  if (problem) throw new AdminError(400, `Invalid body: /proxyUrl ${problem}`);
  if (value.includes("…")) throw new AdminError(400, "Invalid body: /proxyUrl is a masked value that matches no stored proxy URL");
  return value;
}

function submittedKeys(input: Partial<ProviderInput>): string[] | undefined {
  if (input.apiKeys === undefined && input.apiKey === undefined) return undefined;
  return [...(input.apiKeys ?? []), ...(input.apiKey === undefined ? [] : [input.apiKey])];
}

// Paths are appended to the base URL, so a trailing slash would double up.
function normalizeBaseUrl(baseUrl: string): string {
  return requireHttpUrl(baseUrl, "baseUrl").replace(/\/+$/, "");
}

function normalizeConsoleUrl(consoleUrl: string | null | undefined): string | null | undefined {
  if (consoleUrl === undefined) return undefined;
  if (consoleUrl === null || !consoleUrl.trim()) return null;
  return requireHttpUrl(consoleUrl, "consoleUrl");
}

function duplicateMessage(name: string): string {
  return `a provider named "${name}" already exists`;
}
