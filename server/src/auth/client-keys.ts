import { createHash, randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { globToRegExp, isGlob } from "../routing/model-matcher.ts";
import { DEFAULT_QUOTA_OUTPUT_RESERVE_TOKENS } from "../config.ts";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import type { AppDatabase } from "../db/client.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { AuthKey, NewRequestLog } from "../db/schema.ts";
import { first, transaction } from "../db/query.ts";
import { tokensEqual } from "./auth.ts";
import { maskKey } from "../lib/mask-key.ts";
import { logger } from "../lib/logger.ts";
import { watchExternalChanges } from "../db/external-changes.ts";
import { localChangeBus, type ChangeBus } from "../lib/change-bus.ts";
import { MemoryQuotaLedger, type QuotaLedger, type QuotaRefusal, type QuotaSnapshot, type QuotaUsage } from "./quota-ledger.ts";
import { callTokenBound, QuotaReservations, rowCost, type LogPosition, type QuotaTicket } from "./quota-reservations.ts";
import { ReloadingCache } from "../routing/reloading-cache.ts";

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
  /** Capture this key's request and response bodies even while the global body capture is off. */
  captureBodies?: boolean;
}

/** Changes to a client key: omitted fields stay, `resetUsage` zeroes the usage counters. */
export interface ClientKeyChanges extends Partial<ClientKeyInput> {
  resetUsage?: boolean;
}

export interface ClientKeysDeps {
  db: AppDatabase;
  /** Key usage is counted from its written rows; quota reservations follow its row numbers. */
  logWriter: Pick<LogWriter, "onWritten"> & LogPosition;
  config: { token: string };
  /** Tells other instances when keys change or are used, and shares quota reservations (multi-instance mode). */
  sharedState?: { changes: ChangeBus; quotas?: QuotaLedger };
  quota?: QuotaOptions;
}

export interface QuotaOptions {
  /** Tokens reserved for the answer of a call that sets no output limit of its own (`LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS`). */
  outputReserveTokens?: number;
}

/** A call to reserve quota for: what its token reservation is measured from. */
export interface MeteredCall {
  protocol: WireProtocol;
  body: JsonObject;
  context: RequestContext;
}

/**
 * Client API keys: issuing, authenticating, model permissions, quotas and usage.
 *
 * Only a SHA-256 hash of each key is stored. A key carries 192 random bits, so a fast unsalted
 * hash is enough (nothing to brute-force), and looking the hash up in a `Map` takes the same
 * time whatever the secret is, so the lookup leaks nothing an attacker could use.
 * Keys are held in memory, loaded on first use and reloaded after every admin write; usage
 * from the request log is added to both the database and the memory copy. Quotas are reserved
 * when a call is admitted (`reserve`) and the reservation is held until the call's log rows
 * are counted, so calls in flight cannot overshoot a quota (see quota-ledger.ts for the rule).
 */
export class ClientKeys {
  private readonly keys: ReloadingCache<KeyIndex>;
  private readonly changes: ChangeBus;
  private readonly quotas: QuotaLedger;
  private readonly reservations: QuotaReservations;
  private readonly outputReserveTokens: number;
  /** Batches of rows are counted one after another, so reservations learn of them in order. */
  private counting: Promise<void> = Promise.resolve();
  /** Bumped when counted usage has been committed: a copy read before may lack it. */
  private usageVersion = 0;

