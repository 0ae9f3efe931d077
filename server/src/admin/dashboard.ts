import { desc, eq, inArray } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { Catalog } from "../routing/catalog.ts";
import { rangeWindow, type DashboardRange, type RangeWindow } from "./dashboard-range.ts";
import { LogScanner } from "./dashboard-scan.ts";
import { DashboardTally, type LatencyPercentiles, type ProviderTally } from "./dashboard-tally.ts";
import { percentile } from "./percentiles.ts";
import { PriceBook } from "./prices.ts";
import { roundCosts, type Costs } from "../core/cost.ts";
import type { CacheTotals } from "./dashboard-cache-tally.ts";

/** An answer is reused this long: the UI polls, and a 30-day answer reads every row of the period. */
const CACHE_MS = 5_000;
/** Entries in the top-keys and top-user-agents lists. */
const TOP_ENTRIES = 10;

export interface DashboardTotals extends LatencyPercentiles {
  requests: number;
  success: number;
  /** Requests none of whose attempts succeeded, rejected calls included. */
  errors: number;
  /** Of the errors: calls refused before routing (bad key, lockout, quota, malformed body, unknown model …). */
  rejected: number;
  /** success / requests; 0 without requests. */
  successRate: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Of the prompt tokens: written to the prompt cache. */
  cacheWriteTokens: number;
  /** Cost per currency, from the prices snapshotted into each log row (today's prices for rows logged before snapshots). */
  costs: Costs;
  /** The response cache: hits, misses, and the tokens and cost the hits saved. */
  cache: CacheTotals;
}

/** One bucket of the series; `t` is its start (epoch ms). */
export interface DashboardPoint extends LatencyPercentiles {
  t: number;
  requests: number;
  errors: number;
  rejected: number;
  promptTokens: number;
  completionTokens: number;
  costs: Costs;
}

/**
 * The dashboard of one range. Requests and errors count client requests (traces): a request
 * is an error when none of its attempts succeeded. Calls rejected before routing count too, each
 * folded row for as many calls as it stands for (`repeat_count`). Tokens, cost and latency come from the
 * successful attempts; token counting calls (`count_tokens`) are requests but spend no tokens.
 * `byModel` is by configured model (the names clients sent, resolved through aliases and globs).
 * `byProvider` counts attempts: a provider's failure shows even when another provider rescued
 * the request.
 */
export interface Dashboard {
  range: RangeWindow;
  totals: DashboardTotals;
  series: DashboardPoint[];
  byModel: Array<{ model: string; requests: number; errors: number; tokens: number; costs: Costs }>;
  byProvider: Array<{ providerId: number; providerName: string; requests: number; errors: number; tokens: number; costs: Costs; firstByteP50: number | null }>;
  /** `authKeyId` null: the admin token. */
  topKeys: Array<{ authKeyId: number | null; name: string; requests: number; tokens: number }>;
  topUserAgents: Array<{ userAgent: string | null; requests: number }>;
}

/** Traffic, tokens, cost and latency over today, 7 or 30 days, from the request log. */
export class DashboardService {
  private readonly scanner: LogScanner;
  private readonly cache = new Map<DashboardRange, { expiresAt: number; answer: Promise<Dashboard> }>();

  constructor(
    private readonly db: AppDatabase,
    private readonly catalog: Catalog,
    /** Rows per query (small in tests, to cross chunk boundaries). */
    chunkRows?: number,
  ) {
    this.scanner = new LogScanner(db, chunkRows);
  }

  /** New requests were logged: today's view is cheap to recompute, so it is never stale. */
  forgetToday(): void {
    this.cache.delete("today");
  }

  /** The dashboard as of now, reused for a few seconds (callers during a computation share it). */
  dashboard(range: DashboardRange): Promise<Dashboard> {
    const now = Date.now();
    const cached = this.cache.get(range);
    if (cached && cached.expiresAt > now) return cached.answer;
    const entry = { expiresAt: now + CACHE_MS, answer: this.build(range, now) };
    this.cache.set(range, entry);
    entry.answer.catch(() => {
      if (this.cache.get(range) === entry) this.cache.delete(range);
    });
    return entry.answer;
  }

