import { eq } from "drizzle-orm";
import type { Balancer } from "../routing/balancer.ts";
import type { FailureRecord } from "../routing/failure-cause.ts";
import type { AppDatabase } from "../db/client.ts";

/**
 * Every provider (or the one given) with its keys' states, its limit counters, and its
 * associations' health; with the newest failure seen on any of them (named: "connection
 * refused", not a count of unusable keys), when its open breakers let traffic through again,
 * and its last check outside the request path (background probe, Test connection, Reset).
 */
export async function routingHealth(db: AppDatabase, balancer: Balancer, providerId?: number) {
  const { providers, models, modelProviders } = db.tables;
  const now = Date.now();
  const [associations, providerRows] = await Promise.all([
    db.orm
      .select({
        id: modelProviders.id,
        providerId: modelProviders.providerId,
        modelId: modelProviders.modelId,
        modelName: models.name,
        providerModel: modelProviders.providerModel,
        weight: modelProviders.weight,
        enabled: modelProviders.enabled,
      })
      .from(modelProviders)
      .innerJoin(models, eq(models.id, modelProviders.modelId))
      .where(providerId === undefined ? undefined : eq(modelProviders.providerId, providerId)),
    db.orm
      .select()
      .from(providers)
      .where(providerId === undefined ? undefined : eq(providers.id, providerId))
      .orderBy(providers.id),
  ]);
  // Over every instance when limits are shared (Redis); this instance's counters otherwise.
  const limits = await Promise.all(providerRows.map((provider) => balancer.sharedLimitSnapshot(provider.id, now)));
  return providerRows.map((provider, index) => {
    const keys = balancer.health.keySnapshots(provider.id, provider.apiKeys, now);
    const served = associations
      .filter((association) => association.providerId === provider.id)
      .map((association) => ({ ...association, ...balancer.health.associationSnapshot(association.id, now) }));
    const failures = [...served.map((association) => association.lastError), ...keys.map((key) => key.lastFailure)];
    const retryTimes = [...served.filter((association) => association.enabled), ...keys].flatMap((entry) => (entry.breaker.state === "open" && entry.breaker.retryAt !== null ? [entry.breaker.retryAt] : []));
    return {
      id: provider.id,
      name: provider.name,
      type: provider.type,
      /** false: the provider is disabled and gets no traffic (the same field as in `/api/providers`). */
      enabled: provider.enabled,
      keys,
      limits: {
        ...limits[index],
        requestsPerMinute: provider.requestsPerMinute,
        tokensPerMinute: provider.tokensPerMinute,
        maxConcurrent: provider.maxConcurrent,
      },
      associations: served,
      lastFailure: newest(failures),
      /** The soonest an open breaker of it admits a request again; null when none is open. */
      openUntil: retryTimes.length > 0 ? Math.min(...retryTimes) : null,
      lastCheck: balancer.health.providerCheck(provider.id),
    };
  });
}

function newest(failures: ReadonlyArray<FailureRecord | null>): FailureRecord | null {
  let found: FailureRecord | null = null;
  for (const failure of failures) if (failure && (!found || failure.at > found.at)) found = failure;
  return found;
}
