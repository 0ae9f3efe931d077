import type { DashboardPoint, DashboardRange } from "@llmio/contract";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Calendar days each range covers (the server's windows start at local midnight of the first day). */
export const RANGE_DAYS: Record<DashboardRange, number> = { today: 1, "7d": 7, "30d": 30 };

/** The numeric fields of a bucket that the charts draw. */
export type ChartField = Exclude<keyof DashboardPoint, "t" | "costs">;

/** A chart bucket; null values are gaps (buckets still in the future, latencies without successes). */
export type ChartPoint = { t: number } & { [Field in ChartField]: DashboardPoint[Field] | null };

/**
 * The series over the whole period: the server sends buckets up to now; the rest of the
 * period is added as gaps (so "today" always spans the whole day), and missing past buckets
 * as zeros.
 */
export function fillSeries(series: DashboardPoint[], window: { from: number; to: number; bucketMs: number }, days: number): ChartPoint[] {
  const byTime = new Map(series.map((point) => [point.t, point]));
  const end = window.from + days * DAY;
  const filled: ChartPoint[] = [];
  for (let t = window.from; t < end && window.bucketMs > 0; t += window.bucketMs) {
    const point = byTime.get(t);
    if (point) {
      filled.push(chartPoint(point));
      byTime.delete(t);
    } else {
      const future = t > window.to;
      const count = future ? null : 0;
      filled.push({ t, requests: count, errors: count, rejected: count, promptTokens: count, completionTokens: count, firstByteP50: null, firstByteP95: null, durationP50: null, durationP95: null });
    }
  }
  // Buckets off the grid (a daylight-saving shift) are kept as they are.
  return [...filled, ...[...byTime.values()].map(chartPoint)].sort((a, b) => a.t - b.t);
}

/** A bucket without its costs (per currency, not a chart value). */
function chartPoint({ costs: _costs, ...point }: DashboardPoint): ChartPoint {
  return point;
}

/** x values and one y array per field, for the charts. */
export function chartColumns(series: ChartPoint[], fields: ChartField[]): { x: number[]; y: (number | null)[][] } {
  return {
    x: series.map((point) => point.t),
    y: fields.map((field) => series.map((point) => point[field] ?? null)),
  };
}

/** Axis / hover label of a bucket: "14:00" for hourly buckets, "06-12 18:00" for 6 h, "06-12" for days. */
export function bucketLabel(ms: number, bucketMs: number, tag: string): string {
  const date = new Date(ms);
  const day = date.toLocaleDateString(tag, { month: "2-digit", day: "2-digit" });
  const time = date.toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  if (bucketMs >= DAY) return day;
  if (bucketMs >= 6 * HOUR) return `${day} ${time}`;
  return time;
}

/** Axis tick label: the time for hourly buckets; for longer ones the date at midnight, else the time. */
export function tickLabel(ms: number, bucketMs: number, tag: string): string {
  const date = new Date(ms);
  const midnight = date.getHours() === 0 && date.getMinutes() === 0;
  if (bucketMs >= 6 * HOUR && midnight) return date.toLocaleDateString(tag, { month: "2-digit", day: "2-digit" });
  return date.toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

/** errors / requests, or null without requests. */
export function errorRate(requests: number, errors: number): number | null {
  return requests > 0 ? errors / requests : null;
}

/** Share of the largest value, for the inline bars of ranking tables (0..1). */
export function relativeShare(value: number, values: number[]): number {
  const max = Math.max(0, ...values);
  return max > 0 ? value / max : 0;
}

/** A user agent without its parenthesised details: "claude-cli/2.1.3 (external, cli)" → "claude-cli/2.1.3". */
export function shortUserAgent(userAgent: string | null | undefined): string {
  if (!userAgent?.trim()) return "—";
  const short = userAgent.replace(/\s*\([^)]*\)/g, "").replace(/\s+/g, " ").trim() || userAgent.trim();
  return short.length > 48 ? `${short.slice(0, 47)}…` : short;
}
