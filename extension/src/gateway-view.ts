import type { AssociationHealth, FailureCause, Model, ProviderHealth } from "@llmio/contract";
import { isProviderFailing } from "./status.ts";

/** One provider behind a model, as the popup lists it. */
export interface ProviderRoute {
  associationId: number;
  providerId: number;
  providerName: string;
  /** False when the provider is disabled (no traffic for any model). */
  providerEnabled: boolean;
  providerModel: string;
  weight: number;
  enabled: boolean;
  breaker: AssociationHealth["breaker"]["state"];
  /** Until when an open breaker refuses traffic. */
  breakerUntil: number | null;
  recent: boolean[];
  errorRate: number | null;
  lastError: string | null;
  /** The share of the model's traffic it can expect: 0 when it is off, its provider disabled, or the model pinned elsewhere. */
  share: number;
}

export interface ModelRow {
  id: number;
  name: string;
  pinnedProviderId: number | null;
  routes: ProviderRoute[];
}

/** Models in the gateway's order, each with the providers behind it and their health. */
export function modelRows(models: Model[], providers: ProviderHealth[]): ModelRow[] {
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
        breakerUntil: association.breaker.state === "open" ? association.breaker.retryAt : null,
        recent: association.recent,
        errorRate: association.errorRate,
        lastError: association.lastError?.message ?? null,
        share: 0,
      });
      routes.set(association.modelId, list);
    }
  }
  return models.map((model) => {
    const list = (routes.get(model.id) ?? []).sort((a, b) => a.associationId - b.associationId);
    return { id: model.id, name: model.name, pinnedProviderId: model.pinnedProviderId, routes: withShares(list, model.pinnedProviderId) };
  });
}

/**
 * Each route's expected share, in proportion to its weight among the routes the gateway uses:
 * switched on, of an enabled provider, and of the pinned provider when the model is pinned (a
 * pin to a provider that serves none of them is ignored, as the gateway ignores it).
 */
export function withShares(routes: ProviderRoute[], pinnedProviderId: number | null): ProviderRoute[] {
  let used = routes.filter((route) => route.enabled && route.providerEnabled);
  const pinned = used.filter((route) => route.providerId === pinnedProviderId);
  if (pinned.length > 0) used = pinned;
  const total = used.reduce((sum, route) => sum + Math.max(0, route.weight), 0);
  return routes.map((route) => ({ ...route, share: total > 0 && used.includes(route) ? Math.max(0, route.weight) / total : 0 }));
}

/** A provider for the enable/disable list. */
export interface ProviderRow {
  id: number;
  name: string;
  enabled: boolean;
  failing: boolean;
  /** Why it fails (a refused connection, a timeout…), when it does and the gateway said. */
  cause: FailureCause | null;
  /** Until when its open breakers refuse traffic. */
  until: number | null;
  keys: number;
  /** Keys the provider refused (dead until the provider is edited or reset). */
  refusedKeys: number;
  /** Keys resting after a rate limit or a used-up quota, with the cause. */
  coolingKeys: number;
  coolingCause: FailureCause | null;
}

export function providerRows(providers: ProviderHealth[]): ProviderRow[] {
  return providers.map((provider) => {
    const failing = isProviderFailing(provider);
    const cooling = provider.keys.filter((key) => key.state === "cooling");
    return {
      id: provider.id,
      name: provider.name,
      enabled: provider.enabled,
      failing,
      cause: failing ? failureCause(provider) : null,
      until: failing ? (provider.openUntil ?? null) : null,
      keys: provider.keys.length,
      refusedKeys: provider.keys.filter((key) => key.state === "dead").length,
      coolingKeys: cooling.length,
      coolingCause: cooling.find((key) => key.lastFailure)?.lastFailure?.cause ?? null,
    };
  });
}

/** The newest failure of a troubled association or key, else the provider's newest. */
function failureCause(provider: ProviderHealth): FailureCause | null {
  const candidates = [
    ...provider.associations.filter((association) => association.enabled && association.breaker.state !== "closed").map((association) => association.lastError),
    ...provider.keys.filter((key) => key.state !== "ok").map((key) => key.lastFailure),
  ].filter((failure) => failure?.cause);
  const newest = candidates.reduce((found, failure) => (failure && (!found || failure.at > found.at) ? failure : found), null);
  return (newest ?? provider.lastFailure)?.cause ?? null;
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
