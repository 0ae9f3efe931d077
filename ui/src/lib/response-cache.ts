import { formatDuration } from "./format.ts";
import { t } from "./i18n/index.ts";
import type { CacheStats, DashboardTotals, LogRow } from "@llmio/contract";

/** A model's cache TTL for people: "Off", or how long answers are reused ("10 min", "1 h"). */
export function cacheTtlLabel(seconds: number): string {
  return seconds > 0 ? formatDuration(seconds * 1000) : t("common.off");
}

/** How full this instance's cache memory is, 0…1 (0 without a bound). */
export function memoryUse(stats: Pick<CacheStats, "memoryBytes" | "memoryMaxBytes">): number {
  if (stats.memoryMaxBytes <= 0) return 0;
  return Math.min(1, Math.max(0, stats.memoryBytes / stats.memoryMaxBytes));
}

/** A log row served from the response cache (no provider, no upstream tokens; what it saved instead). */
export function isCacheHit(row: Pick<LogRow, "cacheStatus">): boolean {
  return row.cacheStatus === "hit";
}

/** The dashboard shows its cache row once a caching model saw traffic in the range. */
export function cacheActive(totals: Pick<DashboardTotals, "cache">): boolean {
  return totals.cache.hits + totals.cache.misses > 0;
}
