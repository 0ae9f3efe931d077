import { attemptCost, roundMoney, type Prices } from "../core/cost.ts";
import type { NewRequestLog } from "../db/schema.ts";

/**
 * The log columns that freeze an attempt's prices and cost at request time, so a later price change
 * never rewrites history. Token counting calls cost nothing (they count, the upstream bills no tokens).
 */
export function priceSnapshot(prices: Prices | undefined, row: Partial<NewRequestLog>): Partial<NewRequestLog> {
  if (!prices) return {};
  const cost =
    row.endpoint === "count_tokens"
      ? 0
      : attemptCost(prices, {
          promptTokens: row.promptTokens ?? 0,
          cachedTokens: row.cachedTokens ?? 0,
          cacheWriteTokens: row.cacheWriteTokens ?? 0,
          completionTokens: row.completionTokens ?? 0,
        });
  return {
    priceInput: prices.input,
    priceCachedInput: prices.cachedInput,
    priceCacheWrite: prices.cacheWrite,
    priceOutput: prices.output,
    currency: prices.currency,
    cost: roundMoney(cost),
  };
}
