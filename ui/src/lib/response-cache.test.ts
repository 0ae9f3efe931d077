import { describe, expect, it } from "vitest";
import { setLocale } from "./i18n/index.ts";
import { cacheActive, cacheTtlLabel, isCacheHit, memoryUse } from "./response-cache.ts";

const noSavings = { USD: 0, CNY: 0 };

describe("response cache display", () => {
  it("says Off for a TTL of 0, else the duration", () => {
    setLocale("en");
    expect(cacheTtlLabel(0)).toBe("Off");
    expect(cacheTtlLabel(600)).toBe("10 min");
    expect(cacheTtlLabel(86_400)).toBe("24 h");
  });

  it("measures memory use against the bound, clamped to 0…1", () => {
    expect(memoryUse({ memoryBytes: 16 * 1024 ** 2, memoryMaxBytes: 64 * 1024 ** 2 })).toBe(0.25);
    expect(memoryUse({ memoryBytes: 80, memoryMaxBytes: 64 })).toBe(1);
    expect(memoryUse({ memoryBytes: 10, memoryMaxBytes: 0 })).toBe(0);
  });

  it("tells hit rows apart from misses and rows of models without the cache", () => {
    expect(isCacheHit({ cacheStatus: "hit" })).toBe(true);
    expect(isCacheHit({ cacheStatus: "miss" })).toBe(false);
    expect(isCacheHit({ cacheStatus: null })).toBe(false);
  });

  it("shows the dashboard's cache row once a caching model saw traffic", () => {
    expect(cacheActive({ cache: { hits: 0, misses: 0, hitRate: 0, savedTokens: 0, savedCosts: noSavings } })).toBe(false);
    expect(cacheActive({ cache: { hits: 0, misses: 3, hitRate: 0, savedTokens: 0, savedCosts: noSavings } })).toBe(true);
  });
});
