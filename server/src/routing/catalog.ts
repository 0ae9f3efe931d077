import { eq } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { watchExternalChanges } from "../db/external-changes.ts";
import type { Endpoint, Model, ModelProvider, Provider } from "../db/schema.ts";
import { wireOfProviderType, type WireName } from "../core/wire-protocol.ts";
import { ModelMatcher } from "./model-matcher.ts";
import { localChangeBus, type ChangeBus } from "../lib/change-bus.ts";
import { ReloadingCache } from "./reloading-cache.ts";
import type { LimitConfig } from "./rate-limit.ts";
import type { Prices } from "../core/cost.ts";

/** One association a request for a public model may be sent to. */
export interface RouteCandidate {
  associationId: number;
  providerId: number;
  providerName: string;
  wire: WireName;
  /** Endpoints this provider serves; undefined means all its protocol has. */
  endpoints?: readonly Endpoint[];
  baseUrl: string;
  apiKeys: string[];
  headers: Record<string, string>;
  providerModel: string;
  weight: number;
  toolCall: boolean;
  structuredOutput: boolean;
  vision: boolean;
  /** HTTP(S) proxy for this provider's calls; undefined: the environment's, if any. */
  proxyUrl?: string;
  /** The association's JSON deep-merged into the upstream body, over the client's values. */
  extraBody?: Record<string, unknown>;
  /** The association's headers: over the provider's and the client's, under the credentials. */
  extraHeaders?: Record<string, string>;
  /** Whether the client's own headers go upstream. */
  /** false: they do not; default true. */
  forwardClientHeaders?: boolean;
  /** A 200 answer containing this text counts as a failure. */
  errorMatch?: string;
  /** The association's prices, snapshotted into each attempt's log row. */
  prices?: Prices;
  /** The provider's own limits and those of each of its keys. */
  limits: LimitConfig;
  keyLimits: LimitConfig;
}

export interface ModelRoute {
  model: Model;
  /** Enabled associations of enabled providers that have at least one key. */
  candidates: RouteCandidate[];
}

interface Snapshot {
  routes: Map<string, ModelRoute>;
  matcher: ModelMatcher<ModelRoute>;
}

/**
 * The routing configuration, held in memory so the request path never touches the
 * database. Admin writes call `invalidate()` (another instance's writes arrive through the
 * change bus); the next lookup reloads it. Lookups return a resolved promise once loaded.
 */
export class Catalog {
  private readonly cache: ReloadingCache<Snapshot>;

  constructor(
    private readonly db: AppDatabase,
    private readonly changes: ChangeBus = localChangeBus,
  ) {
    // Another process (`llmio config apply`) writing to a shared SQLite file also drops it.
    this.cache = new ReloadingCache(() => this.read(), watchExternalChanges(db));
    changes.subscribe("catalog", () => this.cache.drop());
  }

  /** Bumped on every change; lets dependants cache derived data. */
  get revision(): number {
    return this.cache.revision;
  }

  /** The route for a requested model name: exact name, alias, or the most specific glob. */
  async route(modelName: string): Promise<ModelRoute | undefined> {
    return (await this.cache.get()).matcher.match(modelName);
  }

  async modelNames(): Promise<string[]> {
    return [...(await this.cache.get()).routes.keys()];
  }

  async models(): Promise<Model[]> {
    return [...(await this.cache.get()).routes.values()].map((route) => route.model);
  }

  /** The routing configuration was changed here: reload, and tell the other instances. */
  invalidate(): void {
    this.cache.drop();
    this.changes.publish("catalog");
  }

  private async read(): Promise<Snapshot> {
    const { orm, tables } = this.db;
    const { providers, models, modelProviders } = tables;
    const [providerRows, modelRows, associations] = await Promise.all([
      orm.select().from(providers).where(eq(providers.enabled, true)),
      orm.select().from(models),
      orm.select().from(modelProviders).where(eq(modelProviders.enabled, true)),
    ]);
    const providerById = new Map<number, Provider>();
    for (const provider of providerRows) providerById.set(provider.id, provider);
    const routes = new Map<string, ModelRoute>();
    const routeById = new Map<number, ModelRoute>();
    for (const model of modelRows) {
      const route = { model, candidates: [] };
      routes.set(model.name, route);
      routeById.set(model.id, route);
    }
    for (const association of associations) {
      const provider = providerById.get(association.providerId);
      const route = routeById.get(association.modelId);
      if (!provider || !route || provider.apiKeys.length === 0) continue;
      route.candidates.push(routeCandidate(provider, association));
    }
    // Exact names first (a model's own name wins over another model's alias), then aliases and globs.
    const matcher = new ModelMatcher<ModelRoute>();
    for (const route of routes.values()) matcher.add(route.model.name, route);
    for (const route of routes.values()) for (const alias of route.model.aliases) matcher.add(alias, route);
    return { routes, matcher };
  }
}

/** What routing needs of one association and its provider (also used by the admin association test, so it calls the same way). */
export function routeCandidate(provider: Provider, association: ModelProvider): RouteCandidate {
  return {
    associationId: association.id,
    providerId: provider.id,
    providerName: provider.name,
    wire: wireOfProviderType(provider.type),
    endpoints: provider.endpoints ?? undefined,
    baseUrl: provider.baseUrl,
    apiKeys: provider.apiKeys,
    headers: provider.headers,
    providerModel: association.providerModel,
    weight: association.weight,
    toolCall: association.toolCall,
    structuredOutput: association.structuredOutput,
    vision: association.vision,
    prices: {
      input: association.priceInput,
      cachedInput: association.priceCachedInput,
      cacheWrite: association.priceCacheWrite,
      output: association.priceOutput,
      currency: association.currency,
    },
    errorMatch: provider.errorMatch || undefined,
    proxyUrl: provider.proxyUrl || undefined,
    extraBody: association.extraBody,
    extraHeaders: association.extraHeaders,
    forwardClientHeaders: association.forwardClientHeaders,
    limits: {
      requestsPerMinute: provider.requestsPerMinute,
      tokensPerMinute: provider.tokensPerMinute,
      maxConcurrent: provider.maxConcurrent,
    },
    keyLimits: {
      requestsPerMinute: provider.keyRequestsPerMinute,
      tokensPerMinute: provider.keyTokensPerMinute,
      maxConcurrent: provider.keyMaxConcurrent,
    },
  };
}
