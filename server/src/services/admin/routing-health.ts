import { eq } from "drizzle-orm";
import type { Balancer } from "../../balancer/balancer.ts";
import type { AppDatabase } from "../../db/client.ts";

/** Every provider with its keys' states, its limit counters, and its associations' health. */
export async function routingHealth(db: AppDatabase, balancer: Balancer) {
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
      .innerJoin(models, eq(models.id, modelProviders.modelId)),
    db.orm.select().from(providers).orderBy(providers.id),
  ]);
  // Over every instance when limits are shared (Redis); this instance's counters otherwise.
  const limits = await Promise.all(providerRows.map((provider) => balancer.sharedLimitSnapshot(provider.id, now)));
  return providerRows.map((provider, index) => ({
    id: provider.id,
    name: provider.name,
    type: provider.type,
    enabled: provider.enabled,
    keys: balancer.health.keySnapshots(provider.id, provider.apiKeys, now),
    limits: {
      ...limits[index],
      requestsPerMinute: provider.requestsPerMinute,
      tokensPerMinute: provider.tokensPerMinute,
      maxConcurrent: provider.maxConcurrent,
    },
    associations: associations
      .filter((association) => association.providerId === provider.id)
      .map((association) => ({ ...association, ...balancer.health.associationSnapshot(association.id) })),
  }));
}
