import { sql } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { transaction } from "../db/query.ts";
import { localChangeBus, type ChangeBus } from "../lib/change-bus.ts";
import { ReloadingCache } from "./reloading-cache.ts";

/** Gateway-wide settings changed from the admin UI. */
export interface GatewaySettings {
  /** Request logs older than this many days are deleted by the retention job; null keeps them. */
  logRetentionDays: number | null;
  /** At most this many request-log rows are kept (oldest go first); null means no cap. */
  logMaxRows: number | null;
  /** Keep request and response bodies of each call (for the log detail drawer). */
  bodyCapture: boolean;
  /** Bodies are cut to this many characters. */
  bodyCaptureMaxChars: number;
  /** Defaults for new models. */
  defaultTimeoutMs: number;
  defaultMaxRetry: number;
  /** Memory the response cache may hold in this instance (MB); the database keeps every entry. */
  cacheMaxMb: number;
  /** OpenTelemetry export when the OTEL_* environment does not configure it: OTLP/HTTP base URL, headers, share of new traces. */
  tracingEndpoint: string | null;
  tracingHeaders: string | null;
  tracingSampleRatio: number;
  /** A trace in the operator's tracing UI, `{traceId}` replaced. */
  tracingLinkTemplate: string | null;
}

export const DEFAULT_SETTINGS: GatewaySettings = {
  logRetentionDays: 30,
  logMaxRows: 1_000_000,
  bodyCapture: false,
  bodyCaptureMaxChars: 65_536,
  defaultTimeoutMs: 60_000,
  defaultMaxRetry: 3,
  cacheMaxMb: 64,
  tracingEndpoint: null,
  tracingHeaders: null,
  tracingSampleRatio: 1,
  tracingLinkTemplate: null,
};

/** Settings kept in the `settings` table, read once and cached (the request path reads them). */
export class SettingsStore {
  private readonly cache = new ReloadingCache(() => this.read());

  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: AppDatabase,
    private readonly changes: ChangeBus = localChangeBus,
  ) {
    changes.subscribe("settings", () => {
      this.cache.drop();
      this.changed();
    });
  }

  /** Called after the settings changed, here or (with shared state) on another instance. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  get(): Promise<GatewaySettings> {
    return this.cache.get();
  }

  async update(changes: Partial<GatewaySettings>): Promise<GatewaySettings> {
    const now = Date.now();
    const settingsTable = this.db.tables.settings;
    await transaction(this.db, async (tx) => {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || !(key in DEFAULT_SETTINGS)) continue;
        // Stored as JSON text: a `null` setting (no limit) must not become SQL NULL.
        await tx
          .insert(settingsTable)
          .values({ key, value: sql`${JSON.stringify(value)}`, updatedAt: now })
          .onConflictDoUpdate({ target: settingsTable.key, set: { value: sql`${JSON.stringify(value)}`, updatedAt: now } });
      }
    });
    this.cache.drop();
    this.changes.publish("settings");
    this.changed();
    return this.get();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  private async read(): Promise<GatewaySettings> {
    const stored: Record<string, unknown> = {};
    // Only known settings: the table also keeps internal values (the shared generated token).
    for (const row of await this.db.orm.select().from(this.db.tables.settings)) if (row.key in DEFAULT_SETTINGS) stored[row.key] = row.value;
    return { ...DEFAULT_SETTINGS, ...(stored as Partial<GatewaySettings>) };
  }
}
