import type { Currency } from "../db/schema.ts";

/** An association's prices per 1M tokens, in one currency. */
export interface Prices {
  input: number;
  /** Input tokens read from the prompt cache. */
  cachedInput: number;
  /** Input tokens written to the prompt cache (Anthropic's cache creation). */
  cacheWrite: number;
  output: number;
  currency: Currency;
}

/** The tokens a cost is computed from; `promptTokens` includes the cached and cache-written ones. */
export interface BilledTokens {
  promptTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  completionTokens: number;
}

/**
 * Cost of one attempt, in the prices' currency:
 * (input − cached − cacheWrite)·pIn + cached·pCached + cacheWrite·pCacheWrite + output·pOut, per 1M tokens.
 * Reasoning tokens are not priced apart: every wire protocol the gateway speaks reports them as part of
 * the output tokens (OpenAI `completion_tokens_details.reasoning_tokens`, Gemini's thoughts are added to
 * output by the decoder), so they are billed at the output price once. Uncached input never goes below 0
 * (an upstream reporting more cached than prompt tokens is not paid back).
 */
export function attemptCost(prices: Omit<Prices, "currency">, tokens: BilledTokens): number {
  const uncached = Math.max(0, tokens.promptTokens - tokens.cachedTokens - tokens.cacheWriteTokens);
  return (
    (uncached * prices.input + tokens.cachedTokens * prices.cachedInput + tokens.cacheWriteTokens * prices.cacheWrite + tokens.completionTokens * prices.output) /
    1_000_000
  );
}

/** Costs to a millionth of the currency unit: sums of floats would show 0.30000000000000004. */
export function roundMoney(value: number): number {
  return Math.round(value * 1_000_000) / 1_000_000;
}


/** Amounts per currency: sums never mix currencies. */
export type Costs = Record<Currency, number>;

export const noCosts = (): Costs => ({ USD: 0, CNY: 0 });

/** Each amount rounded with `roundMoney`. */
export function roundCosts(costs: Costs): Costs {
  return { USD: roundMoney(costs.USD), CNY: roundMoney(costs.CNY) };
}
