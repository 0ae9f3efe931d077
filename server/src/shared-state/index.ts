import { RedisSharedState, type RedisSharedStateOptions } from "./redis-shared-state.ts";
import { memorySharedState, type SharedState } from "./shared-state.ts";

export { localChangeBus, type ChangeBus, type ChangeTopic } from "../lib/change-bus.ts";
export { RedisSharedState, type RedisSharedStateOptions } from "./redis-shared-state.ts";
export { memorySharedState, type SharedState } from "./shared-state.ts";
export { MemoryQuotaLedger, type QuotaLedger } from "../auth/quota-ledger.ts";

/**
 * The shared state for `REDIS_URL`: in this process when it is undefined (or empty), else in
 * Redis, connected and with its scripts loaded. An unreachable Redis does not stop the start:
 * the gateway serves with local state, logs a warning, and shares again once Redis answers.
 */
export async function connectSharedState(
  redisUrl: string | undefined,
  options: RedisSharedStateOptions & { pollChangesMs?: number } = {},
): Promise<SharedState> {
  if (!redisUrl) return memorySharedState({ pollChangesMs: options.pollChangesMs });
  return RedisSharedState.connect(redisUrl, options);
}