  constructor(private readonly deps: ClientKeysDeps) {
    this.changes = deps.sharedState?.changes ?? localChangeBus;
    this.quotas = deps.sharedState?.quotas ?? new MemoryQuotaLedger();
    this.reservations = new QuotaReservations(deps.logWriter);
    this.outputReserveTokens = deps.quota?.outputReserveTokens ?? DEFAULT_QUOTA_OUTPUT_RESERVE_TOKENS;
    // Another process (`llmio config apply`) writing to a shared SQLite file also drops them.
    this.keys = new ReloadingCache(async () => {
      // Taken before the read: usage the ledger settles after it is added to what the read returns.
      const snapshot = this.quotas.shared ? await this.quotas.snapshot() : undefined;
      const usageVersion = this.usageVersion;
      return indexKeys(await this.list(), usageVersion, snapshot);
    }, watchExternalChanges(deps.db));
    this.changes.subscribe("client-keys", () => this.keys.drop());
    deps.logWriter.onWritten((rows) => {
      const firstRow = (deps.logWriter.written ?? rows.length) - rows.length + 1;
      const counted = this.countUsage(rows);
      // Never throw into the log writer: it would take the batch for unwritten and write it again.
      const recorded = this.counting
        .then(() => this.saveUsage(counted))
        .catch((error) => logger.error("recording client key usage failed", { error }))
        .then(() => this.reservations.counted(rows, firstRow))
        .catch((error) => logger.error("settling quota reservations failed", { error }));
      this.counting = recorded;
      return recorded;
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

  /**
   * Reserves quota for one call of a client key, atomically with the check (across instances in
   * Redis mode). Undefined: nothing to reserve (the admin token, a key without quotas). A
   * GatewayError: the 429 to answer (used up, or the rest is held by calls in flight). Else the
   * ticket the caller ends when the call is over; its trace id must be the call's.
   */
  async reserve(principal: Principal, call: MeteredCall): Promise<QuotaTicket | GatewayError | undefined> {
    if (principal.kind === "admin") return undefined;
    const keyId = principal.key.id;
    let tokens: number | undefined;
    for (let attempt = 0; ; attempt++) {
      // The copy in the cache now (not one a caller got before a reload): usage counted before a
      // reservation was released is in it (see `saveUsage`).
      const index = await this.currentIndex();
      const key = index.byId.get(keyId) ?? principal.key;
      if (key.requestQuota === null && key.tokenQuota === null) return undefined;
      if (key.tokenQuota === null) tokens = 0;
      else tokens ??= callTokenBound(call, this.outputReserveTokens);
      const loaded = index.loaded.get(keyId);
      const admission = await this.quotas.admit({
        keyId,
        limits: { requests: key.requestQuota, tokens: key.tokenQuota },
        tokens,
        used: { requests: key.requestsUsed, tokens: key.tokensUsed },
        // A snapshot lost since (Redis flushed): the key is reloaded once, then this copy decides.
        loaded: index.snapshot && loaded && attempt < 2 ? { used: loaded, snapshot: index.snapshot } : undefined,
      });
      if (admission.admitted) return this.reservations.track(admission.lease);
      if (admission.reason === "stale") {
        if (attempt === 0) this.keys.drop();
        continue;
      }
      return quotaRefusal(key, tokens, admission);
    }
  }

  /** Calls whose quota reservations are not settled yet (this instance). */
  get reservationsHeld(): number {
    return this.reservations.size;
  }

  /**
   * A copy of the keys that holds all usage whose reservations were released: the cache's own
   * copy (counted up in place, dropped when it may lack a count), or one read after the last
   * count was committed. What `get` resolves with may be a load overtaken by a reload.
   */
  private async currentIndex(): Promise<KeyIndex> {
    for (;;) {
      const loaded = await this.keys.get();
      const kept = this.keys.peek();
      if (kept) return kept;
      if (loaded.usageVersion === this.usageVersion) return loaded;
    }
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
   * Adds a batch of written request-log rows to the memory copy of their keys' usage (`rowCost`:
   * a call counts once, by the success row of the attempt that served it; tokens are summed over
   * every attempt; `count_tokens` is free).
   */
  private countUsage(rows: NewRequestLog[]): CountedUsage {
    const usageById: CountedUsage["usageById"] = new Map();
    for (const row of rows) {
      const cost = rowCost(row);
      if (!cost) continue;
      let usage = usageById.get(cost.keyId);
      if (!usage) usageById.set(cost.keyId, (usage = { traces: new Set(), tokens: 0, lastUsedAt: 0 }));
      if (cost.request) usage.traces.add(row.traceId);
      usage.tokens += cost.tokens;
      usage.lastUsedAt = Math.max(usage.lastUsedAt, row.createdAt);
    }
    // Counted locally as well as in the database, so quotas hold without reloading every key.
    const index = this.keys.peek();
    for (const [id, usage] of usageById) {
      const key = index?.byId.get(id);
      if (!key) continue;
      key.requestsUsed += usage.traces.size;
      key.tokensUsed += usage.tokens;
      key.lastUsedAt = Math.max(key.lastUsedAt ?? 0, usage.lastUsedAt);
    }
    return { usageById, index };
  }

  /** Adds counted usage to the database, in one UPDATE per key. */
  private async saveUsage({ usageById, index }: CountedUsage): Promise<void> {
    if (usageById.size === 0) return;
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
    // A copy loaded while this was being written may lack it (read before the commit) and was not
    // counted up: drop it, so no reservation is released while the cache holds such a copy. That
    // includes a load still running when nothing was counted in memory (no copy then): undefined
    // is not "the same copy", or that load would be kept once it lands.
    this.usageVersion++;
    if (index === undefined || this.keys.peek() !== index) this.keys.drop();
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
  /** Usage as read from the database (the `AuthKey` copies are counted up afterwards). */
  loaded: Map<number, QuotaUsage>;
  /** `ClientKeys.usageVersion` when the read began. */
  usageVersion: number;
  /** The quota ledger's totals just before the read (shared ledger only). */
  snapshot?: QuotaSnapshot;
}

interface CountedUsage {
  usageById: Map<number, { traces: Set<string>; tokens: number; lastUsedAt: number }>;
  /** The cache's copy the usage was counted into (undefined: none was loaded). */
  index: KeyIndex | undefined;
}

function indexKeys(rows: AuthKey[], usageVersion: number, snapshot?: QuotaSnapshot): KeyIndex {
  return {
    usageVersion,
    byHash: new Map(rows.map((row) => [row.keyHash, row])),
    byId: new Map(rows.map((row) => [row.id, row])),
    loaded: new Map(rows.map((row) => [row.id, { requests: row.requestsUsed, tokens: row.tokensUsed }])),
    snapshot,
  };
}

/** The 429 for a refused call: used up (waiting will not help), or held by calls in flight (it may). */
function quotaRefusal(key: AuthKey, tokens: number, refusal: QuotaRefusal): GatewayError {
  const { used, reserved } = refusal;
  if (refusal.reason === "used-up") {
    // Like OpenAI's `insufficient_quota`: no Retry-After.
    const requestsOut = key.requestQuota !== null && used.requests >= key.requestQuota;
    return new GatewayError(
      "rate_limit",
      requestsOut
        ? `This API key's request quota is used up (${used.requests} of ${key.requestQuota} requests)`
        : `This API key's token quota is used up (${used.tokens} of ${key.tokenQuota} tokens)`,
      { exhausted: true },
    );
  }
  const requestsHeld = key.requestQuota !== null && used.requests + reserved.requests >= key.requestQuota;
  const message = requestsHeld
    ? `This API key's request quota is held by its calls in flight (${used.requests} used and ${reserved.requests} in flight of ${key.requestQuota} requests); try again when they finish`
    : `This API key's token quota cannot cover this call while ${reserved.requests} other(s) are in flight (${used.tokens} used, ${reserved.tokens} reserved, up to ${tokens} for this call, of ${key.tokenQuota} tokens); try again when they finish`;
  return new GatewayError("rate_limit", message, { retryAfterSeconds: 1 });
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
    captureBodies: input.captureBodies,
  };
}
