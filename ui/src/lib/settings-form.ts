import type { MessageKey } from "./i18n/index.ts";
import { linkTemplateError, sampleRatioError, tracingEndpointError, tracingHeadersError } from "./tracing-link.ts";
import type { Settings } from "@llmio/contract";

/** Settings the gateway reports but never takes: they are not sent back. */
const READ_ONLY: ReadonlySet<keyof Settings> = new Set(["tracingFromEnvironment"]);

/** The text settings as the API takes them: trimmed, and empty meaning "none" (null). */
export function normalizeSettings(form: Settings): Settings {
  const text = (value: string | null) => value?.trim() || null;
  return { ...form, tracingEndpoint: text(form.tracingEndpoint), tracingHeaders: text(form.tracingHeaders), tracingLinkTemplate: text(form.tracingLinkTemplate) };
}

/**
 * The fields that differ from the saved settings (what PUT /api/settings gets). Masked tracing
 * headers left as they were read are not sent, so the stored values stay.
 */
export function settingsChanges(saved: Settings, form: Settings): Partial<Settings> {
  const changes: Partial<Settings> = {};
  const normalized = normalizeSettings(form);
  for (const key of Object.keys(saved) as (keyof Settings)[]) {
    if (!READ_ONLY.has(key) && normalized[key] !== saved[key]) (changes as Record<string, unknown>)[key] = normalized[key];
  }
  return changes;
}

export function validateSettings(form: Settings): Partial<Record<keyof Settings, MessageKey>> {
  const errors: Partial<Record<keyof Settings, MessageKey>> = {};
  const positiveOrEmpty = (value: number | null) => value === null || (Number.isInteger(value) && value >= 1);
  if (!positiveOrEmpty(form.logRetentionDays)) errors.logRetentionDays = "validation.positiveInteger";
  if (!positiveOrEmpty(form.logMaxRows)) errors.logMaxRows = "validation.positiveInteger";
  if (!Number.isInteger(form.bodyCaptureMaxChars) || form.bodyCaptureMaxChars < 1) errors.bodyCaptureMaxChars = "validation.positiveInteger";
  if (!Number.isFinite(form.defaultTimeoutMs) || form.defaultTimeoutMs < 1) errors.defaultTimeoutMs = "validation.positive";
  if (!Number.isInteger(form.defaultMaxRetry) || form.defaultMaxRetry < 0) errors.defaultMaxRetry = "validation.nonNegativeInteger";
  if (!Number.isInteger(form.cacheMaxMb) || form.cacheMaxMb < 1 || form.cacheMaxMb > 65_536) errors.cacheMaxMb = "validation.cacheMaxMb";
  const tracing = {
    tracingEndpoint: tracingEndpointError(form.tracingEndpoint),
    tracingHeaders: tracingHeadersError(form.tracingHeaders),
    tracingSampleRatio: sampleRatioError(form.tracingSampleRatio),
    tracingLinkTemplate: linkTemplateError(form.tracingLinkTemplate),
  };
  for (const [key, error] of Object.entries(tracing)) if (error) errors[key as keyof Settings] = error;
  return errors;
}
