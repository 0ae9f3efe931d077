import { eq, getTableColumns } from "drizzle-orm";
import type { AppDatabase, Tables } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { Currency, ModelProvider } from "../db/schema.ts";
import type { Catalog } from "../routing/catalog.ts";
import { isPlainObject } from "../relay/extra-body.ts";
import { AdminError } from "../lib/admin-error.ts";
import { requireText } from "./fields.ts";
import { found, type Deleted } from "../db/rows.ts";

/** How an association serves: weight, switch, capabilities and prices (per 1M tokens). */
export interface AssociationSettings {
  weight?: number;
  enabled?: boolean;
  toolCall?: boolean;
  structuredOutput?: boolean;
  vision?: boolean;
  priceInput?: number;
  priceCachedInput?: number;
  priceOutput?: number;
  /** Price of tokens written to the prompt cache, per 1M. */
  priceCacheWrite?: number;
  /** The currency of the four prices (USD by default). */
  currency?: Currency;
  /** JSON object (or its text) deep-merged into the upstream body after translation, over the client's values. */
  extraBody?: unknown;
  /** Headers for this association's upstream: over the provider's headers and the client's, under the credentials. */
  extraHeaders?: Record<string, string>;
  /** Whether the client's own headers (minus credentials and browser context) go upstream; default true. */
  forwardClientHeaders?: boolean;
}

/** The stored form of the settings: `extraBody` parsed and checked. */
export interface StoredAssociationSettings extends Omit<AssociationSettings, "extraBody"> {
  extraBody?: Record<string, unknown>;
}

/** Fields of a new association of a public model with a provider's model. */
export interface ModelProviderInput extends AssociationSettings {
  modelId: number;
  providerId: number;
  /** The model name the provider expects. */
  providerModel: string;
}

/** Just the settings of an association (input, a config file entry, a stored row), picked by name so extra properties never reach the database. */
export function associationSettings(source: AssociationSettings): StoredAssociationSettings {
  const { weight, enabled, toolCall, structuredOutput, vision, priceInput, priceCachedInput, priceOutput, priceCacheWrite, currency, extraBody, extraHeaders, forwardClientHeaders } = source;
  return {
    weight, enabled, toolCall, structuredOutput, vision, priceInput, priceCachedInput, priceOutput, priceCacheWrite, currency,
    extraBody: extraBody === undefined ? undefined : requireJsonObject(extraBody, "extraBody"),
    extraHeaders: extraHeaders === undefined ? undefined : requireHeaders(extraHeaders, "extraHeaders"),
    forwardClientHeaders,
  };
}

/** A JSON object, given as one or as its text (a form's textarea); null or "" is the empty object. */
export function requireJsonObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || (typeof value === "string" && !value.trim())) return {};
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new AdminError(400, `Invalid body: /${field} is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isPlainObject(parsed)) throw new AdminError(400, `Invalid body: /${field} must be a JSON object, like {"reasoning_effort": "low"}`);
  return parsed;
}

// RFC 9110 token characters: anything else would make fetch throw on every call.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Header names and values that fetch can send. */
export function requireHeaders(headers: Record<string, string>, field: string): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new AdminError(400, `Invalid body: /${field} has an invalid header name "${name}"`);
    if (typeof value !== "string" || /[\r\n\0]/.test(value)) throw new AdminError(400, `Invalid body: /${field}/${name} must be a single-line text value`);
  }
  return headers;
}

/** An association with its provider's name. */
export interface ModelProviderView extends ModelProvider {
  providerName: string;
}

/** Association CRUD; every write invalidates the routing catalog. */
export class ModelProviderService {
  constructor(
    private readonly db: AppDatabase,
    private readonly catalog: Catalog,
  ) {}

  async list(filter: { modelId?: number } = {}): Promise<ModelProviderView[]> {
    const { modelProviders } = this.db.tables;
    const query = filter.modelId === undefined ? this.views() : this.views().where(eq(modelProviders.modelId, filter.modelId));
    return query.orderBy(modelProviders.id);
  }

  async get(id: number): Promise<ModelProviderView> {
    const { modelProviders } = this.db.tables;
    return found(await first(this.views().where(eq(modelProviders.id, id))), "model-provider", id);
  }

  async create(input: ModelProviderInput): Promise<ModelProviderView> {
    const { modelProviders } = this.db.tables;
    await this.requireReferences(input);
    const now = Date.now();
    const values = {
      ...associationSettings(input),
      modelId: input.modelId,
      providerId: input.providerId,
      providerModel: requireText(input.providerModel, "providerModel"),
      createdAt: now,
      updatedAt: now,
    };
    const [{ id }] = await this.db.orm.insert(modelProviders).values(values).returning({ id: modelProviders.id });
    this.catalog.invalidate();
    return this.get(id);
  }

  /** Omitted fields stay as they are. */
  async update(id: number, input: Partial<ModelProviderInput>): Promise<ModelProviderView> {
    const { modelProviders } = this.db.tables;
    await this.get(id);
    await this.requireReferences(input);
    const values = {
      ...associationSettings(input),
      modelId: input.modelId,
      providerId: input.providerId,
      providerModel: input.providerModel === undefined ? undefined : requireText(input.providerModel, "providerModel"),
      updatedAt: Date.now(),
    };
    await this.db.orm.update(modelProviders).set(values).where(eq(modelProviders.id, id));
    this.catalog.invalidate();
    return this.get(id);
  }

  async remove(id: number): Promise<Deleted> {
    const { modelProviders } = this.db.tables;
    const row = await first(this.db.orm.delete(modelProviders).where(eq(modelProviders.id, id)).returning({ id: modelProviders.id }));
    found(row, "model-provider", id);
    this.catalog.invalidate();
    return { id, deleted: true };
  }

  // Checked up front (rather than via the foreign-key error) so the 400 can name the field.
  private async requireReferences(input: Partial<ModelProviderInput>): Promise<void> {
    const { models, providers } = this.db.tables;
    if (input.modelId !== undefined && !(await this.exists(models, input.modelId))) {
      throw new AdminError(400, `Invalid body: /modelId ${input.modelId} is not an existing model`);
    }
    if (input.providerId !== undefined && !(await this.exists(providers, input.providerId))) {
      throw new AdminError(400, `Invalid body: /providerId ${input.providerId} is not an existing provider`);
    }
  }

  private async exists(table: Tables["models"] | Tables["providers"], id: number): Promise<boolean> {
    return (await first(this.db.orm.select({ id: table.id }).from(table).where(eq(table.id, id)))) !== undefined;
  }

  private views() {
    const { modelProviders, providers } = this.db.tables;
    return this.db.orm
      .select({ ...getTableColumns(modelProviders), providerName: providers.name })
      .from(modelProviders)
      .innerJoin(providers, eq(providers.id, modelProviders.providerId))
      .$dynamic();
  }
}
