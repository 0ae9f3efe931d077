import type { SharedRouting } from "../routing/shared-routing.ts";
import { IpLockout, type IpLockoutOptions } from "../auth/ip-lockout.ts";
import { localChangeBus, pollingChangeBus, type ChangeBus } from "../lib/change-bus.ts";
import { MemoryQuotaLedger, type QuotaLedger } from "../auth/quota-ledger.ts";

/**
 * The state gateway instances share so that several behave as one: rate-limit windows,
 * concurrency slots, breakers, dead and cooling keys, sticky sessions and IP lockouts, plus
 * the change bus. `memory` keeps everything in this process (one instance, the default);
 * `redis` keeps it in Redis for every instance using the same Redis and key prefix.
 */
export interface SharedState {
  readonly mode: "memory" | "redis";
  /** Whether the shared store answers right now (Redis away: every decision is local). */
  readonly available: boolean;
  /** "Configuration changed" notices to the other instances. */
  readonly changes: ChangeBus;
  /** Handed to the `Balancer`; undefined: its in-process state is all there is. */
  readonly routing: SharedRouting | undefined;
  /** Client-key quota reservations, atomic across every instance. */
  readonly quotas: QuotaLedger;
  /** An IP lockout whose locks hold on every instance. */
  lockout(options?: IpLockoutOptions): IpLockout;
  /** Stops timers and closes connections; call after requests in flight have finished. */
  close(): Promise<void>;
}

/**
 * Everything stays in this process, exactly as without shared state. `pollChangesMs`: the
 * database is shared with other instances (PostgreSQL without Redis), so caches reload that often.
 */
export function memorySharedState(options: { pollChangesMs?: number } = {}): SharedState {
  const polling = options.pollChangesMs ? pollingChangeBus(options.pollChangesMs) : undefined;
  return {
    mode: "memory",
    available: true,
    changes: polling ?? localChangeBus,
    routing: undefined,
    quotas: new MemoryQuotaLedger(),
    lockout: (lockoutOptions) => new IpLockout(lockoutOptions),
    close: async () => polling?.stop(),
  };
}
