import { toQueryString } from "./api-client.ts";
import { CACHE_STATUSES } from "@llmio/contract/enums";
import type { CacheStatus } from "@llmio/contract";

/** Preset time windows of the logs page; "custom" uses `from`/`to`. */
export type LogRange = "15m" | "1h" | "24h" | "7d" | "30d" | "all" | "custom";

/** What the logs page filters on; it lives in the page URL so a filtered view can be shared. */
export interface LogFilter {
  range: LogRange;
  /** Epoch ms, only with range "custom". */
  from?: number;
  to?: number;
  model?: string;
  providerId?: number;
  status?: "success" | "error";
  authKeyId?: number;
  traceId?: string;
  clientProtocol?: string;
  /** The client's session id (exact). */
  sessionId?: string;
  /** A row reason (`unknown_key`, `timeout` …) or `rejected` for every call refused before routing. */
  reason?: string;
  /** Response cache hits (served from it) or misses (looked up, then the upstream called). */
  cacheStatus?: CacheStatus;
}

export const LOG_RANGES: LogRange[] = ["15m", "1h", "24h", "7d", "30d", "all", "custom"];
export const DEFAULT_LOG_FILTER: LogFilter = { range: "24h" };
export const LOG_PAGE_SIZE = 50;

const RANGE_MS: Record<Exclude<LogRange, "all" | "custom">, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** The `from`/`to` bounds a filter means at time `now`. */
export function timeBounds(filter: LogFilter, now: number): { from?: number; to?: number } {
  if (filter.range === "all") return {};
  if (filter.range === "custom") return { from: filter.from, to: filter.to };
  return { from: now - RANGE_MS[filter.range] };
}

/**
 * The `/api/logs` query string for a filter: keyset pagination by `cursor` (rows with a
 * smaller id), trimmed text fields, blank fields left out.
 */
export function logQueryString(filter: LogFilter, options: { now: number; cursor?: number | null; pageSize?: number }): string {
  const { from, to } = timeBounds(filter, options.now);
  return toQueryString({
    pageSize: options.pageSize ?? LOG_PAGE_SIZE,
    cursor: options.cursor ?? undefined,
    from,
    to,
    model: filter.model?.trim(),
    providerId: filter.providerId,
    status: filter.status,
    authKeyId: filter.authKeyId,
    traceId: filter.traceId?.trim(),
    clientProtocol: filter.clientProtocol,
    sessionId: filter.sessionId?.trim(),
    reason: filter.reason,
    cacheStatus: filter.cacheStatus,
  });
}

/** The page URL's search params for a filter (defaults left out, so the plain URL means the default). */
export function filterToSearch(filter: LogFilter): Record<string, string | undefined> {
  return {
    range: filter.range === DEFAULT_LOG_FILTER.range ? undefined : filter.range,
    from: filter.range === "custom" && filter.from !== undefined ? String(filter.from) : undefined,
    to: filter.range === "custom" && filter.to !== undefined ? String(filter.to) : undefined,
    model: filter.model || undefined,
    provider: filter.providerId === undefined ? undefined : String(filter.providerId),
    status: filter.status,
    key: filter.authKeyId === undefined ? undefined : String(filter.authKeyId),
    trace: filter.traceId || undefined,
    protocol: filter.clientProtocol || undefined,
    session: filter.sessionId || undefined,
    reason: filter.reason || undefined,
    cache: filter.cacheStatus,
  };
}

/** The filter a page URL describes; anything unreadable falls back to the default. */
export function filterFromSearch(search: Record<string, string | string[] | undefined>): LogFilter {
  const text = (name: string) => {
    const value = search[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first?.trim() || undefined;
  };
  const integer = (name: string) => {
    const value = text(name);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const range = text("range") as LogRange | undefined;
  const status = text("status");
  const filter: LogFilter = { range: range && LOG_RANGES.includes(range) ? range : DEFAULT_LOG_FILTER.range };
  if (filter.range === "custom") {
    filter.from = integer("from");
    filter.to = integer("to");
  }
  const model = text("model");
  if (model) filter.model = model;
  const providerId = integer("provider");
  if (providerId !== undefined) filter.providerId = providerId;
  if (status === "success" || status === "error") filter.status = status;
  const authKeyId = integer("key");
  if (authKeyId !== undefined) filter.authKeyId = authKeyId;
  const traceId = text("trace");
  if (traceId) filter.traceId = traceId;
  const protocol = text("protocol");
  if (protocol) filter.clientProtocol = protocol;
  const sessionId = text("session");
  if (sessionId) filter.sessionId = sessionId;
  const reason = text("reason");
  if (reason) filter.reason = reason;
  const cache = text("cache");
  const cacheStatus = CACHE_STATUSES.find((status) => status === cache);
  if (cacheStatus) filter.cacheStatus = cacheStatus;
  return filter;
}

/** How many filters beyond the time range are set (for the "filters (2)" badge). */
export function activeFilterCount(filter: LogFilter): number {
  return [filter.model, filter.providerId, filter.status, filter.authKeyId, filter.traceId, filter.clientProtocol, filter.sessionId, filter.reason, filter.cacheStatus].filter((value) => value !== undefined && value !== "").length;
}
