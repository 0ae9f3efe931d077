import type { RangeWindow } from "./dashboard-range.ts";
import { bucketCount } from "./dashboard-range.ts";
import { SCAN_MODEL, type ScanRow } from "./dashboard-scan.ts";
import { IntegerList, percentile } from "./percentiles.ts";
import { attemptCost, noCosts, type Costs } from "../core/cost.ts";
import type { PriceBook } from "./prices.ts";
import { callerUnknown, isRejection } from "../db/log-reasons.ts";
import type { Currency } from "../db/schema.ts";
import { CacheTally } from "./dashboard-cache-tally.ts";

/** Latency percentiles of successful attempts, in ms; null when there were none. */
export interface LatencyPercentiles {
  firstByteP50: number | null;
  firstByteP95: number | null;
  durationP50: number | null;
  durationP95: number | null;
}

/** Sums for one bucket or the whole period. */
export class PeriodTally {
  requests = 0;
  errors = 0;
  /** Errors that were calls refused before routing (bad key, lockout, quota, malformed, unknown model …). */
  rejected = 0;
  promptTokens = 0;
  completionTokens = 0;
  cachedTokens = 0;
  cacheWriteTokens = 0;
  /** Per currency: a USD and a CNY amount never add up. */
  readonly costs = noCosts();
  private readonly firstByte = new IntegerList();
  private readonly duration = new IntegerList();

  /** A successful attempt's tokens, cost and timings. */
  add(promptTokens: number, completionTokens: number, cachedTokens: number, cacheWriteTokens: number, cost: AttemptCost, durationMs: number, firstByteMs: number | null): void {
    this.promptTokens += promptTokens;
    this.completionTokens += completionTokens;
    this.cachedTokens += cachedTokens;
    this.cacheWriteTokens += cacheWriteTokens;
    this.costs[cost.currency] += cost.amount;
    this.duration.push(durationMs);
    if (firstByteMs !== null) this.firstByte.push(firstByteMs);
  }

  latency(): LatencyPercentiles {
    const firstByte = this.firstByte.sorted();
    const duration = this.duration.sorted();
    return {
      firstByteP50: percentile(firstByte, 0.5),
      firstByteP95: percentile(firstByte, 0.95),
      durationP50: percentile(duration, 0.5),
      durationP95: percentile(duration, 0.95),
    };
  }
}

export interface ModelTally {
  requests: number;
  errors: number;
  tokens: number;
  costs: Costs;
}

export interface ProviderTally {
  requests: number;
  errors: number;
  tokens: number;
  costs: Costs;
  firstByte: IntegerList;
}

/** One attempt's cost in its currency. */
interface AttemptCost {
  amount: number;
  currency: Currency;
}

/**
 * Everything the dashboard sums, fed one log row at a time. A request (trace) is counted once:
 * at its successful attempt, or, when none succeeded, at its first attempt as an error. That
 * holds because the relay logs an attempt 0 for every request it tried and stops at the first
 * success. Token counting calls are requests without tokens, cost or latency. A response cache
 * hit (no provider, no upstream tokens) is a successful request whose savings go to `cache` and
 * whose replay time stays out of the upstream latency percentiles.
 */
export class DashboardTally {
  readonly totals = new PeriodTally();
  readonly buckets: PeriodTally[];
  readonly byModel = new Map<string, ModelTally>();
  readonly byProvider = new Map<number, ProviderTally>();
  readonly byKey = new Map<number | null, { requests: number; tokens: number }>();
  readonly byAgent = new Map<string | null, number>();
  readonly cache = new CacheTally();
  /** Logged model name → configured model name, resolved once per name. */
  private readonly publicNames = new Map<string, string>();

  constructor(
    private readonly window: RangeWindow,
    private readonly prices: PriceBook,
    /** The configured model a logged model name belongs to. */
    private readonly publicName: (logged: string) => Promise<string>,
  ) {
    this.buckets = Array.from({ length: bucketCount(window) }, () => new PeriodTally());
  }

  /** Adds a chunk of rows; the names it brings are resolved first, so `add` stays synchronous. */
  async addAll(rows: ScanRow[]): Promise<void> {
    for (const row of rows) {
      const logged = row[SCAN_MODEL];
      if (!this.publicNames.has(logged)) this.publicNames.set(logged, await this.publicName(logged));
    }
    for (const row of rows) this.add(row);
  }

