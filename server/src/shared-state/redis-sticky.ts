import type { StickySessions, StickyStore } from "../routing/sticky-sessions.ts";
import type { RedisConnection } from "../lib/redis-connection.ts";

/**
 * Sticky sessions in Redis (one key per session, expiring with the model's window), so a
 * session stays on its association whichever instance serves the next request. Only requests
 * with a session key touch Redis. Every stick is also kept locally, which answers while Redis is away.
 */
export class RedisSticky implements StickyStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly local: StickySessions,
  ) {}

  get(sessionKey: string, now: number): number | undefined | Promise<number | undefined> {
    if (!this.connection.available) return this.local.get(sessionKey, now);
    return this.connection.run((client) => client.get(this.keyOf(sessionKey))).then((value) => {
      if (value === undefined) return this.local.get(sessionKey, Date.now());
      return value === null ? undefined : Number(value);
    });
  }

  set(sessionKey: string, associationId: number, windowMs: number, now: number): void {
    this.local.set(sessionKey, associationId, windowMs, now);
    if (!this.connection.available || windowMs <= 0) return;
    void this.connection.run((client) => client.send("SET", [this.keyOf(sessionKey), String(associationId), "PX", String(Math.round(windowMs))]));
  }

  private keyOf(sessionKey: string): string {
    return this.connection.key("sticky", sessionKey);
  }
}
