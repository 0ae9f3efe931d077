import type { MessageKey } from "./i18n/index.ts";
import type { Model, ModelInput, Strategy } from "@llmio/contract";

export const STRATEGIES: Strategy[] = ["weighted", "priority", "round-robin", "least-latency"];

export interface ModelForm {
  name: string;
  remark: string;
  /** Comma- or space-separated names and globs. */
  aliasesText: string;
  strategy: Strategy;
  maxRetry: number | null;
  /** Seconds in the form; milliseconds in the API. */
  timeoutSeconds: number | null;
  totalTimeoutSeconds: number | null;
  streamIdleTimeoutSeconds: number | null;
  maxStreamDurationSeconds: number | null;
  stickySeconds: number | null;
  /** The response cache: seconds an answer is reused (0 = off); the three switches only matter while it is on. */
  cacheTtlSeconds: number | null;
  cacheEverything: boolean;
  cachePerKey: boolean;
  coalesce: boolean;
}

/** The longest cache TTL the API takes: one year. */
export const MAX_CACHE_TTL_SECONDS = 31_536_000;

export type ModelFormErrors = Partial<Record<keyof ModelForm, MessageKey>>;

export function newModelForm(defaults: { timeoutMs?: number; maxRetry?: number } = {}): ModelForm {
  return {
    name: "",
    remark: "",
    aliasesText: "",
    strategy: "weighted",
    maxRetry: defaults.maxRetry ?? 3,
    timeoutSeconds: (defaults.timeoutMs ?? 60_000) / 1000,
    totalTimeoutSeconds: 180,
    streamIdleTimeoutSeconds: 120,
    maxStreamDurationSeconds: 1800,
    stickySeconds: 120,
    cacheTtlSeconds: 0,
    cacheEverything: false,
    cachePerKey: false,
    coalesce: true,
  };
}

export function modelToForm(model: Model): ModelForm {
  return {
    name: model.name,
    remark: model.remark,
    aliasesText: model.aliases.join(", "),
    strategy: model.strategy,
    maxRetry: model.maxRetry,
    timeoutSeconds: model.timeoutMs / 1000,
    totalTimeoutSeconds: model.totalTimeoutMs / 1000,
    streamIdleTimeoutSeconds: model.streamIdleTimeoutMs / 1000,
    maxStreamDurationSeconds: model.maxStreamDurationMs / 1000,
    stickySeconds: model.stickySeconds,
    cacheTtlSeconds: model.cacheTtlSeconds,
    cacheEverything: model.cacheEverything,
    cachePerKey: model.cachePerKey,
    coalesce: model.coalesce,
  };
}

/** Whether the form turns the response cache on (the switches beside the TTL only apply then). */
export function cacheOn(form: Pick<ModelForm, "cacheTtlSeconds">): boolean {
  return (form.cacheTtlSeconds ?? 0) > 0;
}

/** "a, b c" → ["a", "b", "c"], without duplicates. */
export function parseAliases(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((alias) => alias.trim()).filter(Boolean))];
}

export function validateModelForm(form: ModelForm): ModelFormErrors {
  const errors: ModelFormErrors = {};
  if (!form.name.trim()) errors.name = "validation.required";
  else if (/\s/.test(form.name.trim())) errors.name = "validation.noSpaces";
  const nonNegative = (value: number | null) => value !== null && Number.isInteger(value) && value >= 0;
  const positive = (value: number | null) => value !== null && Number.isFinite(value) && value > 0;
  if (!nonNegative(form.maxRetry)) errors.maxRetry = "validation.nonNegativeInteger";
  if (!positive(form.timeoutSeconds)) errors.timeoutSeconds = "validation.positive";
  if (!positive(form.totalTimeoutSeconds)) errors.totalTimeoutSeconds = "validation.positive";
  if (!positive(form.streamIdleTimeoutSeconds)) errors.streamIdleTimeoutSeconds = "validation.positive";
  if (!positive(form.maxStreamDurationSeconds)) errors.maxStreamDurationSeconds = "validation.positive";
  if (!nonNegative(form.stickySeconds)) errors.stickySeconds = "validation.nonNegativeInteger";
  if (!nonNegative(form.cacheTtlSeconds)) errors.cacheTtlSeconds = "validation.nonNegativeInteger";
  else if ((form.cacheTtlSeconds ?? 0) > MAX_CACHE_TTL_SECONDS) errors.cacheTtlSeconds = "validation.cacheTtlMax";
  return errors;
}

export function formToModelInput(form: ModelForm): ModelInput {
  return {
    name: form.name.trim(),
    remark: form.remark.trim(),
    aliases: parseAliases(form.aliasesText),
    strategy: form.strategy,
    maxRetry: form.maxRetry ?? 0,
    timeoutMs: Math.round((form.timeoutSeconds ?? 60) * 1000),
    totalTimeoutMs: Math.round((form.totalTimeoutSeconds ?? 180) * 1000),
    streamIdleTimeoutMs: Math.round((form.streamIdleTimeoutSeconds ?? 120) * 1000),
    maxStreamDurationMs: Math.round((form.maxStreamDurationSeconds ?? 1800) * 1000),
    stickySeconds: form.stickySeconds ?? 0,
    cacheTtlSeconds: form.cacheTtlSeconds ?? 0,
    cacheEverything: form.cacheEverything,
    cachePerKey: form.cachePerKey,
    coalesce: form.coalesce,
  };
}
