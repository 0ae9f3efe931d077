import type { MessageKey } from "./i18n/index.ts";
import type { Association, AssociationInput, Currency } from "./types.ts";

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
}

export type AssociationFormErrors = Partial<Record<keyof AssociationForm, MessageKey>>;

export function newAssociationForm(providerId: number | null = null): AssociationForm {
  return { providerId, providerModel: "", weight: 1, enabled: true, toolCall: true, structuredOutput: true, vision: true, priceInput: null, priceCachedInput: null, priceOutput: null, priceCacheWrite: null, currency: "USD" };
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
  };
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
