import { eq } from "drizzle-orm";
import type { Balancer } from "../../balancer/balancer.ts";
import type { AppDatabase } from "../../db/client.ts";
import { modelProviders, models, providers } from "../../db/schema.ts";

/** Every provider with its keys' states, its limit counters, and its associations' health. */
export function routingHealth(db: AppDatabase, balancer: Balancer) {
  const now = Date.now();
  const associations = db
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
    .all();
  return db
    .select()
    .from(providers)
    .orderBy(providers.id)
    .all()
    .map((provider) => ({
      id: provider.id,
      name: provider.name,
      type: provider.type,
      enabled: provider.enabled,
      keys: balancer.health.keySnapshots(provider.id, provider.apiKeys, now),
      limits: {
        ...balancer.limitSnapshot(provider.id, now),
        requestsPerMinute: provider.requestsPerMinute,
        tokensPerMinute: provider.tokensPerMinute,
        maxConcurrent: provider.maxConcurrent,
      },
      associations: associations
        .filter((association) => association.providerId === provider.id)
        .map((association) => ({ ...association, ...balancer.health.associationSnapshot(association.id) })),
    }));
}
