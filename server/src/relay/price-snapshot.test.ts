import { expect, test } from "bun:test";
import { priceSnapshot } from "./price-snapshot.ts";

const prices = { input: 2, cachedInput: 0.5, cacheWrite: 2.5, output: 8, currency: "CNY" as const };

test("a log row keeps the association's prices, currency and the cost of its tokens", () => {
  const row = { endpoint: "chat" as const, promptTokens: 1_000, cachedTokens: 100, cacheWriteTokens: 200, completionTokens: 50 };
  expect(priceSnapshot(prices, row)).toEqual({
    priceInput: 2,
    priceCachedInput: 0.5,
    priceCacheWrite: 2.5,
    priceOutput: 8,
    currency: "CNY",
    cost: (700 * 2 + 100 * 0.5 + 200 * 2.5 + 50 * 8) / 1_000_000,
  });
});

test("a failed attempt without tokens costs 0 but still records the prices", () => {
  expect(priceSnapshot(prices, { status: "error" })).toMatchObject({ priceInput: 2, currency: "CNY", cost: 0 });
});

test("token counting spends no tokens", () => {
  expect(priceSnapshot(prices, { endpoint: "count_tokens", promptTokens: 5_000 })).toMatchObject({ cost: 0 });
});

test("no prices (a candidate built without them): no snapshot", () => {
  expect(priceSnapshot(undefined, { promptTokens: 5 })).toEqual({});
});