  /** Computes the dashboard as of `now`, uncached: one pass over the period's rows. */
  async build(range: DashboardRange, now: number): Promise<Dashboard> {
    const window = rangeWindow(range, now);
    const publicName = async (logged: string) => (await this.catalog.route(logged))?.model.name ?? logged;
    const tally = new DashboardTally(window, await PriceBook.load(this.db), publicName);
    for await (const rows of this.scanner.chunks(window)) await tally.addAll(rows);

    const { totals } = tally;
    const success = totals.requests - totals.errors;
    return {
      range: window,
      totals: {
        requests: totals.requests,
        success,
        errors: totals.errors,
        rejected: totals.rejected,
        successRate: totals.requests === 0 ? 0 : success / totals.requests,
        promptTokens: totals.promptTokens,
        completionTokens: totals.completionTokens,
        cachedTokens: totals.cachedTokens,
        cacheWriteTokens: totals.cacheWriteTokens,
        costs: roundCosts(totals.costs),
        cache: tally.cache.totals(),
        ...totals.latency(),
      },
      series: tally.buckets.map((bucket, index) => ({
        t: window.from + index * window.bucketMs,
        requests: bucket.requests,
        errors: bucket.errors,
        rejected: bucket.rejected,
        promptTokens: bucket.promptTokens,
        completionTokens: bucket.completionTokens,
        costs: roundCosts(bucket.costs),
        ...bucket.latency(),
      })),
      byModel: [...tally.byModel]
        .map(([model, entry]) => ({ model, ...entry, costs: roundCosts(entry.costs) }))
        .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
      byProvider: await this.providerRows(tally.byProvider),
      topKeys: await this.keyRows(tally.byKey),
      topUserAgents: [...tally.byAgent]
        .map(([userAgent, requests]) => ({ userAgent, requests }))
        .sort((a, b) => b.requests - a.requests)
        .slice(0, TOP_ENTRIES),
    };
  }

  private async providerRows(byProvider: Map<number, ProviderTally>): Promise<Dashboard["byProvider"]> {
    const { providers } = this.db.tables;
    const ids = [...byProvider.keys()];
    const names = new Map(
      ids.length === 0
        ? []
        : (await this.db.orm.select({ id: providers.id, name: providers.name }).from(providers).where(inArray(providers.id, ids))).map((row) => [row.id, row.name]),
    );
    const rows = await Promise.all(
      [...byProvider].map(async ([providerId, tally]) => ({
        providerId,
        providerName: names.get(providerId) ?? (await this.loggedProviderName(providerId)),
        requests: tally.requests,
        errors: tally.errors,
        tokens: tally.tokens,
        costs: roundCosts(tally.costs),
        firstByteP50: percentile(tally.firstByte.sorted(), 0.5),
      })),
    );
    return rows.sort((a, b) => b.requests - a.requests || a.providerId - b.providerId);
  }

  /** A deleted provider's name as its latest log row has it. */
  private async loggedProviderName(providerId: number): Promise<string> {
    const { requestLogs } = this.db.tables;
    const row = await first(
      this.db.orm
        .select({ name: requestLogs.providerName })
        .from(requestLogs)
        .where(eq(requestLogs.providerId, providerId))
        .orderBy(desc(requestLogs.createdAt))
        .limit(1),
    );
    return row?.name ?? `provider ${providerId}`;
  }

  private async keyRows(byKey: Map<number | null, { requests: number; tokens: number }>): Promise<Dashboard["topKeys"]> {
    const { authKeys } = this.db.tables;
    const top = [...byKey]
      .map(([authKeyId, tally]) => ({ authKeyId, ...tally }))
      .sort((a, b) => b.requests - a.requests || b.tokens - a.tokens)
      .slice(0, TOP_ENTRIES);
    const ids = top.map((entry) => entry.authKeyId).filter((id) => id !== null);
    const names = new Map(
      ids.length === 0
        ? []
        : (await this.db.orm.select({ id: authKeys.id, name: authKeys.name }).from(authKeys).where(inArray(authKeys.id, ids))).map((row) => [row.id, row.name]),
    );
    return top.map(({ authKeyId, requests, tokens }) => ({
      authKeyId,
      name: authKeyId === null ? "admin token" : (names.get(authKeyId) ?? `deleted key ${authKeyId}`),
      requests,
      tokens,
    }));
  }
}
