import { and, count, eq, getTableColumns, max } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first, transaction } from "../db/query.ts";
import { models, type Model } from "../db/schema.ts";
import type { Catalog } from "../routing/catalog.ts";
import { AdminError } from "../lib/admin-error.ts";
import { requireText } from "./fields.ts";
import { found, unlessDuplicate, type Deleted } from "../db/rows.ts";

/** How a model picks among its providers. */
export const modelStrategies = models.strategy.enumValues;

/** Fields of a new model; omitted ones take the schema defaults. */
export interface ModelInput {
  name: string;
  remark?: string;
  strategy?: Model["strategy"];
  /** Further attempts after the first fails (≥ 0). */
  maxRetry?: number;
  /** Time to first byte allowed per attempt, in milliseconds (> 0). */
  timeoutMs?: number;
  /** Other names and globs (`claude-*`) routed to this model. */
  aliases?: string[];
  /** All attempts together before output starts, in milliseconds. */
  totalTimeoutMs?: number;
  /** A started stream silent this long is ended with an error, in milliseconds. */
  streamIdleTimeoutMs?: number;
  /** A stream still running this long after output started is ended with an error, in milliseconds. */
  maxStreamDurationMs?: number;
  /** How long a session stays on the association that served it, in seconds (0 = off). */
  stickySeconds?: number;
  /** The response cache: seconds an answer is served from it (0 = off), whether random requests are cached too, per client key. */
  cacheTtlSeconds?: number;
  cacheEverything?: boolean;
  cachePerKey?: boolean;
  /** Identical cacheable requests in flight share one upstream call. */
  coalesce?: boolean;
}

/** A model with the number of provider associations it has. */
export interface ModelView extends Model {
  providerCount: number;
}

/** What a new model gets when its request leaves these out (the gateway settings' defaults). */
export interface ModelDefaults {
  maxRetry: number;
  timeoutMs: number;
}

/** Model CRUD; every write invalidates the routing catalog. */
export class ModelService {
  constructor(
    private readonly db: AppDatabase,
    private readonly catalog: Catalog,
    /** Read at each create, so a settings change applies to the next model; schema defaults without it. */
    private readonly defaults?: () => Promise<ModelDefaults>,
  ) {}

  /** In the admin UI's order (`sortOrder`, then id). */
  async list(): Promise<ModelView[]> {
    const { models } = this.db.tables;
    return this.views().orderBy(models.sortOrder, models.id);
  }

  async get(id: number): Promise<ModelView> {
    const { models } = this.db.tables;
    return found(await first(this.views().where(eq(models.id, id))), "model", id);
  }

  async create(input: ModelInput): Promise<ModelView> {
    const { models } = this.db.tables;
    const now = Date.now();
    const [{ last }] = await this.db.orm.select({ last: max(models.sortOrder) }).from(models);
    const values = {
      name: requireText(input.name, "name"),
      ...(await this.defaults?.()),
      ...definedSettings(input),
      // New models go to the end of the list.
      sortOrder: last === null ? 0 : last + 1,
      createdAt: now,
      updatedAt: now,
    };
    const [row] = await unlessDuplicate(
      () => this.db.orm.insert(models).values(values).returning(),
      duplicateMessage(values.name),
    );
    this.catalog.invalidate();
    return { ...row, providerCount: 0 };
  }

  /** Omitted fields stay as they are. */
  async update(id: number, input: Partial<ModelInput>): Promise<ModelView> {
    const { models } = this.db.tables;
    const current = await this.get(id);
    const name = input.name === undefined ? undefined : requireText(input.name, "name");
    const values = { name, ...settings(input), updatedAt: Date.now() };
    await unlessDuplicate(
      () => this.db.orm.update(models).set(values).where(eq(models.id, id)),
      duplicateMessage(name ?? current.name),
    );
    this.catalog.invalidate();
    return this.get(id);
  }

  /** Routes all of the model's traffic to one provider, or back to all of them (`null`). */
  async pin(id: number, providerId: number | null): Promise<ModelView> {
    const { models, modelProviders } = this.db.tables;
    await this.get(id);
    if (providerId !== null) {
      const served = await first(
        this.db.orm
          .select({ id: modelProviders.id })
          .from(modelProviders)
          .where(and(eq(modelProviders.modelId, id), eq(modelProviders.providerId, providerId))),
      );
      if (!served) throw new AdminError(400, `Invalid body: /providerId ${providerId} does not serve model ${id}`);
    }
    await this.db.orm.update(models).set({ pinnedProviderId: providerId, updatedAt: Date.now() }).where(eq(models.id, id));
    this.catalog.invalidate();
    return this.get(id);
  }

  /**
   * Sets the list order: the given models take positions 0, 1, … in that order; models left
   * out keep their relative order after them. Returns the reordered list.
   */
  async reorder(ids: number[]): Promise<ModelView[]> {
    const { models } = this.db.tables;
    const existing = await this.db.orm.select({ id: models.id }).from(models).orderBy(models.sortOrder, models.id);
    const known = new Set(existing.map((model) => model.id));
    const seen = new Set<number>();
    ids.forEach((id, index) => {
      if (!known.has(id)) throw new AdminError(400, `Invalid body: /ids/${index} is model ${id}, which does not exist`);
      if (seen.has(id)) throw new AdminError(400, `Invalid body: /ids/${index} repeats model ${id}`);
      seen.add(id);
    });
    const order = [...ids, ...existing.map((model) => model.id).filter((id) => !seen.has(id))];
    // Only the position changes; `updatedAt` stays, as the model's settings did not change.
    await transaction(this.db, async (tx) => {
      for (const [position, id] of order.entries()) await tx.update(models).set({ sortOrder: position }).where(eq(models.id, id));
    });
    this.catalog.invalidate();
    return this.list();
  }

  /** Also removes the model's provider associations (foreign-key cascade). */
  async remove(id: number): Promise<Deleted> {
    const { models } = this.db.tables;
    found(await first(this.db.orm.delete(models).where(eq(models.id, id)).returning({ id: models.id })), "model", id);
    this.catalog.invalidate();
    return { id, deleted: true };
  }

  private views() {
    const { models, modelProviders } = this.db.tables;
    return this.db.orm
      .select({ ...getTableColumns(models), providerCount: count(modelProviders.id) })
      .from(models)
      .leftJoin(modelProviders, eq(modelProviders.modelId, models.id))
      .groupBy(models.id)
      .$dynamic();
  }
}

// Picks the columns by name, so a caller's extra properties never reach the database.
function settings(input: Partial<ModelInput>) {
  return {
    remark: input.remark,
    strategy: input.strategy,
    maxRetry: input.maxRetry,
    timeoutMs: input.timeoutMs,
    aliases: input.aliases?.map((alias) => alias.trim()).filter(Boolean),
    totalTimeoutMs: input.totalTimeoutMs,
    streamIdleTimeoutMs: input.streamIdleTimeoutMs,
    maxStreamDurationMs: input.maxStreamDurationMs,
    stickySeconds: input.stickySeconds,
    cacheTtlSeconds: input.cacheTtlSeconds,
    cacheEverything: input.cacheEverything,
    cachePerKey: input.cachePerKey,
    coalesce: input.coalesce,
  };
}

/** Only the fields the caller gave, so the settings' defaults are not overwritten by `undefined`. */
function definedSettings(input: ModelInput) {
  return Object.fromEntries(Object.entries(settings(input)).filter(([, value]) => value !== undefined)) as ReturnType<typeof settings>;
}

function duplicateMessage(name: string): string {
  return `a model named "${name}" already exists`;
}
