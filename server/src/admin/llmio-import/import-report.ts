/**
 * What `llmio import-llmio` (and Settings → Import from LLMIO) did or, on a dry run, would do.
 * The same object is printed by the CLI (import-report-text.ts) and returned by the admin API.
 */
export type { ImportItemKind } from "@llmio/contract";
import type { ImportAction, ImportItemKind } from "@llmio/contract";

/**
 * created / updated / unchanged: as `llmio config apply` says them. conflict: an entry with that
 * name exists in llmio and differs; left as it is (updated only with `--replace`). skipped: the
 * LLMIO row could not be imported (the detail says why).
 */
export type { ImportAction } from "@llmio/contract";

export interface ImportItem {
  kind: ImportItemKind;
  /** `openai`, `gpt-4o`, `gpt-4o → openai/gpt-4o-mini`, `laptop (sk-llmio-ab…yz)`, `logRetentionDays`. */
  name: string;
  action: ImportAction;
  /** The fields that differ (conflict, updated) or why it was skipped. */
  detail?: string;
}

/** Rows read from one LLMIO table and what became of them. */
export interface SourceTableCount {
  /** LLMIO's table name: providers, models, model_with_providers, auth_keys, configs, chat_logs, chat_ios … */
  table: string;
  read: number;
  /** Soft-deleted rows (deleted_at set): never imported. */
  deleted: number;
  /** Rows that could not be mapped (see the items' details). */
  skipped: number;
}

export interface ImportedLogs {
  /** chat_logs rows read (not soft-deleted, newer than `--since`). */
  read: number;
  /** request_logs rows written (or that would be, on a dry run). */
  created: number;
  /** Rows of traces already in llmio's log (an earlier import): not written twice. */
  alreadyPresent: number;
  /** Rows older than llmio's log retention: the next cleanup would delete them at once. */
  beyondRetention: number;
  /** Captured request/response bodies (chat_ios) written with them. */
  bodies: number;
}

export interface ImportReport {
  /** The source without credentials: `sqlite /srv/llmio/db/llmio.db`, `postgres://db.lan:5432/llmio`. */
  source: string;
  /** LLMIO (atopos31/llmio) or its fork (raciott/llmio), recognised by the columns present. */
  variant: "llmio" | "llmio-fork";
  dryRun: boolean;
  replace: boolean;
  tables: SourceTableCount[];
  items: ImportItem[];
  totals: Record<ImportAction, number>;
  /** Null unless logs were asked for (`--with-logs`). */
  logs: ImportedLogs | null;
  /** How LLMIO settings were mapped where the two differ: `model gpt-4o: strategy rotor → round-robin (…)`. */
  decisions: string[];
  /** LLMIO features llmio has no equivalent for, and what that means for the operator. */
  noEquivalent: string[];
  /** Things to act on: an expired key, a conflicting name left as it was, history the retention would delete. */
  warnings: string[];
}

/** Options common to the CLI and the admin API. */
export interface ImportOptions {
  /** Work everything out, write nothing. */
  dryRun: boolean;
  /** Overwrite llmio entries whose names conflict instead of reporting them. */
  replace: boolean;
  /** Also import chat_logs (and chat_ios bodies) for the dashboard's history. */
  withLogs: boolean;
  /** With logs: only the last N days; null: all of them. */
  sinceDays: number | null;
  /** LLMIO's TOKEN, to keep as llmio's admin token (CLI only); undefined: the admin token is not touched. */
  adminToken?: string;
}
