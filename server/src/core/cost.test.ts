import { describe, expect, test } from "bun:test";
import { attemptCost, roundCosts, roundMoney } from "./cost.ts";

const prices = { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 };

describe("attemptCost", () => {
  test("uncached, cached, cache-written input and output, each at its price per 1M tokens", () => {
    // 1,000,000 prompt tokens of which 200,000 read from the cache and 300,000 written to it.
    const cost = attemptCost(prices, { promptTokens: 1_000_000, cachedTokens: 200_000, cacheWriteTokens: 300_000, completionTokens: 100_000 });
    expect(roundMoney(cost)).toBe(roundMoney(0.5 * 3 + 0.2 * 0.3 + 0.3 * 3.75 + 0.1 * 15));
  });

  test("reasoning tokens are part of the output tokens: billed once, at the output price", () => {
    // 1,000 output tokens of which 800 reasoning: the same cost as 1,000 plain output tokens.
    expect(attemptCost(prices, { promptTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, completionTokens: 1_000 })).toBeCloseTo(0.015, 12);
  });

  test("more cached than prompt tokens (a confused upstream) is never a refund", () => {
    expect(attemptCost(prices, { promptTokens: 10, cachedTokens: 50, cacheWriteTokens: 0, completionTokens: 0 })).toBeCloseTo(50 * 0.3 / 1_000_000, 12);
  });

  test("free prices cost nothing", () => {
    expect(attemptCost({ input: 0, cachedInput: 0, cacheWrite: 0, output: 0 }, { promptTokens: 5, cachedTokens: 1, cacheWriteTokens: 1, completionTokens: 5 })).toBe(0);
  });
});

test("roundCosts rounds each currency to a millionth", () => {
  expect(roundCosts({ USD: 0.1 + 0.2, CNY: 1 / 3 })).toEqual({ USD: 0.3, CNY: 0.333333 });
});
