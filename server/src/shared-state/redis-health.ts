import type { CircuitBreaker } from "../routing/circuit-breaker.ts";
import type { BreakerTarget, HealthListener, HealthRegistry, ProviderRecovery, RecoveryCause } from "../routing/health.ts";
import { fingerprint } from "./fingerprint.ts";
import { LuaScript, type RedisConnection, type SharedEvent } from "../lib/redis-connection.ts";
import { scanKeys } from "../lib/scan-keys.ts";

/** A dead key is tried again after a day even if nobody edits its provider. */
const DEAD_KEY_TTL_MS = 24 * 60 * 60_000;
/** Failures of a breaker that stays quiet this long are forgotten. */
const FAILURE_MEMORY_MS = 10 * 60_000;
/** Scans of the stored verdicts may take longer than a request's command. */
const SCAN_TIMEOUT_MS = 10_000;
/** Verdicts about keys this instance has not used yet (bounded against churn). */
const MAX_PENDING = 10_000;

/**
 * Counts one breaker failure over all instances. KEYS: failure counter, open marker.
 * ARGV: now, threshold, open ms, 1 when the local breaker is open anyway, failure memory ms.
 * Returns {count, 1 when the breaker is now open}.
 */
export const BREAKER_FAILURE = new LuaScript(`
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if ARGV[4] == '1' or count >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return {count, 1}
end
return {count, 0}
`);

/** What another instance concluded about a key this instance has no entry for yet. */
interface KeyVerdict {
  dead?: { reason: string; at: number };
  coolingUntil?: number;
  openedAt?: number;
}

/**
 * Shares health verdicts between instances without putting Redis on the request path: each
 * instance decides from its own `HealthRegistry`, as without Redis. What changes is where the
 * registry's verdicts come from:
 * - a breaker's failures are counted in Redis (so five failures spread over three instances
 *   open it), and each count is broadcast so every instance mirrors it and knows a success must
 *   reset it; the failure that opens it stores an "open since" marker and broadcasts that;
 * - a success on a troubled breaker deletes both and broadcasts "closed";
 * - dead keys and cool-downs are stored (with TTLs) and broadcast;
 * - a provider found working (probe, Test connection) or reset on purpose has its breakers'
 *   stored verdicts deleted and one "recovered" message closes them on every instance;
 * - the background probe of a provider is claimed for one period (SET NX PX), so one instance
 *   probes it; without Redis each instance probes on its own, which costs a few calls, no harm;
 * - a starting (or reconnecting) instance reads the stored verdicts.
 * Each instance lets its own half-open probe through after the open time, so up to one probe
 * per instance may run. Key names and messages carry a fingerprint of a provider key, never the key.
 */
