import type { CacheStatus } from "@llmio/contract";
import { noCosts, roundCosts, type Costs } from "../core/cost.ts";
import type { Currency } from "../db/schema.ts";

/** The dashboard's response cache figures (contract `DashboardTotals.cache`). */
export interface CacheTotals {
  hits: number;
  misses: number;
  /** hits / (hits + misses); 0 without either. */
  hitRate: number;
  savedTokens: number;
  savedCosts: Costs;
}

/**
 * The response cache over a period: requests served from it, requests of caching models that
 * called the upstream, and what the hits would have cost. The caller counts each request once
 * (at the row it counts the request at), so a miss retried on a second provider is one miss.
 */
export class CacheTally {
  private hits = 0;
  private misses = 0;
  private savedTokens = 0;
  private readonly savedCosts = noCosts();

  /** One request's cache status, as logged on the row the request is counted at. */
  countRequest(status: CacheStatus | null, calls: number): void {
    if (status === "hit") this.hits += calls;
    else if (status === "miss") this.misses += calls;
  }

  /** A hit's savings: the original answer's tokens and its cost in the row's currency (none without one). */
  addSavings(tokens: number, cost: number | null, currency: Currency | null): void {
    this.savedTokens += tokens;
    if (cost !== null && currency !== null) this.savedCosts[currency] += cost;
  }

  totals(): CacheTotals {
    const looked = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: looked === 0 ? 0 : this.hits / looked,
      savedTokens: this.savedTokens,
      savedCosts: roundCosts(this.savedCosts),
    };
  }
}
