import { LocalLimits, type Admission, type LimitGate, type LimitSnapshot } from "../routing/limit-gate.ts";
import type { LimitConfig } from "../routing/rate-limit.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { fingerprint } from "./fingerprint.ts";
import type { RedisConnection } from "../lib/redis-connection.ts";
import { ADMIT, RELEASE, SNAPSHOT } from "./redis-limit-scripts.ts";

const WINDOW_MS = 60_000;
/** Releases that failed while Redis was away, replayed when it is back (bounded: leases lapse anyway). */
const MAX_UNRELEASED = 10_000;

interface Scope {
  kind: "provider" | "key";
  name: string;
  config: LimitConfig;
}

const isLimited = (config: LimitConfig) => Boolean(config.requestsPerMinute || config.tokensPerMinute || config.maxConcurrent);

/**
 * Limits counted in Redis, so that every instance admits against the same windows and slots.
 * Only limited scopes go to Redis: an unlimited provider costs no round trip. Every admission
 * is also counted locally, so while Redis is unreachable the local counters (this instance's
 * share of the traffic) decide instead. An attempt's lease is renewed while it runs and lapses
 * `leaseTtlMs` after its instance stopped renewing it (crashed).
 */
export class RedisLimits implements LimitGate {
  private readonly local = new LocalLimits();
  /** Leases of attempts running here: lease id → the lease keys it sits in. */
  private readonly live = new Map<string, string[]>();
  private unreleased: Array<{ keys: string[]; args: Array<string | number> }> = [];
  private sequence = 0;

  constructor(
    private readonly connection: RedisConnection,
    wake: () => void,
    private readonly leaseTtlMs: number,
  ) {
    connection.on("slot-freed", () => wake());
    connection.onRecover(() => this.replayReleases());
    const renewal = setInterval(() => this.renewLeases(), Math.max(50, Math.floor(leaseTtlMs / 3)));
    renewal.unref?.();
    connection.onClose(() => clearInterval(renewal));
  }

  providerWaitMs(candidate: RouteCandidate, now: number): number {
    // With Redis answering, the admission script checks the provider together with the key.
    return this.connection.available ? 0 : this.local.providerWaitMs(candidate, now);
  }

  admit(candidate: RouteCandidate, apiKey: string, now: number): Admission | Promise<Admission> {
    if (!this.connection.available) return this.local.admit(candidate, apiKey, now);
    const scopes: Scope[] = [];
    if (isLimited(candidate.limits)) scopes.push({ kind: "provider", name: `p${candidate.providerId}`, config: candidate.limits });
    if (isLimited(candidate.keyLimits)) scopes.push({ kind: "key", name: `k${candidate.providerId}:${fingerprint(apiKey)}`, config: candidate.keyLimits });
    if (scopes.length === 0) return this.local.admit(candidate, apiKey, now);
    return this.admitShared(candidate, apiKey, scopes, now);
  }

  snapshot(providerId: number, now: number): LimitSnapshot {
    return this.local.snapshot(providerId, now);
  }

  async sharedSnapshot(providerId: number, now: number): Promise<LimitSnapshot> {
    const counts = (await this.connection.evalScript(SNAPSHOT, this.scopeKeys(`p${providerId}`), [now, WINDOW_MS])) as number[] | null | undefined;
    // No keys: the provider is not limited (or idle); this instance's counters are all there is.
    if (!counts) return this.local.snapshot(providerId, now);
    return { inFlight: counts[0], requestsLastMinute: counts[1], tokensLastMinute: counts[2] };
  }

  private async admitShared(candidate: RouteCandidate, apiKey: string, scopes: Scope[], now: number): Promise<Admission> {
    const leaseId = `${this.connection.instanceId}:${++this.sequence}`;
    const keys = scopes.flatMap((scope) => this.scopeKeys(scope.name));
    const args: Array<string | number> = [now, leaseId, now + this.leaseTtlMs, WINDOW_MS];
    for (const { config } of scopes) args.push(config.requestsPerMinute || 0, config.tokensPerMinute || 0, config.maxConcurrent || 0);
    const result = (await this.connection.evalScript(ADMIT, keys, args)) as [number, number] | undefined;
    // Redis did not answer: decide with this instance's own counters.
    if (!result) return this.local.admit(candidate, apiKey, Date.now());
    const [wait, scopeIndex] = result;
    if (wait !== 0) return { waitMs: wait < 0 ? Infinity : wait, scope: scopes[scopeIndex - 1].kind };

    const localTicket = this.local.record(candidate, apiKey, now);
    this.live.set(
      leaseId,
      scopes.map((scope) => this.connection.key("rl", scope.name, "lease")),
    );
    return {
      ticket: {
        finish: (finishedAt, tokens) => {
          localTicket.finish(finishedAt, tokens);
          this.live.delete(leaseId);
          this.release(leaseId, scopes, finishedAt, tokens);
        },
      },
    };
  }

  private release(leaseId: string, scopes: Scope[], now: number, tokens: number): void {
    const keys = scopes.flatMap((scope) => this.scopeKeys(scope.name).slice(1));
    const args: Array<string | number> = [leaseId, now, Math.max(0, Math.round(tokens)), WINDOW_MS];
    for (const { config } of scopes) args.push(config.tokensPerMinute ? 1 : 0, config.maxConcurrent || 0);
    void this.connection.evalScript(RELEASE, keys, args).then((freed) => {
      if (freed === undefined) {
        if (this.unreleased.length < MAX_UNRELEASED) this.unreleased.push({ keys, args });
      } else if (freed === 1) {
        // Requests may be waiting for this slot on other instances.
        this.connection.publish("slot-freed");
      }
    });
  }

  private async replayReleases(): Promise<void> {
    const pending = this.unreleased;
    this.unreleased = [];
    for (const { keys, args } of pending) await this.connection.evalScript(RELEASE, keys, args);
  }

  /** Pushes the expiry of the leases of attempts still running here. */
  private renewLeases(): void {
    if (this.live.size === 0 || !this.connection.available) return;
    const expiry = String(Date.now() + this.leaseTtlMs);
    const byKey = new Map<string, string[]>();
    for (const [leaseId, leaseKeys] of this.live) {
      for (const key of leaseKeys) {
        let members = byKey.get(key);
        if (!members) byKey.set(key, (members = []));
        members.push(expiry, leaseId);
      }
    }
    for (const [key, members] of byKey) {
      void this.connection.run(async (client) => {
        // XX: a lease that was already released (or lapsed) is not brought back.
        await client.send("ZADD", [key, "XX", ...members]);
        await client.send("PEXPIRE", [key, String(this.leaseTtlMs + 1_000)]);
      });
    }
  }

  private scopeKeys(name: string): string[] {
    return ["req", "tok", "toksum", "lease"].map((part) => this.connection.key("rl", name, part));
  }
}
