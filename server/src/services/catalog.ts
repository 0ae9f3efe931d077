import { eq } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { watchExternalChanges } from "../db/external-changes.ts";
import { modelProviders, models, providers, type Endpoint, type Model, type Provider } from "../db/schema.ts";
import { wireOfProviderType, type WireName } from "../core/wire-protocol.ts";
import { ModelMatcher } from "../balancer/model-matcher.ts";
import type { LimitConfig } from "../balancer/rate-limit.ts";

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
  /** A 200 answer containing this text counts as a failure. */
  errorMatch?: string;
  /** The provider's own limits and those of each of its keys. */
  limits: LimitConfig;
  keyLimits: LimitConfig;
}

export interface ModelRoute {
  model: Model;
  /** Enabled associations of enabled providers that have at least one key. */
  candidates: RouteCandidate[];
}

/**
 * The routing configuration, held in memory so the request path never touches the
 * database. Admin writes call `invalidate()`; the next lookup reloads it.
 */
export class Catalog {
  private routes: Map<string, ModelRoute> | undefined;
  private matcher: ModelMatcher<ModelRoute> | undefined;
  private version = 0;

  /** Another process (`llmio config apply`) wrote to the database. */
  private readonly changedElsewhere: () => boolean;

  constructor(private readonly db: AppDatabase) {
    this.changedElsewhere = watchExternalChanges(db);
  }

  /** Bumped on every change; lets dependants cache derived data. */
  get revision(): number {
    return this.version;
  }

  /** The route for a requested model name: exact name, alias, or the most specific glob. */
  route(modelName: string): ModelRoute | undefined {
    this.load();
    return this.matcher!.match(modelName);
  }

  modelNames(): string[] {
    return [...this.load().keys()];
  }

  models(): Model[] {
    return [...this.load().values()].map((route) => route.model);
  }

  invalidate(): void {
    this.routes = undefined;
    this.matcher = undefined;
    this.version++;
  }

  private load(): Map<string, ModelRoute> {
    if (this.routes && this.changedElsewhere()) this.invalidate();
    if (this.routes) return this.routes;
    const providerById = new Map<number, Provider>();
    for (const provider of this.db.select().from(providers).where(eq(providers.enabled, true)).all()) {
      providerById.set(provider.id, provider);
    }
    const routes = new Map<string, ModelRoute>();
    const routeById = new Map<number, ModelRoute>();
    for (const model of this.db.select().from(models).all()) {
      const route = { model, candidates: [] };
      routes.set(model.name, route);
      routeById.set(model.id, route);
    }
    for (const association of this.db.select().from(modelProviders).where(eq(modelProviders.enabled, true)).all()) {
      const provider = providerById.get(association.providerId);
      const route = routeById.get(association.modelId);
      if (!provider || !route || provider.apiKeys.length === 0) continue;
      route.candidates.push({
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
        errorMatch: provider.errorMatch || undefined,
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
      });
    }
    // Exact names first (a model's own name wins over another model's alias), then aliases and globs.
    const matcher = new ModelMatcher<ModelRoute>();
    for (const route of routes.values()) matcher.add(route.model.name, route);
    for (const route of routes.values()) for (const alias of route.model.aliases) matcher.add(alias, route);
    this.routes = routes;
    this.matcher = matcher;
    return routes;
  }
}
