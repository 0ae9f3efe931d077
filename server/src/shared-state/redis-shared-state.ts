import type { SharedRouting } from "../routing/shared-routing.ts";
import { IpLockout, type IpLockoutOptions } from "../auth/ip-lockout.ts";
import { RedisChangeBus } from "../lib/change-bus.ts";
import { RedisConnection } from "../lib/redis-connection.ts";
import { BREAKER_FAILURE, RedisHealthSync } from "./redis-health.ts";
import { ADMIT, RELEASE, SNAPSHOT } from "./redis-limit-scripts.ts";
import { RedisLimits } from "./redis-limits.ts";
import type { QuotaLedger } from "../auth/quota-ledger.ts";
import { RedisQuotaLedger } from "./redis-quota-ledger.ts";
import { QUOTA_ADMIT, QUOTA_SETTLE, QUOTA_SNAPSHOT } from "./redis-quota-scripts.ts";
import { IP_FAILURE, RedisLockoutSync } from "./redis-lockout.ts";
import { RedisSticky } from "./redis-sticky.ts";
import type { SharedState } from "./shared-state.ts";

export interface RedisSharedStateOptions {
  /** Before every key and the channel name (default `llmio:`). */
  prefix?: string;
  /** The longest one Redis command may hold a request up (default 500 ms). */
  commandTimeoutMs?: number;
  /** How long a running attempt's concurrency slot (and a call's quota lease) outlives an instance that crashed (default 5 minutes). */
  leaseTtlMs?: number;
  /** How often an unreachable Redis is tried again (default 1 s). */
  retryMs?: number;
}

const SCRIPTS = [ADMIT, RELEASE, SNAPSHOT, BREAKER_FAILURE, IP_FAILURE, QUOTA_ADMIT, QUOTA_SETTLE, QUOTA_SNAPSHOT];

/** Shared state in Redis; see `SharedState`. */
export class RedisSharedState implements SharedState {
  readonly mode = "redis";
  readonly changes: RedisChangeBus;
  readonly routing: SharedRouting;
  readonly quotas: QuotaLedger;

  private constructor(readonly connection: RedisConnection, leaseTtlMs: number) {
    this.changes = new RedisChangeBus(connection);
    this.quotas = new RedisQuotaLedger(connection, leaseTtlMs);
    this.routing = {
      limits: (wake) => new RedisLimits(connection, wake, leaseTtlMs),
      sticky: (local) => new RedisSticky(connection, local),
      shareHealth: (registry) => void new RedisHealthSync(connection, registry),
    };
  }

  /** Connects and loads the scripts; an unreachable Redis is retried in the background meanwhile. */
  static async connect(url: string, options: RedisSharedStateOptions = {}): Promise<RedisSharedState> {
    const connection = await RedisConnection.open(url, {
      prefix: options.prefix ?? "llmio:",
      commandTimeoutMs: options.commandTimeoutMs,
      retryMs: options.retryMs,
      scripts: SCRIPTS,
    });
    return new RedisSharedState(connection, options.leaseTtlMs ?? 5 * 60_000);
  }

  /** Whether Redis answers right now (else every decision is local). */
  get available(): boolean {
    return this.connection.available;
  }

  lockout(options?: IpLockoutOptions): IpLockout {
    const sync = new RedisLockoutSync(this.connection);
    const lockout = new IpLockout(options, sync);
    sync.attach(lockout);
    return lockout;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
