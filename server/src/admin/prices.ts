import { eq } from "drizzle-orm";
import type { Prices } from "../core/cost.ts";
import type { AppDatabase } from "../db/client.ts";

const NO_PRICES: Prices = { input: 0, cachedInput: 0, cacheWrite: 0, output: 0, currency: "USD" };

/**
 * The prices of the association that served a logged attempt, found by the public model
 * (the caller resolves the logged name through aliases and globs) and the provider; when a model has
 * several associations on one provider, the one with the logged provider model. Only for rows
 * logged before prices were snapshotted into the log (their cost is computed at today's prices);
 * newer rows carry their own prices and cost.
 */
export class PriceBook {
  private readonly resolved = new Map<string, Map<number | null, Map<string | null, Prices>>>();

  private constructor(private readonly associations: Map<string, Array<{ providerModel: string; prices: Prices }>>) {}

  /** Every association's prices, read once. */
  static async load(db: AppDatabase): Promise<PriceBook> {
    const { models, modelProviders } = db.tables;
    const rows = await db.orm
      .select({
        modelName: models.name,
        providerId: modelProviders.providerId,
        providerModel: modelProviders.providerModel,
        input: modelProviders.priceInput,
        cachedInput: modelProviders.priceCachedInput,
        output: modelProviders.priceOutput,
        cacheWrite: modelProviders.priceCacheWrite,
        currency: modelProviders.currency,
      })
      .from(modelProviders)
      .innerJoin(models, eq(models.id, modelProviders.modelId))
      .orderBy(modelProviders.id);
    const associations = new Map<string, Array<{ providerModel: string; prices: Prices }>>();
    for (const { modelName, providerId, providerModel, ...prices } of rows) {
      const key = `${modelName}\n${providerId}`;
      const list = associations.get(key) ?? [];
      list.push({ providerModel, prices });
      associations.set(key, list);
    }
    return new PriceBook(associations);
  }

  /** Zero prices when no association matches (deleted since, or an attempt with no provider). */
  lookup(publicModel: string, providerId: number | null, providerModel: string | null): Prices {
    // Nested maps: called once per log row, so no key strings are built on the way.
    let byProvider = this.resolved.get(publicModel);
    if (!byProvider) this.resolved.set(publicModel, (byProvider = new Map()));
    let byProviderModel = byProvider.get(providerId);
    if (!byProviderModel) byProvider.set(providerId, (byProviderModel = new Map()));
    let prices = byProviderModel.get(providerModel);
    if (prices === undefined) {
      const candidates = this.associations.get(`${publicModel}\n${providerId}`) ?? [];
      prices = (candidates.find((candidate) => candidate.providerModel === providerModel) ?? candidates[0])?.prices ?? NO_PRICES;
      byProviderModel.set(providerModel, prices);
    }
    return prices;
  }
}
