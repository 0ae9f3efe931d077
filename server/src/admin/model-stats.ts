import { and, asc, count, desc, eq, gte, inArray } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { Catalog } from "../routing/catalog.ts";
import { AdminError } from "../lib/admin-error.ts";
import { found } from "../db/rows.ts";

const HOUR_MS = 60 * 60 * 1000;
/**
 * A week: the query runs in one go on the request thread, and a month of a busy gateway's rows
 * (a million) would hold it for most of a second. The dashboard covers longer periods.
 */
const MAX_HOURS = 7 * 24;

/** How one association of a model fared over the window; counts are upstream attempts. */
export interface AssociationStats {
  associationId: number;
  providerId: number;
  providerName: string;
  requests: number;
  errors: number;
  /** This association's part (0..1) of the model's successful attempts. */
  share: number;
  lastError: { message: string; at: number } | null;
}

/**
 * Per-association traffic of one model over the last hours. Log rows carry the model name the
 * client sent, so rows are matched to the model through its names, aliases and globs, and to
 * an association by provider and provider model.
 */
export class ModelStatsService {
  constructor(
    private readonly db: AppDatabase,
    private readonly catalog: Catalog,
  ) {}

  async stats(modelId: number, hours = 24, now = Date.now()): Promise<{ associations: AssociationStats[] }> {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS) {
      throw new AdminError(400, `Invalid query: /hours must be an integer from 1 to ${MAX_HOURS}`);
    }
    const { models, modelProviders, providers, requestLogs } = this.db.tables;
    const model = found(await first(this.db.orm.select().from(models).where(eq(models.id, modelId))), "model", modelId);
    const associations = await this.db.orm
      .select({
        id: modelProviders.id,
        providerId: modelProviders.providerId,
        providerModel: modelProviders.providerModel,
        providerName: providers.name,
      })
      .from(modelProviders)
      .innerJoin(providers, eq(providers.id, modelProviders.providerId))
      .where(eq(modelProviders.modelId, modelId))
      .orderBy(asc(modelProviders.id));
    if (associations.length === 0) return { associations: [] };

    const since = now - hours * HOUR_MS;
    const traffic = await this.db.orm
      .select({
        model: requestLogs.model,
        providerId: requestLogs.providerId,
        providerModel: requestLogs.providerModel,
        status: requestLogs.status,
        attempts: count(),
      })
      .from(requestLogs)
      .where(and(inArray(requestLogs.providerId, [...new Set(associations.map((association) => association.providerId))]), gte(requestLogs.createdAt, since)))
      .groupBy(requestLogs.model, requestLogs.providerId, requestLogs.providerModel, requestLogs.status);
    const groups: typeof traffic = [];
    for (const group of traffic) if ((await this.catalog.route(group.model))?.model.id === modelId) groups.push(group);

    // The model's successes through any provider (also ones it no longer uses), by the names it was
    // requested by: its own, its plain aliases, and those its providers' rows show for glob aliases.
    const names = [...new Set([model.name, ...model.aliases.filter((alias) => !/[*?[]/.test(alias)), ...groups.map((group) => group.model)])];
    const [{ successes }] = await this.db.orm
      .select({ successes: count() })
      .from(requestLogs)
      .where(and(inArray(requestLogs.model, names), eq(requestLogs.status, "success"), gte(requestLogs.createdAt, since)));

    return {
      associations: await Promise.all(
        associations.map(async (association) => {
          const served = groups.filter((group) => group.providerId === association.providerId && group.providerModel === association.providerModel);
          const requests = served.reduce((sum, group) => sum + group.attempts, 0);
          const succeeded = served.reduce((sum, group) => sum + (group.status === "success" ? group.attempts : 0), 0);
          return {
            associationId: association.id,
            providerId: association.providerId,
            providerName: association.providerName,
            requests,
            errors: requests - succeeded,
            share: successes === 0 ? 0 : succeeded / successes,
            lastError: requests === succeeded ? null : await this.lastError(association, names, since),
          };
        }),
      ),
    };
  }

  private async lastError(association: { providerId: number; providerModel: string }, names: string[], since: number) {
    const { requestLogs } = this.db.tables;
    const row = await first(
      this.db.orm
        .select({ message: requestLogs.error, at: requestLogs.createdAt })
        .from(requestLogs)
        .where(
          and(
            eq(requestLogs.providerId, association.providerId),
            eq(requestLogs.providerModel, association.providerModel),
            eq(requestLogs.status, "error"),
            inArray(requestLogs.model, names),
            gte(requestLogs.createdAt, since),
          ),
        )
        .orderBy(desc(requestLogs.createdAt))
        .limit(1),
    );
    return row ? { message: row.message ?? "unknown error", at: row.at } : null;
  }
}
