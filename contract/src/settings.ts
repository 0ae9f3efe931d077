import { Type, type Static } from "@sinclair/typebox";
import { RETENTION_MODES, RETENTION_TRIGGERS } from "./enums.ts";
import { Instant, Nullable, OneOf } from "./schema-helpers.ts";

/** Gateway-wide settings changed from the admin UI. */
export const Settings = Type.Object({
  logRetentionDays: Nullable(Type.Integer(), { description: "Logs older than this many days are deleted; null keeps them" }),
  logMaxRows: Nullable(Type.Integer(), { description: "At most this many log rows are kept; null means no cap" }),
  bodyCapture: Type.Boolean({ description: "Keep request and response bodies of each call" }),
  bodyCaptureMaxChars: Type.Integer(),
  defaultTimeoutMs: Type.Integer({ description: "Default for new models" }),
  defaultMaxRetry: Type.Integer({ description: "Default for new models" }),
  cacheMaxMb: Type.Integer({ description: "Memory the response cache may hold in this instance, in MB (the database keeps the rest)" }),
});
export type Settings = Static<typeof Settings>;

/** Body of `PUT /api/settings`: the settings to change. */
export const SettingsChanges = Type.Object({
  logRetentionDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650, description: "null keeps logs forever" }))),
  logMaxRows: Type.Optional(Nullable(Type.Integer({ minimum: 1000, description: "null means no cap" }))),
  bodyCapture: Type.Optional(Type.Boolean()),
  bodyCaptureMaxChars: Type.Optional(Type.Integer({ minimum: 256, maximum: 10_000_000 })),
  defaultTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  defaultMaxRetry: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
  cacheMaxMb: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536 })),
});
export type SettingsChanges = Static<typeof SettingsChanges>;

/** What one retention run removed. */
export const RetentionResult = Type.Object({ deletedRows: Type.Integer(), deletedBodies: Type.Integer() });
export type RetentionResult = Static<typeof RetentionResult>;

/** One log cleanup, as the cleanup history lists them (newest first). */
export const RetentionRun = Type.Object({
  id: Type.Integer(),
  startedAt: Instant(),
  triggeredBy: OneOf(RETENTION_TRIGGERS),
  mode: OneOf(RETENTION_MODES),
  deletedRows: Type.Integer(),
  deletedBodies: Type.Integer(),
  durationMs: Type.Integer(),
  error: Nullable(Type.String({ description: "Why the run failed; null when it succeeded" })),
});
export type RetentionRun = Static<typeof RetentionRun>;
