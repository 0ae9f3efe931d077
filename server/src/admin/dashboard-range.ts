const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The periods the dashboard shows. */
export { DASHBOARD_RANGES as dashboardRanges, type DashboardRange } from "@llmio/contract";
import type { DashboardRange } from "@llmio/contract";

/** A period split into equal buckets: `[from, to)`, bucket k starts at `from + k × bucketMs`. */
export interface RangeWindow {
  from: number;
  to: number;
  bucketMs: number;
}

/** Calendar days covered and bucket size of each range; every range ends now. */
const SHAPES: Record<DashboardRange, { days: number; bucketMs: number }> = {
  today: { days: 1, bucketMs: HOUR_MS },
  "7d": { days: 7, bucketMs: 6 * HOUR_MS },
  "30d": { days: 30, bucketMs: DAY_MS },
};

/**
 * The window of a range: from local midnight (the server's time zone) of the first day, so
 * buckets fall on whole hours, quarter days or days. Across a daylight-saving change the
 * buckets keep their fixed length and drift by that hour.
 */
export function rangeWindow(range: DashboardRange, now: number): RangeWindow {
  const { days, bucketMs } = SHAPES[range];
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (days - 1));
  return { from: start.getTime(), to: now, bucketMs };
}

/** Local midnight of the day `now` falls on. */
export function startOfLocalDay(now: number): number {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  return start.getTime();
}

/** How many buckets the window has (the last one may be partial). */
export function bucketCount(window: RangeWindow): number {
  return Math.max(1, Math.ceil((window.to - window.from) / window.bucketMs));
}
