import type { MessageKey } from "./i18n/index.ts";
import { parseHeaders } from "./provider-form.ts";
import type { Association, AssociationInput, Currency } from "@llmio/contract";

export interface AssociationForm {
  providerId: number | null;
  providerModel: string;
  weight: number;
  enabled: boolean;
  toolCall: boolean;
  structuredOutput: boolean;
  vision: boolean;
  /** Per 1M tokens; null = 0. */
  priceInput: number | null;
  priceCachedInput: number | null;
  priceOutput: number | null;
  priceCacheWrite: number | null;
  currency: Currency;
  /** JSON object text, as typed; "" = none. */
  extraBodyText: string;
  /** `Name: value` per line. */
  extraHeadersText: string;
  forwardClientHeaders: boolean;
}

export type AssociationFormErrors = Partial<Record<keyof AssociationForm, MessageKey>>;

export function newAssociationForm(providerId: number | null = null): AssociationForm {
  return { providerId, providerModel: "", weight: 1, enabled: true, toolCall: true, structuredOutput: true, vision: true, priceInput: null, priceCachedInput: null, priceOutput: null, priceCacheWrite: null, currency: "USD", extraBodyText: "", extraHeadersText: "", forwardClientHeaders: true };
}

export function associationToForm(association: Association): AssociationForm {
  return {
    providerId: association.providerId,
    providerModel: association.providerModel,
    weight: association.weight,
    enabled: association.enabled,
    toolCall: association.toolCall,
    structuredOutput: association.structuredOutput,
    vision: association.vision,
    priceInput: association.priceInput || null,
    priceCachedInput: association.priceCachedInput || null,
    priceOutput: association.priceOutput || null,
    priceCacheWrite: association.priceCacheWrite || null,
    currency: association.currency ?? "USD",
    extraBodyText: Object.keys(association.extraBody ?? {}).length ? JSON.stringify(association.extraBody, null, 2) : "",
    extraHeadersText: Object.entries(association.extraHeaders ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n"),
    forwardClientHeaders: association.forwardClientHeaders ?? true,
  };
}

export function validateAssociationForm(form: AssociationForm): AssociationFormErrors {
  const errors: AssociationFormErrors = {};
  if (form.providerId === null) errors.providerId = "validation.required";
  if (!form.providerModel.trim()) errors.providerModel = "validation.required";
  if (!Number.isInteger(form.weight) || form.weight < 0) errors.weight = "validation.nonNegativeInteger";
  for (const field of ["priceInput", "priceCachedInput", "priceCacheWrite", "priceOutput"] as const) {
    const value = form[field];
    if (value !== null && (!Number.isFinite(value) || value < 0)) errors[field] = "validation.nonNegative";
  }
  if (parseExtraBody(form.extraBodyText) === undefined) errors.extraBodyText = "validation.jsonObject";
  if (parseHeaders(form.extraHeadersText) === undefined) errors.extraHeadersText = "validation.headers";
  return errors;
}

export function formToAssociationInput(form: AssociationForm, modelId: number): AssociationInput {
  return {
    modelId,
    providerId: form.providerId!,
    providerModel: form.providerModel.trim(),
    weight: form.weight,
    enabled: form.enabled,
    toolCall: form.toolCall,
    structuredOutput: form.structuredOutput,
    vision: form.vision,
    priceInput: form.priceInput ?? 0,
    priceCachedInput: form.priceCachedInput ?? 0,
    priceOutput: form.priceOutput ?? 0,
    priceCacheWrite: form.priceCacheWrite ?? 0,
    currency: form.currency,
    extraBody: parseExtraBody(form.extraBodyText) ?? {},
    extraHeaders: parseHeaders(form.extraHeadersText) ?? {},
    forwardClientHeaders: form.forwardClientHeaders,
  };
}

/** The extra body's text as a JSON object ({} when blank); undefined when it is not valid JSON or not an object. */
export function parseExtraBody(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** "in 0.15 · cached 0.075 · out 0.6" parts, or an empty list when every price is 0. */
export function priceParts(association: Pick<Association, "priceInput" | "priceCachedInput" | "priceOutput">): { key: "in" | "cached" | "out"; value: number }[] {
  const parts = [
    { key: "in" as const, value: association.priceInput },
    { key: "cached" as const, value: association.priceCachedInput },
    { key: "out" as const, value: association.priceOutput },
  ];
  return parts.some((part) => part.value > 0) ? parts : [];
}