  private add(row: ScanRow): void {
    const [createdAt, , succeeded, attempt, providerId, firstByteMs, durationMs, promptTokens, completionTokens, cachedTokens, countingTokens, modelName, providerModel, authKeyId, userAgent, repeatCount, reason, succeededLater, cacheWriteTokens, snapshotCost, snapshotCurrency, cacheStatus, savedTokens, savedCost] = row;
    const bucket = this.buckets[Math.floor((createdAt - this.window.from) / this.window.bucketMs)];
    const publicName = this.publicNames.get(modelName)!;
    // A call rejected before its body was read names no model.
    const model = modelName === "" ? undefined : this.model(publicName);
    // A cache hit called no provider, whatever the row names.
    const provider = providerId === null || cacheStatus === "hit" ? undefined : this.provider(providerId);
    if (provider) provider.requests++;
    if (!succeeded) {
      if (provider) provider.errors++;
      if (attempt === 0 && !succeededLater) {
        // A rejected call may stand for many (folded per minute); one without a valid key belongs to no key.
        const calls = Math.max(1, Number(repeatCount));
        this.countRequest(bucket, model, callerUnknown(reason) ? undefined : authKeyId, userAgent, true, calls);
        this.cache.countRequest(cacheStatus, calls);
        if (isRejection(reason)) {
          bucket.rejected += calls;
          this.totals.rejected += calls;
        }
      }
      return;
    }
    this.countRequest(bucket, model, authKeyId, userAgent, false);
    this.cache.countRequest(cacheStatus, 1);
    if (cacheStatus === "hit") {
      this.cache.addSavings(savedTokens, savedCost, snapshotCurrency);
      return;
    }
    if (countingTokens) return;
    const cost = snapshotCost !== null && snapshotCurrency !== null
      ? { amount: snapshotCost, currency: snapshotCurrency }
      : this.costAtTodaysPrices(publicName, providerId, providerModel, { promptTokens, cachedTokens, cacheWriteTokens, completionTokens });
    const tokens = promptTokens + completionTokens;
    bucket.add(promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cost, durationMs, firstByteMs);
    this.totals.add(promptTokens, completionTokens, cachedTokens, cacheWriteTokens, cost, durationMs, firstByteMs);
    if (model) {
      model.tokens += tokens;
      model.costs[cost.currency] += cost.amount;
    }
    this.byKey.get(authKeyId)!.tokens += tokens;
    if (provider) {
      provider.tokens += tokens;
      provider.costs[cost.currency] += cost.amount;
      if (firstByteMs !== null) provider.firstByte.push(firstByteMs);
    }
  }

  /** A row logged before prices were snapshotted: its association's prices of today. */
  private costAtTodaysPrices(publicName: string, providerId: number | null, providerModel: string | null, tokens: Parameters<typeof attemptCost>[1]): AttemptCost {
    const prices = this.prices.lookup(publicName, providerId, providerModel);
    return { amount: attemptCost(prices, tokens), currency: prices.currency };
  }

  /** Counts `calls` requests; a model or key left undefined is not credited (a rejected call without one). */
  private countRequest(bucket: PeriodTally, model: ModelTally | undefined, authKeyId: number | null | undefined, userAgent: string | null, failed: boolean, calls = 1): void {
    bucket.requests += calls;
    this.totals.requests += calls;
    if (model) model.requests += calls;
    if (failed) {
      bucket.errors += calls;
      this.totals.errors += calls;
      if (model) model.errors += calls;
    }
    if (authKeyId !== undefined) {
      const key = this.byKey.get(authKeyId);
      if (key) key.requests += calls;
      else this.byKey.set(authKeyId, { requests: calls, tokens: 0 });
    }
    this.byAgent.set(userAgent, (this.byAgent.get(userAgent) ?? 0) + calls);
  }

  private model(name: string): ModelTally {
    let model = this.byModel.get(name);
    if (!model) this.byModel.set(name, (model = { requests: 0, errors: 0, tokens: 0, costs: noCosts() }));
    return model;
  }

  private provider(providerId: number): ProviderTally {
    let provider = this.byProvider.get(providerId);
    if (!provider) this.byProvider.set(providerId, (provider = { requests: 0, errors: 0, tokens: 0, costs: noCosts(), firstByte: new IntegerList() }));
    return provider;
  }
}
