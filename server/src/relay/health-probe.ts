import { eq, inArray } from "drizzle-orm";
import type { Balancer } from "../routing/balancer.ts";
import type { AppDatabase } from "../db/client.ts";
import type { Provider } from "../db/schema.ts";
import { PROVIDER_CALL_TIMEOUT_MS } from "./provider-upstream.ts";
import { logger } from "../lib/logger.ts";
import { pingProvider, type PingResult } from "./provider-ping.ts";

/** How often a provider with an open breaker is probed, unless configured (`LLMIO_HEALTH_PROBE_SECONDS`). */
export const DEFAULT_HEALTH_PROBE_INTERVAL_MS = 30_000;

export interface HealthProbeOptions {
  /** Time between rounds; 0 turns probing off. */
  intervalMs: number;
  /** One probe call gives up after this long (default: the admin calls' 15 s, at most the interval). */
  timeoutMs?: number;
}

/** One probe of one provider: what was asked and what came back. */
export interface ProbeOutcome {
  providerId: number;
  associationId: number;
  result: PingResult;
}

/**
 * Probes, in the background, every enabled provider that has an open (or half-open) breaker,
 * so a provider that came back shows it (and takes traffic) without waiting for a request to
 * stumble on it. Each round gives such a provider one cheap chat call (see `pingProvider`) on
 * one of its troubled associations with one usable key; a success closes all of the provider's
 * breakers and revives that key, as a successful Test connection does; a failure opens the
 * probed breakers again from now and records the cause. Never more than one probe per provider
 * at a time; with shared state (Redis) one instance claims each provider's probe per round, and
 * the verdict reaches every instance. A round without any open breaker does not touch the database.
 */
export class HealthProbe {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly running = new Map<number, Promise<ProbeOutcome | undefined>>();
  private round = 0;
  private readonly timeoutMs: number;

  constructor(
    private readonly deps: { db: AppDatabase; balancer: Balancer },
    private readonly options: HealthProbeOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? Math.max(1_000, Math.min(PROVIDER_CALL_TIMEOUT_MS, options.intervalMs));
  }

  /** Starts the rounds (none when the interval is 0). */
  start(): this {
    if (this.options.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => void this.tick().catch((error) => logger.error("health probe round failed", { error: error as Error })), this.options.intervalMs);
      this.timer.unref?.();
    }
    return this;
  }

  /** Stops the rounds; probes already running finish on their own (each is bounded by its timeout). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round; resolves when the probes it started have ended (what tests wait for). */
  async tick(): Promise<ProbeOutcome[]> {
    const health = this.deps.balancer.health;
    if (!health.anyBreakerOpen()) return [];
    const round = this.round++;
    const { providers, modelProviders } = this.deps.db.tables;
    const providerRows = await this.deps.db.orm.select().from(providers).where(eq(providers.enabled, true));
    const withKeys = providerRows.filter((provider) => provider.apiKeys.length > 0 && !this.running.has(provider.id));
    if (withKeys.length === 0) return [];
    const associations = await this.deps.db.orm
      .select({ id: modelProviders.id, providerId: modelProviders.providerId, providerModel: modelProviders.providerModel, enabled: modelProviders.enabled })
      .from(modelProviders)
      .where(inArray(modelProviders.providerId, withKeys.map((provider) => provider.id)));
    const started: Array<Promise<ProbeOutcome | undefined>> = [];
    for (const provider of withKeys) {
      const target = this.target(provider, associations.filter((association) => association.providerId === provider.id && association.enabled), round);
      if (!target) continue;
      if (!(await health.claimProbe(provider.id, this.options.intervalMs))) continue;
      // Checked again: the claim may have taken a moment, and another round may have started one meanwhile.
      if (this.running.has(provider.id)) continue;
      const probe = this.probe(provider, target.association, target.apiKey, associations).finally(() => this.running.delete(provider.id));
      this.running.set(provider.id, probe);
      started.push(probe);
    }
    return (await Promise.all(started)).filter((outcome) => outcome !== undefined);
  }

  /**
   * What to probe: one of the provider's associations whose breaker is not closed (taking turns
   * between rounds), else any (only a key breaker is open); with a key that is neither dead nor
   * cooling, preferring one whose breaker is open. Nothing when no breaker of it is open.
   */
  private target(provider: Provider, associations: Array<{ id: number; providerModel: string }>, round: number) {
    const health = this.deps.balancer.health;
    const now = Date.now();
    const keys = provider.apiKeys.map((key) => ({ key, ...health.keyCondition(provider.id, key, now) })).filter((key) => key.usable);
    const troubled = associations.filter((association) => health.associationTroubled(association.id));
    const openKeys = keys.filter((key) => key.breakerOpen);
    if ((troubled.length === 0 && openKeys.length === 0) || associations.length === 0 || keys.length === 0) return undefined;
    const association = pick(troubled.length > 0 ? troubled : associations, round);
    const apiKey = pick(openKeys.length > 0 ? openKeys : keys, round).key;
    return { association, apiKey };
  }

  private async probe(provider: Provider, association: { id: number; providerModel: string }, apiKey: string, associations: Array<{ id: number; providerId: number }>): Promise<ProbeOutcome | undefined> {
    const health = this.deps.balancer.health;
    let result: PingResult;
    try {
      result = await pingProvider(provider, association.providerModel, apiKey, this.timeoutMs);
    } catch (error) {
      logger.error("health probe failed to run", { provider: provider.name, error: error as Error });
      return undefined;
    }
    // A request refused as bad (or its content refused) was still answered by a working provider:
    // breakers never count those, so neither does their probe.
    if (!result.ok && result.failure.failure !== "bad_request" && result.failure.failure !== "content") {
      health.recordProbeFailure(provider.id, association.id, apiKey, result.failure, result.retryAfterMs);
    } else {
      const associationIds = associations.filter((entry) => entry.providerId === provider.id).map((entry) => entry.id);
      health.recoverProvider(provider.id, { associationIds, revivedKeys: [apiKey], by: "probe", at: Date.now() });
      logger.info("health probe: provider answers again, breakers closed", { provider: provider.name, model: association.providerModel });
    }
    return { providerId: provider.id, associationId: association.id, result };
  }
}

function pick<T>(list: readonly T[], round: number): T {
  return list[round % list.length];
}
