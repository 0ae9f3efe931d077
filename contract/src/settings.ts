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
  tracingEndpoint: Nullable(Type.String(), { description: "OTLP/HTTP base URL traces are sent to (…/v1/traces is added); null: off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set" }),
  tracingHeaders: Nullable(Type.String(), { description: "Headers sent with every export, `key=value` comma-separated (URL-encoded); values are masked when read" }),
  tracingSampleRatio: Type.Number({ description: "Share of new traces recorded (0..1); a client's sampled traceparent is always followed" }),
  tracingLinkTemplate: Nullable(Type.String(), { description: "URL of a trace in the operator's tracing UI, `{traceId}` replaced by the log row's OpenTelemetry trace id" }),
  tracingFromEnvironment: Type.Boolean({ description: "Read only: the OTEL_* environment configures tracing, so the endpoint, headers and ratio here are not used" }),
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
  tracingEndpoint: Type.Optional(Nullable(Type.String({ pattern: "^https?://", description: "null or empty turns settings-based tracing off" }))),
  tracingHeaders: Type.Optional(Nullable(Type.String({ description: "A value with masked parts (as read) keeps the stored one" }))),
  tracingSampleRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  tracingLinkTemplate: Type.Optional(Nullable(Type.String({ pattern: "\\{traceId\\}", description: "Must contain {traceId}" }))),
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
