import { RedisClient } from "bun";
import { logger } from "./logger.ts";
import { globEscape } from "./scan-keys.ts";

export interface RedisConnectionOptions {
  /** Put before every key and the channel, so several gateways (or test runs) can share one Redis. */
  prefix: string;
  /** The longest one command may take before Redis counts as unreachable (default 500 ms). */
  commandTimeoutMs?: number;
  /** How often an unreachable Redis is tried again (default 1 s). */
  retryMs?: number;
  /** Loaded on every (re)connection. */
  scripts?: readonly LuaScript[];
}

/** A Lua script and its SHA1, computed here so EVALSHA needs no SCRIPT LOAD round trip first. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = new Bun.CryptoHasher("sha1").update(source).digest("hex");
  }
}

/** One message on the channel every instance listens to; `from` is the sender's instance id. */
export interface SharedEvent {
  kind: string;
  from?: string;
  [field: string]: unknown;
}

type Handler = (event: SharedEvent) => void;

class RedisTimeout extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
  }
}

const CONNECT_TIMEOUT_MS = 2_000;

/**
 * The gateway's link to Redis: one connection for commands, one for the shared channel.
 * It never lets Redis stall a request: every command is bounded by a timeout, and once a
 * command fails for want of Redis, `available` turns false (callers then decide locally),
 * a warning is logged once, and the link is retried in the background until Redis answers;
 * then the subscription is renewed and the recovery hooks reload what was missed.
 * Redis errors about a command itself (a bug, not an outage) are logged and do not count.
 */
export class RedisConnection {
  /** Tells this instance's own messages apart: they come back on the channel and are ignored. */
  readonly instanceId = crypto.randomUUID();
  readonly prefix: string;
  private readonly channel: string;
  private readonly commandTimeoutMs: number;
  private readonly retryMs: number;
  private readonly scripts: readonly LuaScript[];
  private readonly client: RedisClient;
  private subscriber: RedisClient | undefined;
  private up = false;
  /** Whether the "unreachable" warning is out (so it is logged once per outage). */
  private warned = false;
  private closed = false;
  private recovering = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly recoveryHooks: Array<() => unknown> = [];
  private readonly closeHooks: Array<() => void> = [];
  /** Commands not answered yet, so closing can let the last releases land. */
  private readonly pending = new Set<Promise<unknown>>();

  private constructor(
    private readonly url: string,
    options: RedisConnectionOptions,
  ) {
    this.prefix = options.prefix;
    this.channel = `${options.prefix}events`;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 500;
    this.retryMs = options.retryMs ?? 1_000;
    this.scripts = options.scripts ?? [];
    this.client = this.newClient();
  }

  /** Connects; when Redis does not answer it still resolves (degraded) and keeps trying in the background. */
  static async open(url: string, options: RedisConnectionOptions): Promise<RedisConnection> {
    const connection = new RedisConnection(url, options);
    await connection.recover();
    return connection;
  }

  /** Whether Redis answers; while it does not, callers decide locally and skip Redis entirely. */
  get available(): boolean {
    return this.up;
  }

  /** A key name under the prefix. */
  key(...parts: Array<string | number>): string {
    return this.prefix + parts.join(":");
  }

  /** A SCAN pattern under the prefix (the prefix taken literally, `*` in `parts` as a wildcard). */
  pattern(...parts: Array<string | number>): string {
    return globEscape(this.prefix) + parts.join(":");
  }

  /**
   * Runs a command; undefined when Redis cannot answer: at once while it is down, else after at
   * most `timeoutMs` (the command timeout; longer for start-up scans, not for requests).
   */
  async run<T>(command: (client: RedisClient) => Promise<T>, timeoutMs = this.commandTimeoutMs): Promise<T | undefined> {
    if (!this.up) return undefined;
    const answer = this.bounded(command(this.client), timeoutMs);
    this.pending.add(answer);
    try {
      return await answer;
    } catch (error) {
      this.failed(error);
      return undefined;
    } finally {
      this.pending.delete(answer);
    }
  }

