import type { AppDatabase } from "../db/client.ts";
import { maskKey } from "../lib/mask-key.ts";
import type { RetentionRun } from "../db/schema.ts";
import { LogRetention, type RetentionResult } from "../observability/log-retention.ts";
import { RetentionHistory } from "../observability/retention-history.ts";
import type { GatewaySettings, SettingsStore } from "../routing/settings.ts";

export type SettingsView = GatewaySettings & { tracingFromEnvironment: boolean };

/** `key=value` pairs (comma-separated) with each value masked like a provider key. */
function maskHeaders(headers: string): string {
  return headers
    .split(",")
    .map((pair) => {
      const at = pair.indexOf("=");
      return at <= 0 ? maskKey(pair.trim()) : `${pair.slice(0, at).trim()}=${maskKey(pair.slice(at + 1).trim())}`;
    })
    .join(",");
}

/** Pairs whose value is the stored one masked keep the stored value; others are taken as given. */
function unmaskHeaders(given: string, stored: string | null): string {
  const storedValues = new Map<string, string>();
  for (const pair of stored?.split(",") ?? []) {
    const at = pair.indexOf("=");
    if (at > 0) storedValues.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return given
    .split(",")
    .map((pair) => {
      const at = pair.indexOf("=");
      if (at <= 0) return pair.trim();
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const kept = storedValues.get(name);
      return `${name}=${kept !== undefined && maskKey(kept) === value ? kept : value}`;
    })
    .join(",");
}

/** Gateway settings for the admin UI; values are validated by the route's schema. */
export class SettingsService {
  private readonly retention: LogRetention;
  private readonly history: RetentionHistory;

  constructor(
    private readonly db: AppDatabase,
    private readonly store: SettingsStore,
    /** Whether the OTEL_* environment configures tracing (the settings' tracing fields are then unused). */
    private readonly tracingFromEnvironment: () => boolean = () => false,
  ) {
    this.retention = new LogRetention(db, store);
    this.history = new RetentionHistory(db);
  }

  /** Every setting; the tracing headers' values masked (they carry collectors' API keys). */
  async get(): Promise<SettingsView> {
    return this.view(await this.store.get());
  }

  /**
   * Omitted fields stay as they are; `null` (no retention limit) is a value. Tracing headers sent
   * back as they were read (masked) keep the stored values. Returns every setting.
   */
  async update(changes: Partial<GatewaySettings>): Promise<SettingsView> {
    if (changes.tracingHeaders) changes = { ...changes, tracingHeaders: unmaskHeaders(changes.tracingHeaders, (await this.store.get()).tracingHeaders) };
    return this.view(await this.store.update(changes));
  }

  private view(settings: GatewaySettings): SettingsView {
    return { ...settings, tracingHeaders: settings.tracingHeaders && maskHeaders(settings.tracingHeaders), tracingFromEnvironment: this.tracingFromEnvironment() };
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
