import type { IpLockout, LockoutSharing } from "../auth/ip-lockout.ts";
import { LuaScript, type RedisConnection } from "../lib/redis-connection.ts";
import { scanKeys } from "../lib/scan-keys.ts";

/**
 * Counts one failed authentication of an IP over all instances. KEYS: failures (ZSET, member:
 * the key's hash, so retrying one wrong key counts once per window), lock (its end, in ms).
 * ARGV: now, window ms, max failures, lockout ms, member. Returns the lock's end, or 0.
 */
export const IP_FAILURE = new LuaScript(`
local now = tonumber(ARGV[1])
local locked = tonumber(redis.call('GET', KEYS[2]) or '0')
if locked > now then return locked end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], now, ARGV[5])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  local lockedUntil = now + tonumber(ARGV[4])
  redis.call('SET', KEYS[2], lockedUntil, 'PX', ARGV[4])
  return lockedUntil
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`);

const SCAN_TIMEOUT_MS = 10_000;

/**
 * Shares an `IpLockout` between instances: failures are counted in Redis, and a lock is stored
 * and broadcast, so every instance refuses the IP from its own memory, with no round trip per
 * request. A starting (or reconnecting) instance reads the locks that are still running.
 * While Redis is away each instance counts on its own, as without Redis.
 */
export class RedisLockoutSync implements LockoutSharing {
  private lockout: IpLockout | undefined;
  private sequence = 0;

  constructor(private readonly connection: RedisConnection) {}

  /** Connects the lockout this sync serves (it is built with the sync, so it comes second). */
  attach(lockout: IpLockout): void {
    this.lockout = lockout;
    this.connection.on("ip-lock", (event) => lockout.lockUntil(String(event.ip), Number(event.until)));
    this.connection.onRecover(() => this.load());
  }

  failed(ip: string, now: number, credential: string | undefined): void {
    const lockout = this.lockout;
    if (!lockout) return;
    // Without a key each failure counts on its own.
    const member = credential ?? `${this.connection.instanceId}:${++this.sequence}`;
    const keys = [this.connection.key("ip", "fails", ip), this.connection.key("ip", "lock", ip)];
    const args = [now, lockout.windowMs, lockout.maxFailures, lockout.lockoutMs, member];
    void this.connection.evalScript(IP_FAILURE, keys, args).then((lockedUntil) => {
      if (typeof lockedUntil !== "number" || lockedUntil <= 0) return;
      lockout.lockUntil(ip, lockedUntil);
      this.connection.publish("ip-lock", { ip, until: lockedUntil });
    });
  }

  /** Forgets the failure of the key that now succeeded; other keys' failures stay until they leave the window. */
  succeeded(ip: string, credential: string): void {
    void this.connection.run((client) => client.zrem(this.connection.key("ip", "fails", ip), credential));
  }

  private async load(): Promise<void> {
    const prefix = this.connection.key("ip", "lock", "");
    const locks = await this.connection.run(async (client) => {
      const keys = await scanKeys(client, this.connection.pattern("ip", "lock", "*"));
      const values = keys.length === 0 ? [] : ((await client.send("MGET", keys)) as Array<string | null>);
      return keys.map((key, index) => ({ ip: key.slice(prefix.length), until: Number(values[index]) }));
    }, SCAN_TIMEOUT_MS);
    for (const { ip, until } of locks ?? []) this.lockout?.lockUntil(ip, until);
  }
}
