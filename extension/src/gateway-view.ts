import type { AssociationHealth, ModelSummary, ProviderHealth } from "./api/types.ts";
import { isProviderFailing } from "./status.ts";

/** One provider behind a model, as the popup lists it. */
export interface ProviderRoute {
  associationId: number;
  providerId: number;
  providerName: string;
  /** False when routing to the provider is paused for every model. */
  providerEnabled: boolean;
  providerModel: string;
  weight: number;
  enabled: boolean;
  breaker: AssociationHealth["breaker"]["state"];
  recent: boolean[];
  errorRate: number | null;
  lastError: string | null;
}

export interface ModelRow {
  id: number;
  name: string;
  pinnedProviderId: number | null;
  routes: ProviderRoute[];
}

/** Models in the gateway's order, each with the providers behind it and their health. */
export function modelRows(models: ModelSummary[], providers: ProviderHealth[]): ModelRow[] {
  const routes = new Map<number, ProviderRoute[]>();
  for (const provider of providers) {
    for (const association of provider.associations) {
      const list = routes.get(association.modelId) ?? [];
      list.push({
        associationId: association.id,
        providerId: provider.id,
        providerName: provider.name,
        providerEnabled: provider.enabled,
        providerModel: association.providerModel,
        weight: association.weight,
        enabled: association.enabled,
        breaker: association.breaker.state,
        recent: association.recent,
        errorRate: association.errorRate,
        lastError: association.lastError,
      });
      routes.set(association.modelId, list);
    }
  }
  return models.map((model) => ({
    id: model.id,
    name: model.name,
    pinnedProviderId: model.pinnedProviderId,
    routes: (routes.get(model.id) ?? []).sort((a, b) => a.associationId - b.associationId),
  }));
}

/** A provider for the "pause routing" list. */
export interface ProviderRow {
  id: number;
  name: string;
  enabled: boolean;
  failing: boolean;
  keys: number;
  unusableKeys: number;
}

export function providerRows(providers: ProviderHealth[]): ProviderRow[] {
  return providers.map((provider) => ({
    id: provider.id,
    name: provider.name,
    enabled: provider.enabled,
    failing: isProviderFailing(provider),
    keys: provider.keys.length,
    unusableKeys: provider.keys.filter((key) => key.state !== "ok").length,
  }));
}

/** The last `count` outcomes, padded at the front with `null` (no attempt yet). */
export function lastOutcomes(recent: boolean[], count: number): (boolean | null)[] {
  const tail = recent.slice(-count);
  return [...Array<null>(count - tail.length).fill(null), ...tail];
}

/** URLs to paste into tools the extension cannot configure itself. */
export function pasteTargets(gatewayUrl: string) {
  return {
    immersiveTranslate: `${gatewayUrl}/v1/chat/completions`,
    openai: `${gatewayUrl}/v1`,
    anthropic: gatewayUrl,
    gemini: gatewayUrl,
  };
}
