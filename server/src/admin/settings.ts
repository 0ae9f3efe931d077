import type { AppDatabase } from "../db/client.ts";
import type { RetentionRun } from "../db/schema.ts";
import { LogRetention, type RetentionResult } from "../observability/log-retention.ts";
import { RetentionHistory } from "../observability/retention-history.ts";
import type { GatewaySettings, SettingsStore } from "../routing/settings.ts";

/** Gateway settings for the admin UI; values are validated by the route's schema. */
export class SettingsService {
  private readonly retention: LogRetention;
  private readonly history: RetentionHistory;

  constructor(
    private readonly db: AppDatabase,
    private readonly store: SettingsStore,
  ) {
    this.retention = new LogRetention(db, store);
    this.history = new RetentionHistory(db);
  }

  get(): Promise<GatewaySettings> {
    return this.store.get();
  }

  /** Omitted fields stay as they are; `null` (no retention limit) is a value. Returns every setting. */
  update(changes: Partial<GatewaySettings>): Promise<GatewaySettings> {
    return this.store.update(changes);
  }

  /** Applies the retention limits now instead of at the next hourly run. */
  runRetention(): Promise<RetentionResult> {
    return this.retention.run(Date.now(), "manual");
  }

  /** The cleanup history: the last 100 retention runs, newest first. */
  retentionRuns(): Promise<RetentionRun[]> {
    return this.history.list();
  }
}
