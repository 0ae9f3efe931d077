import type { MessageKey } from "./i18n/index.ts";
import type { Settings } from "@llmio/contract";

/** The fields that differ from the saved settings (what PUT /api/settings gets). */
export function settingsChanges(saved: Settings, form: Settings): Partial<Settings> {
  const changes: Partial<Settings> = {};
  for (const key of Object.keys(saved) as (keyof Settings)[]) {
    if (form[key] !== saved[key]) (changes as Record<string, unknown>)[key] = form[key];
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
  return errors;
}
