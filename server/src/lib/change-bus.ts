import type { RedisConnection } from "./redis-connection.ts";

/** What changed: a cache's name. */
export type ChangeTopic = "catalog" | "client-keys" | "settings" | (string & {});

/**
 * "Configuration changed" notices between gateway instances, so each drops its caches when
 * another instance (the one whose admin API was called) changed the database.
 *
 * - `publish(topic)` after a change has been written (and the local cache refreshed directly):
 *   it tells the *other* instances. A notice never comes back to the instance that sent it.
 * - `subscribe(topic, listener)` calls `listener` when another instance published `topic`, and
 *   also after a Redis outage (notices sent meanwhile were lost), so a listener should simply
 *   reload; it returns the way to unsubscribe.
 *
 * Without Redis there are no other instances: publishing does nothing and listeners are never called.
 */
export interface ChangeBus {
  publish(topic: ChangeTopic): void;
  subscribe(topic: ChangeTopic, listener: () => void): () => void;
}

/** The single-instance bus: nobody else to tell. */
export const localChangeBus: ChangeBus = {
  publish() {},
  subscribe() {
    return () => {};
  },
};

/**
 * Instances sharing PostgreSQL without Redis cannot tell each other of changes: every cache
 * is simply told to reload every `intervalMs`, so another instance's admin write shows within it.
 */
export function pollingChangeBus(intervalMs: number): ChangeBus & { stop(): void } {
  const listeners = new Set<() => void>();
  const timer = setInterval(() => listeners.forEach((listener) => listener()), intervalMs);
  timer.unref();
  return {
    publish() {},
    subscribe(_topic, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => clearInterval(timer),
  };
}

/** Notices over the instances' Redis channel. */
export class RedisChangeBus implements ChangeBus {
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly connection: RedisConnection) {
    connection.on("change", (event) => this.notify(String(event.topic)));
    // After an outage every cache reloads: which notices were lost cannot be known.
    connection.onRecover(() => {
      for (const topic of this.listeners.keys()) this.notify(topic);
    });
  }

  publish(topic: ChangeTopic): void {
    this.connection.publish("change", { topic });
  }

  subscribe(topic: ChangeTopic, listener: () => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  private notify(topic: string): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }
}
