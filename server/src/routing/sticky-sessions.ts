/** Bounded so a flood of distinct session ids cannot grow memory without limit. */
const MAX_SESSIONS = 50_000;

/** Where sessions are remembered: this process (`StickySessions`) or a store shared by all instances. */
export interface StickyStore {
  get(sessionKey: string, now: number): number | undefined | Promise<number | undefined>;
  set(sessionKey: string, associationId: number, windowMs: number, now: number): void;
}

/**
 * Keeps a session's requests on the association that last served it, for prompt-cache
 * hits; an entry lives for the model's window after the session's last request.
 */
export class StickySessions implements StickyStore {
  private readonly sessions = new Map<string, { associationId: number; expiresAt: number }>();

  get(sessionKey: string, now: number): number | undefined {
    const entry = this.sessions.get(sessionKey);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.sessions.delete(sessionKey);
      return undefined;
    }
    return entry.associationId;
  }

  set(sessionKey: string, associationId: number, windowMs: number, now: number): void {
    this.sessions.delete(sessionKey);
    this.sessions.set(sessionKey, { associationId, expiresAt: now + windowMs });
    if (this.sessions.size > MAX_SESSIONS) {
      // Maps iterate in insertion order: the first entry is the least recently used.
      this.sessions.delete(this.sessions.keys().next().value!);
    }
  }

  get size(): number {
    return this.sessions.size;
  }
}
