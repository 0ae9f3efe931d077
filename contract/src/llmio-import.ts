import { Type, type Static } from "@sinclair/typebox";
import { IMPORT_ACTIONS, IMPORT_ITEM_KINDS, LLMIO_VARIANTS } from "./enums.ts";
import { Nullable, OneOf } from "./schema-helpers.ts";

/** Query of `POST /api/import/llmio/upload` (the body is the raw SQLite file). */
export const LlmioUploadQuery = Type.Object({ name: Type.Optional(Type.String({ maxLength: 255, description: "The file's name, shown in the report" })) });

/** `POST /api/import/llmio/upload`: the stored file's id (kept an hour) and its size. */
export const LlmioUpload = Type.Object({ upload: Type.String(), bytes: Type.Integer() });
export type LlmioUpload = Static<typeof LlmioUpload>;

/** Body of `POST /api/import/llmio`: exactly one of `upload` or `dsn`. */
export const LlmioImportRequest = Type.Object({
  upload: Type.Optional(Type.String({ description: "An id from POST /api/import/llmio/upload" })),
  dsn: Type.Optional(Type.String({ description: "The LLMIO fork's postgres:// or mysql:// URL" })),
  dryRun: Type.Boolean(),
  replace: Type.Boolean({ description: "Overwrite llmio entries whose names conflict" }),
  withLogs: Type.Boolean({ description: "Also import the request history" }),
  sinceDays: Nullable(Type.Integer({ minimum: 1, description: "With withLogs: only the last N days; null: all" })),
});
export type LlmioImportRequest = Static<typeof LlmioImportRequest>;

export const ImportItem = Type.Object({
  kind: OneOf(IMPORT_ITEM_KINDS),
  name: Type.String({ description: "`openai`, `gpt-4o`, `gpt-4o → openai/gpt-4o-mini`, `laptop (sk-llmio-ab…yz)`, `logRetentionDays`" }),
  action: OneOf(IMPORT_ACTIONS),
  detail: Type.Optional(Type.String({ description: "The fields that differ (conflict, updated) or why it was skipped" })),
});
export type ImportItem = Static<typeof ImportItem>;

/** Rows read from one LLMIO table and what became of them. */
export const SourceTableCount = Type.Object({
  table: Type.String(),
  read: Type.Integer(),
  deleted: Type.Integer({ description: "Soft-deleted rows: never imported" }),
  skipped: Type.Integer(),
});
export type SourceTableCount = Static<typeof SourceTableCount>;

export const ImportedLogs = Type.Object({
  read: Type.Integer({ description: "chat_logs rows read (not soft-deleted, within the days asked for)" }),
  created: Type.Integer({ description: "Request log rows written (or that would be, on a dry run)" }),
  alreadyPresent: Type.Integer({ description: "Already in llmio's log from an earlier import: not written twice" }),
  beyondRetention: Type.Integer({ description: "Older than llmio's log retention: the next cleanup would delete them at once" }),
  bodies: Type.Integer({ description: "Captured request/response bodies written with them" }),
});
export type ImportedLogs = Static<typeof ImportedLogs>;

/** What an import from LLMIO did or, on a dry run, would do (the CLI prints the same object). */
export const ImportReport = Type.Object({
  source: Type.String({ description: "The source without credentials" }),
  variant: OneOf(LLMIO_VARIANTS),
  dryRun: Type.Boolean(),
  replace: Type.Boolean(),
  tables: Type.Array(SourceTableCount),
  items: Type.Array(ImportItem),
  totals: Type.Object(Object.fromEntries(IMPORT_ACTIONS.map((action) => [action, Type.Integer()])) as Record<(typeof IMPORT_ACTIONS)[number], ReturnType<typeof Type.Integer>>),
  logs: Nullable(ImportedLogs, { description: "Null unless logs were asked for" }),
  decisions: Type.Array(Type.String(), { description: "How LLMIO settings were mapped where the two differ" }),
  noEquivalent: Type.Array(Type.String(), { description: "LLMIO features llmio has no equivalent for" }),
  warnings: Type.Array(Type.String(), { description: "Things to act on" }),
});
export type ImportReport = Static<typeof ImportReport>;
