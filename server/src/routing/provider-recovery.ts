import { eq } from "drizzle-orm";
import type { HealthRegistry, RecoveryCause } from "./health.ts";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import { found } from "../db/rows.ts";

/**
 * Closes a provider's breakers outside the request path: when a check proved it answers (a
 * successful Test connection), or on purpose (the Reset action). Without this a provider that
 * came back stays "down" in the admin UI until real traffic happens to probe it.
 */
export class ProviderRecovery {
  constructor(
    private readonly db: AppDatabase,
    private readonly health: HealthRegistry,
  ) {}

  /** The provider answered a call made with `apiKey`: its breakers close and that key revives. */
  async answered(providerId: number, apiKey: string, by: RecoveryCause = "test"): Promise<void> {
    const associationIds = await this.associationIds(providerId);
    this.health.recoverProvider(providerId, { associationIds, revivedKeys: [apiKey], by, at: Date.now() });
  }

  /** The Reset action: every breaker of the provider closes and every key revives (404 for an unknown provider). */
  async reset(providerId: number): Promise<void> {
    const { providers } = this.db.tables;
    found(await first(this.db.orm.select({ id: providers.id }).from(providers).where(eq(providers.id, providerId))), "provider", providerId);
    const associationIds = await this.associationIds(providerId);
    this.health.recoverProvider(providerId, { associationIds, revivedKeys: "all", by: "reset", at: Date.now() });
  }

  private async associationIds(providerId: number): Promise<number[]> {
    const { modelProviders } = this.db.tables;
    const rows = await this.db.orm.select({ id: modelProviders.id }).from(modelProviders).where(eq(modelProviders.providerId, providerId));
    return rows.map((row) => row.id);
  }
}
