import { createHash, randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { globToRegExp, isGlob } from "../balancer/model-matcher.ts";
import type { AppDatabase } from "../db/client.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { AuthKey, NewRequestLog } from "../db/schema.ts";
import { first, transaction } from "../db/query.ts";
import { maskKey, tokensEqual } from "./auth.ts";
import { logger } from "./logger.ts";
import { watchExternalChanges } from "../db/external-changes.ts";
import { localChangeBus, type ChangeBus } from "../shared-state/change-bus.ts";
import { ReloadingCache } from "./reloading-cache.ts";

/** Every client key starts with this, so it is recognisable in configs and secret scanners. */
export const CLIENT_KEY_PREFIX = "sk-llmio-";

/** Who made a proxied call: the holder of the admin TOKEN, or of a client key. */
export type Principal = { kind: "admin" } | { kind: "client"; key: AuthKey };

/** A real client key that may not be used now. */
export interface KeyRejection {
  rejected: "disabled" | "expired";
  key: AuthKey;
}

/** Settings of a new client key; omitted ones mean no restriction (and enabled). */
export interface ClientKeyInput {
  name: string;
  /** Public model names or globs (`claude-*`); null means every model. */
  allowedModels?: string[] | null;
  /** Epoch milliseconds; null means never. */
  expiresAt?: number | null;
  /** Lifetime quotas; null means unlimited. */
  requestQuota?: number | null;
  tokenQuota?: number | null;
  enabled?: boolean;
}

/** Changes to a client key: omitted fields stay, `resetUsage` zeroes the usage counters. */
export interface ClientKeyChanges extends Partial<ClientKeyInput> {
  resetUsage?: boolean;
}

export interface ClientKeysDeps {
  db: AppDatabase;
  logWriter: Pick<LogWriter, "onWritten">;
  config: { token: string };
  /** Tells other instances when keys change or are used (multi-instance mode). */
  sharedState?: { changes: ChangeBus };
}

/**
 * Client API keys: issuing, authenticating, model permissions, quotas and usage.
 *
 * Only a SHA-256 hash of each key is stored. A key carries 192 random bits, so a fast unsalted
 * hash is enough (nothing to brute-force), and looking the hash up in a `Map` takes the same
 * time whatever the secret is, so the lookup leaks nothing an attacker could use.
 * Keys are held in memory, loaded on first use and reloaded after every admin write; usage
 * from the request log is added to both the database and the memory copy, so quotas apply
 * as soon as a request's log row is written (a few in-flight requests may overshoot a quota).
 */
export class ClientKeys {
  private readonly keys: ReloadingCache<KeyIndex>;
  private readonly changes: ChangeBus;

  constructor(private readonly deps: ClientKeysDeps) {
    // Another process (`llmio config apply`) writing to a shared SQLite file also drops them.
    this.keys = new ReloadingCache(async () => indexKeys(await this.list()), watchExternalChanges(deps.db));
    this.changes = deps.sharedState?.changes ?? localChangeBus;
    this.changes.subscribe("client-keys", () => this.keys.drop());
    deps.logWriter.onWritten((rows) => {
      // Never throw into the log writer: it would take the batch for unwritten and write it again.
      return this.recordUsage(rows).catch((error) => logger.error("recording client key usage failed", { error }));
    });
  }

  /**
   * Who presents this key: the admin TOKEN (compared in constant time), an active client key,
   * a `KeyRejection` for a disabled or expired client key, or undefined for an unknown key.
   */
  async authenticate(presentedKey: string, now = Date.now()): Promise<Principal | KeyRejection | undefined> {
    if (tokensEqual(presentedKey, this.deps.config.token)) return { kind: "admin" };
    const key = (await this.keys.get()).byHash.get(hashKey(presentedKey));
    if (!key) return undefined;
    if (!key.enabled) return { rejected: "disabled", key };
    if (key.expiresAt !== null && key.expiresAt <= now) return { rejected: "expired", key };
    return { kind: "client", key };
  }

  /**
   * Whether the principal may use a public model name. `allowedModels` entries are exact
   * names or globs (`*` any run of characters, `?` one character); null allows every model.
   */
  checkModel(principal: Principal, publicModelName: string): boolean {
    return mayUseModel(principal, publicModelName);
  }

  /** The models (anything with a public `name`) the principal may use, for the model lists. */
  permittedModels<Item extends { name: string }>(principal: Principal, models: Item[]): Item[] {
    return models.filter((model) => this.checkModel(principal, model.name));
  }

  /** Why the principal may make no more calls (a used-up quota), or undefined when it may. */
  checkQuota(principal: Principal): string | undefined {
    if (principal.kind === "admin") return undefined;
    const { requestQuota, requestsUsed, tokenQuota, tokensUsed } = principal.key;
    if (requestQuota !== null && requestsUsed >= requestQuota) {
      return `This API key's request quota is used up (${requestsUsed} of ${requestQuota} requests)`;
    }
    if (tokenQuota !== null && tokensUsed >= tokenQuota) {
      return `This API key's token quota is used up (${tokensUsed} of ${tokenQuota} tokens)`;
    }
    return undefined;
  }

  /** Every key, oldest first. */
  list(): Promise<AuthKey[]> {
    const { orm, tables } = this.deps.db;
    return orm.select().from(tables.authKeys).orderBy(tables.authKeys.id);
  }

  get(id: number): Promise<AuthKey | undefined> {
    const { orm, tables } = this.deps.db;
    return first(orm.select().from(tables.authKeys).where(eq(tables.authKeys.id, id)));
  }

  /** Issues a new key. The full key is in the answer and nowhere else: only its hash is stored. */
  async create(input: ClientKeyInput, now = Date.now()): Promise<{ key: string; row: AuthKey }> {
    const key = generateKey();
    const { orm, tables } = this.deps.db;
    const [row] = await orm
      .insert(tables.authKeys)
      .values({ ...settings(input), name: input.name, keyHash: hashKey(key), keyHint: maskKey(key), createdAt: now, updatedAt: now })
      .returning();
    this.invalidate();
    return { key, row };
  }

  /** Applies the changes; undefined when there is no such key. */
  async update(id: number, changes: ClientKeyChanges, now = Date.now()): Promise<AuthKey | undefined> {
    const reset = changes.resetUsage ? { requestsUsed: 0, tokensUsed: 0 } : {};
    const { orm, tables } = this.deps.db;
    const row = await first(
      orm
        .update(tables.authKeys)
        .set({ ...settings(changes), ...reset, name: changes.name, updatedAt: now })
        .where(eq(tables.authKeys.id, id))
        .returning(),
    );
    this.invalidate();
    return row;
  }

  /** Deletes a key; false when there is no such key. Its request logs keep its id. */
  async remove(id: number): Promise<boolean> {
    const { orm, tables } = this.deps.db;
    const deleted = await first(orm.delete(tables.authKeys).where(eq(tables.authKeys.id, id)).returning({ id: tables.authKeys.id }));
    this.invalidate();
    return deleted !== undefined;
  }

  /** Keys were changed here: the next authentication reloads them, and the other instances are told. */
  invalidate(): void {
    this.keys.drop();
    this.changes.publish("client-keys");
  }

  /**
   * Adds a batch of written request-log rows to the usage of their keys, in one UPDATE per key.
   * A request counts once, when it succeeded: its attempts share a trace id and only the
   * attempt that served it is a success row. Tokens are summed over every attempt (a stream
   * cut after output started still consumed them). Token counting (`count_tokens`) is free.
   */
  private async recordUsage(rows: NewRequestLog[]): Promise<void> {
    const usageById = new Map<number, { traces: Set<string>; tokens: number; lastUsedAt: number }>();
    for (const row of rows) {
      if (row.authKeyId === null || row.authKeyId === undefined || row.endpoint === "count_tokens") continue;
      let usage = usageById.get(row.authKeyId);
      if (!usage) usageById.set(row.authKeyId, (usage = { traces: new Set(), tokens: 0, lastUsedAt: 0 }));
      if (row.status === "success") usage.traces.add(row.traceId);
      usage.tokens += row.totalTokens ?? 0;
      usage.lastUsedAt = Math.max(usage.lastUsedAt, row.createdAt);
    }
    if (usageById.size === 0) return;
    // Counted locally as well as in the database, so quotas hold without reloading every key.
    for (const [id, usage] of usageById) {
      const key = this.keys.peek()?.byId.get(id);
      if (!key) continue;
      key.requestsUsed += usage.traces.size;
      key.tokensUsed += usage.tokens;
      key.lastUsedAt = Math.max(key.lastUsedAt ?? 0, usage.lastUsedAt);
    }
    const { authKeys } = this.deps.db.tables;
    await transaction(this.deps.db, async (tx) => {
      for (const [id, usage] of usageById) {
        await tx
          .update(authKeys)
          .set({
            // Additions, not values: other instances count the same keys at the same time.
            requestsUsed: sql`${authKeys.requestsUsed} + ${usage.traces.size}`,
            tokensUsed: sql`${authKeys.tokensUsed} + ${usage.tokens}`,
            lastUsedAt: sql`case when coalesce(${authKeys.lastUsedAt}, 0) > ${usage.lastUsedAt} then ${authKeys.lastUsedAt} else ${usage.lastUsedAt} end`,
          })
          .where(eq(authKeys.id, id));
      }
    });
    // Other instances reload the counts, so a quota holds across all of them (within a log batch).
    // Only quotas need it: a key not loaded here might have one.
    const loaded = this.keys.peek()?.byId;
    const metered = [...usageById.keys()].some((id) => {
      const key = loaded?.get(id);
      return !key || key.requestQuota !== null || key.tokenQuota !== null;
    });
    if (metered) this.changes.publish("client-keys");
  }
}

interface KeyIndex {
  byHash: Map<string, AuthKey>;
  byId: Map<number, AuthKey>;
}

function indexKeys(rows: AuthKey[]): KeyIndex {
  return { byHash: new Map(rows.map((row) => [row.keyHash, row])), byId: new Map(rows.map((row) => [row.id, row])) };
}

/** A new key: the prefix and 32 base64url characters (24 random bytes). */
export function generateKey(): string {
  return CLIENT_KEY_PREFIX + randomBytes(24).toString("base64url");
}

/** How a key is stored: the SHA-256 hex digest of the whole key. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

// Compiled once per loaded key; the memory copy is replaced on every write, so entries never go stale.
const matchers = new WeakMap<AuthKey, (name: string) => boolean>();

/** Exact names by lookup, globs (`*`, `?`, as in model aliases) by regular expression. */
/** Whether the principal may use a model name (exact entries or globs; null allows every model). */
export function mayUseModel(principal: Principal, name: string): boolean {
  if (principal.kind === "admin" || principal.key.allowedModels === null) return true;
  return modelMatcher(principal.key)(name);
}

function modelMatcher(key: AuthKey): (name: string) => boolean {
  let matcher = matchers.get(key);
  if (!matcher) {
    const patterns = key.allowedModels ?? [];
    const exact = new Set(patterns.filter((pattern) => !isGlob(pattern)));
    const globs = patterns.filter(isGlob).map(globToRegExp);
    matcher = (name) => exact.has(name) || globs.some((glob) => glob.test(name));
    matchers.set(key, matcher);
  }
  return matcher;
}

// Picks the columns by name, so a caller's extra properties never reach the database.
function settings(input: Partial<ClientKeyInput>) {
  return {
    allowedModels: input.allowedModels,
    expiresAt: input.expiresAt,
    requestQuota: input.requestQuota,
    tokenQuota: input.tokenQuota,
    enabled: input.enabled,
  };
}