export class RedisHealthSync implements HealthListener {
  private readonly pending = new Map<string, KeyVerdict>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly registry: HealthRegistry,
  ) {
    registry.listener = this;
    connection.on("breaker", (event) => this.applyBreaker(event));
    connection.on("key", (event) => this.applyKey(event));
    connection.on("provider-reset", (event) => this.forget(Number(event.providerId)));
    connection.on("provider-recovered", (event) => this.applyRecovery(event));
    connection.onRecover(() => this.load());
  }

  breakerFailed(target: BreakerTarget, breaker: CircuitBreaker, now: number): void {
    const name = targetName(target);
    const { failureThreshold, openMs } = this.registry.breakerOptions;
    const keys = [this.connection.key("brk", "fail", name), this.connection.key("brk", "open", name)];
    const args = [now, failureThreshold, openMs, breaker.state === "open" ? 1 : 0, FAILURE_MEMORY_MS];
    void this.connection.evalScript(BREAKER_FAILURE, keys, args).then((result) => {
      if (!result) return;
      const [count, opened] = result as [number, number];
      if (opened) {
        breaker.openSince(now);
        this.connection.publish("breaker", { target: name, openedAt: now });
      } else {
        breaker.syncFailures(count);
        this.connection.publish("breaker", { target: name, failures: count });
      }
    });
  }

  breakerRecovered(target: BreakerTarget): void {
    const name = targetName(target);
    void this.connection.run((client) => client.del(this.connection.key("brk", "fail", name), this.connection.key("brk", "open", name)));
    this.connection.publish("breaker", { target: name, closed: true });
  }

  keyDead(providerId: number, key: string, dead: { reason: string; at: number }): void {
    const print = fingerprint(key);
    const value = JSON.stringify(dead);
    void this.connection.run((client) => client.send("SET", [this.connection.key("key", "dead", providerId, print), value, "PX", String(DEAD_KEY_TTL_MS)]));
    this.connection.publish("key", { providerId, print, dead });
  }

  keyCooling(providerId: number, key: string, until: number): void {
    const print = fingerprint(key);
    const ttl = Math.max(1, Math.round(until - Date.now()));
    void this.connection.run((client) => client.send("SET", [this.connection.key("key", "cool", providerId, print), String(until), "PX", String(ttl)]));
    this.connection.publish("key", { providerId, print, coolingUntil: until });
  }

  providerReset(providerId: number): void {
    this.forget(providerId);
    void this.connection.run(async (client) => {
      const patterns = [["key", "dead", providerId, "*"], ["key", "cool", providerId, "*"], ["brk", "fail", "k", providerId, "*"], ["brk", "open", "k", providerId, "*"]];
      for (const pattern of patterns) {
        const keys = await scanKeys(client, this.connection.pattern(...pattern));
        if (keys.length > 0) await client.del(...keys);
      }
    }, SCAN_TIMEOUT_MS);
    this.connection.publish("provider-reset", { providerId });
  }

  providerRecovered(providerId: number, recovery: ProviderRecovery): void {
    const prints = recovery.revivedKeys === "all" ? "all" : recovery.revivedKeys.map(fingerprint);
    void this.connection.run(async (client) => {
      const names = recovery.associationIds.flatMap((id) => [this.connection.key("brk", "fail", `a:${id}`), this.connection.key("brk", "open", `a:${id}`)]);
      const patterns = [["brk", "fail", "k", providerId, "*"], ["brk", "open", "k", providerId, "*"]];
      if (prints === "all") patterns.push(["key", "dead", providerId, "*"], ["key", "cool", providerId, "*"]);
      else for (const print of prints) names.push(this.connection.key("key", "dead", providerId, print), this.connection.key("key", "cool", providerId, print));
      for (const pattern of patterns) names.push(...(await scanKeys(client, this.connection.pattern(...pattern))));
      if (names.length > 0) await client.del(...names);
    }, SCAN_TIMEOUT_MS);
    this.connection.publish("provider-recovered", { providerId, associationIds: recovery.associationIds, prints, by: recovery.by, at: recovery.at });
  }

  async claimProbe(providerId: number, forMs: number): Promise<boolean> {
    const claimed = await this.connection.run((client) =>
      client.send("SET", [this.connection.key("probe", providerId), this.connection.instanceId, "NX", "PX", String(Math.max(1, Math.round(forMs)))]),
    );
    // undefined: Redis is away and every decision is local, this one too.
    return claimed !== null;
  }

  adoptKey(providerId: number, key: string): void {
    if (this.pending.size === 0) return;
    const id = `${providerId}:${fingerprint(key)}`;
    const verdict = this.pending.get(id);
    if (!verdict) return;
    this.pending.delete(id);
    this.applyVerdict(providerId, key, verdict);
  }

  /** Reads every stored verdict (on start and after an outage, when broadcasts may have been missed). */
  private async load(): Promise<void> {
    const verdicts: Array<{ name: string; value: string | null }> = [];
    await this.connection.run(async (client) => {
      for (const pattern of [this.connection.pattern("brk", "open", "*"), this.connection.pattern("key", "*")]) {
        const keys = await scanKeys(client, pattern);
        if (keys.length === 0) continue;
        const values = (await client.send("MGET", keys)) as Array<string | null>;
        keys.forEach((name, index) => verdicts.push({ name: name.slice(this.connection.prefix.length), value: values[index] }));
      }
    }, SCAN_TIMEOUT_MS);
    const now = Date.now();
    for (const { name, value } of verdicts) {
      if (value === null) continue;
      const parts = name.split(":");
      if (parts[0] === "brk") this.applyBreaker({ kind: "breaker", target: parts.slice(2).join(":"), openedAt: Number(value) });
      else if (parts[1] === "dead") this.applyKey({ kind: "key", providerId: Number(parts[2]), print: parts[3], dead: JSON.parse(value) });
      else if (Number(value) > now) this.applyKey({ kind: "key", providerId: Number(parts[2]), print: parts[3], coolingUntil: Number(value) });
    }
  }

  private applyBreaker(event: SharedEvent): void {
    const name = String(event.target);
    const [scope, first, print] = name.split(":");
    let breaker: CircuitBreaker | undefined;
    if (scope === "a") breaker = this.registry.association(Number(first)).breaker;
    else {
      const providerId = Number(first);
      const key = this.keyOf(providerId, print);
      if (key === undefined) {
        // Only an open breaker matters for a key not used here yet.
        if (typeof event.openedAt === "number") this.remember(providerId, print, { openedAt: event.openedAt });
        if (event.closed) this.pending.delete(`${providerId}:${print}`);
        return;
      }
      breaker = this.registry.key(providerId, key).breaker;
    }
    if (typeof event.openedAt === "number") breaker.openSince(event.openedAt);
    else if (typeof event.failures === "number") breaker.syncFailures(event.failures);
    else if (event.closed) breaker.recordSuccess();
  }

  /** Another instance recovered a provider: the same here, for the keys this instance knows and those it was told about. */
  private applyRecovery(event: SharedEvent): void {
    const providerId = Number(event.providerId);
    const prints = event.prints === "all" ? "all" : new Set(Array.isArray(event.prints) ? event.prints.map(String) : []);
    for (const [id, verdict] of this.pending) {
      if (!id.startsWith(`${providerId}:`)) continue;
      if (prints === "all" || prints.has(id.slice(id.indexOf(":") + 1))) this.pending.delete(id);
      else {
        delete verdict.openedAt;
        if (verdict.dead === undefined && verdict.coolingUntil === undefined) this.pending.delete(id);
      }
    }
    const known = [...(this.registry.knownKeys(providerId) ?? [])];
    this.registry.recoverProvider(
      providerId,
      {
        associationIds: Array.isArray(event.associationIds) ? event.associationIds.map(Number) : [],
        revivedKeys: prints === "all" ? "all" : known.filter((key) => prints.has(fingerprint(key))),
        by: String(event.by) as RecoveryCause,
        at: Number(event.at),
      },
      false,
    );
  }

  private applyKey(event: SharedEvent): void {
    const providerId = Number(event.providerId);
    const print = String(event.print);
    const verdict: KeyVerdict = { dead: event.dead as KeyVerdict["dead"], coolingUntil: event.coolingUntil as number | undefined };
    const key = this.keyOf(providerId, print);
    if (key === undefined) this.remember(providerId, print, verdict);
    else this.applyVerdict(providerId, key, verdict);
  }

  private applyVerdict(providerId: number, key: string, verdict: KeyVerdict): void {
    const health = this.registry.key(providerId, key);
    if (verdict.dead) health.dead = verdict.dead;
    if (verdict.coolingUntil !== undefined) health.coolingUntil = Math.max(health.coolingUntil, verdict.coolingUntil);
    if (verdict.openedAt !== undefined) health.breaker.openSince(verdict.openedAt);
  }

  private remember(providerId: number, print: string, verdict: KeyVerdict): void {
    const id = `${providerId}:${print}`;
    if (!this.pending.has(id) && this.pending.size >= MAX_PENDING) return;
    this.pending.set(id, { ...this.pending.get(id), ...withoutUndefined(verdict) });
  }

  private forget(providerId: number): void {
    this.registry.forgetProvider(providerId);
    for (const id of this.pending.keys()) if (id.startsWith(`${providerId}:`)) this.pending.delete(id);
  }

  /** The key of a provider with this fingerprint, among those this instance has used. */
  private keyOf(providerId: number, print: string): string | undefined {
    for (const key of this.registry.knownKeys(providerId) ?? []) if (fingerprint(key) === print) return key;
    return undefined;
  }
}

function targetName(target: BreakerTarget): string {
  return "associationId" in target ? `a:${target.associationId}` : `k:${target.providerId}:${fingerprint(target.key)}`;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