  /** Runs a script by its SHA1, sending the source only when Redis does not have it (it restarted). */
  evalScript(script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return this.run(async (client) => {
      try {
        return await client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error as Error).message?.startsWith("NOSCRIPT")) throw error;
        return client.eval(script.source, keys.length, ...keys, ...args);
      }
    });
  }

  /** Tells every other instance; fire-and-forget (lost while Redis is down). */
  publish(kind: string, fields: Record<string, unknown> = {}): void {
    if (!this.up) return;
    const message = JSON.stringify({ ...fields, kind, from: this.instanceId });
    void this.run((client) => client.publish(this.channel, message));
  }

  /** Listens to one kind of message from the other instances; returns the way to stop. */
  on(kind: string, handler: Handler): () => void {
    let set = this.handlers.get(kind);
    if (!set) this.handlers.set(kind, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Runs now when Redis answers, and again after every outage (messages sent meanwhile were lost). */
  onRecover(hook: () => unknown): void {
    this.recoveryHooks.push(hook);
    if (this.up) void this.runHook(hook);
  }

  /** Runs when the connection is closed (stops timers of the parts using it). */
  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  /** Waits (at most the command timeout) for commands under way, then closes both connections for good. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.closeHooks) hook();
    if (this.pending.size > 0) await Promise.allSettled(this.pending);
    this.up = false;
    clearTimeout(this.retryTimer);
    for (const client of [this.client, this.subscriber]) {
      if (!client) continue;
      client.onclose = null;
      client.close();
    }
  }

  private newClient(): RedisClient {
    // Reconnection is ours (see `recover`): Bun's own gives up after a number of tries, and its
    // offline queue would hold commands, and so requests, for as long as Redis is away.
    const client = new RedisClient(this.url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: CONNECT_TIMEOUT_MS });
    client.onclose = (error) => this.markDown(error);
    return client;
  }

  private bounded<T>(promise: Promise<T>, ms = this.commandTimeoutMs): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisTimeout(ms)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  private failed(error: unknown): void {
    if ((error as { code?: string }).code === "ERR_REDIS_SERVER_ERROR") {
      logger.error("a Redis command failed", { error: error as Error });
      return;
    }
    this.markDown(error);
  }

  private markDown(error: unknown): void {
    if (this.closed) return;
    this.up = false;
    if (!this.warned) {
      this.warned = true;
      logger.warn("Redis is unreachable: limits, health, sticky sessions and lockouts are local to this instance until it answers", {
        redis: hostOf(this.url),
        error: (error as Error)?.message ?? String(error),
      });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.recover();
    }, this.retryMs);
    this.retryTimer.unref?.();
  }

  /** Connects (again), renews the subscription, reloads the scripts, then runs the recovery hooks. */
  private async recover(): Promise<void> {
    if (this.recovering || this.closed) return;
    this.recovering = true;
    try {
      if (!this.client.connected) await this.bounded(this.client.connect(), CONNECT_TIMEOUT_MS);
      await this.bounded(this.client.send("PING", []));
      // A fresh subscriber each time: a reconnected client does not subscribe again by itself.
      const previous = this.subscriber;
      if (previous) {
        previous.onclose = null;
        previous.close();
      }
      const subscriber = new RedisClient(this.url, { autoReconnect: false, enableOfflineQueue: false, connectionTimeout: CONNECT_TIMEOUT_MS });
      this.subscriber = subscriber;
      await this.bounded(subscriber.connect(), CONNECT_TIMEOUT_MS);
      await this.bounded(subscriber.subscribe(this.channel, (message) => this.dispatch(message)));
      subscriber.onclose = (error) => this.markDown(error);
      for (const script of this.scripts) await this.bounded(this.client.script("LOAD", script.source));
      if (this.closed) return;
      this.up = true;
      if (this.warned) logger.info("Redis answers again: routing state is shared again", { redis: hostOf(this.url) });
      this.warned = false;
      for (const hook of this.recoveryHooks) await this.runHook(hook);
    } catch (error) {
      this.markDown(error);
    } finally {
      this.recovering = false;
    }
  }

  private async runHook(hook: () => unknown): Promise<void> {
    try {
      await hook();
    } catch (error) {
      logger.error("reloading shared state from Redis failed", { error: error as Error });
    }
  }

  private dispatch(message: string): void {
    let event: SharedEvent;
    try {
      event = JSON.parse(message);
    } catch {
      return;
    }
    if (event.from === this.instanceId) return;
    for (const handler of this.handlers.get(event.kind) ?? []) {
      try {
        handler(event);
      } catch (error) {
        logger.error("handling a shared-state message failed", { kind: event.kind, error: error as Error });
      }
    }
  }
}

/** Host and port only: the URL may carry a password. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}
