import type { MessageKey } from "./i18n/index.ts";
import type { AuthKey, AuthKeyInput } from "@llmio/contract";

export type ExpiryPreset = "never" | "7d" | "30d" | "90d" | "365d" | "custom";
export const EXPIRY_PRESETS: ExpiryPreset[] = ["never", "7d", "30d", "90d", "365d", "custom"];

export interface AuthKeyForm {
  name: string;
  /** null: every model. */
  allowedModels: string[] | null;
  expiry: ExpiryPreset;
  /** `YYYY-MM-DD`, with expiry "custom". */
  expiryDate: string;
  requestQuota: number | null;
  tokenQuota: number | null;
  enabled: boolean;
  /** Capture this key's request and response bodies even while global body capture is off. */
  captureBodies: boolean;
}

export type AuthKeyFormErrors = Partial<Record<keyof AuthKeyForm, MessageKey>>;

export function newAuthKeyForm(): AuthKeyForm {
  return { name: "", allowedModels: null, expiry: "never", expiryDate: "", requestQuota: null, tokenQuota: null, enabled: true, captureBodies: false };
}

export function authKeyToForm(key: AuthKey): AuthKeyForm {
  return {
    name: key.name,
    allowedModels: key.allowedModels,
    expiry: key.expiresAt === null ? "never" : "custom",
    expiryDate: key.expiresAt === null ? "" : toDateInput(key.expiresAt),
    requestQuota: key.requestQuota,
    tokenQuota: key.tokenQuota,
    enabled: key.enabled,
    captureBodies: key.captureBodies,
  };
}

/** `YYYY-MM-DD` in local time. */
export function toDateInput(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Epoch ms the form's expiry means (end of the chosen local day for a date), null for never. */
export function expiryOf(form: Pick<AuthKeyForm, "expiry" | "expiryDate">, now: number): number | null | undefined {
  if (form.expiry === "never") return null;
  if (form.expiry === "custom") {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(form.expiryDate);
    if (!match) return undefined;
    return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59, 999).getTime();
  }
  return now + Number.parseInt(form.expiry, 10) * 86_400_000;
}

export function validateAuthKeyForm(form: AuthKeyForm, now: number): AuthKeyFormErrors {
  const errors: AuthKeyFormErrors = {};
  if (!form.name.trim()) errors.name = "validation.required";
  if (form.allowedModels !== null && form.allowedModels.length === 0) errors.allowedModels = "validation.pickModel";
  const expiry = expiryOf(form, now);
  if (expiry === undefined) errors.expiryDate = "validation.date";
  for (const field of ["requestQuota", "tokenQuota"] as const) {
    const value = form[field];
    if (value !== null && (!Number.isInteger(value) || value < 1)) errors[field] = "validation.positiveInteger";
  }
  return errors;
}

export function formToAuthKeyInput(form: AuthKeyForm, now: number): AuthKeyInput {
  return {
    name: form.name.trim(),
    allowedModels: form.allowedModels,
    expiresAt: expiryOf(form, now) ?? null,
    requestQuota: form.requestQuota,
    tokenQuota: form.tokenQuota,
    enabled: form.enabled,
    captureBodies: form.captureBodies,
  };
}

/** used / quota in 0..1, or null without a quota. */
export function quotaUsed(used: number, quota: number | null): number | null {
  return quota ? Math.min(used / quota, 1) : null;
}
