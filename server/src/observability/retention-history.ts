import { desc, lte } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { RetentionMode, RetentionRun } from "../db/schema.ts";
import type { GatewaySettings } from "../routing/settings.ts";

/** How many retention runs the cleanup history keeps. */
export const RETENTION_HISTORY_SIZE = 100;

export type NewRetentionRun = Omit<RetentionRun, "id">;

/** Which limits a run applies, from the settings it starts with. */
export function retentionMode(settings: Pick<GatewaySettings, "logRetentionDays" | "logMaxRows">): RetentionMode {
  const byAge = settings.logRetentionDays !== null;
  const byCount = settings.logMaxRows !== null;
  if (byAge && byCount) return "both";
  if (byAge) return "age";
  return byCount ? "count" : "none";
}

/** The cleanup history shown in Settings: one row per retention run, the newest 100 kept. */
export class RetentionHistory {
  constructor(private readonly db: AppDatabase) {}

  /** Adds a run, then drops the rows beyond the newest `RETENTION_HISTORY_SIZE`. */
  async record(run: NewRetentionRun): Promise<void> {
    const { orm, tables } = this.db;
    const runs = tables.retentionRuns;
    await orm.insert(runs).values(run);
    const oldestDropped = await first(orm.select({ id: runs.id }).from(runs).orderBy(desc(runs.id)).limit(1).offset(RETENTION_HISTORY_SIZE));
    if (oldestDropped) await orm.delete(runs).where(lte(runs.id, oldestDropped.id));
  }

  /** Newest first. */
  list(): Promise<RetentionRun[]> {
    const { orm, tables } = this.db;
    const runs = tables.retentionRuns;
    return orm.select().from(runs).orderBy(desc(runs.id)).limit(RETENTION_HISTORY_SIZE);
  }
}
