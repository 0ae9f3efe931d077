import type { MessageKey } from "./i18n/index.ts";
import { parseKeys, type ProviderTemplate } from "./provider-templates.ts";
import type { Endpoint, Provider, ProviderInput, ProviderType } from "@llmio/contract";

/** The provider form's state: text fields as typed, numbers as number | null (empty = unlimited). */
export interface ProviderForm {
  name: string;
  type: ProviderType;
  baseUrl: string;
  /** One key per line; masked keys (`sk-…abcd`) stand for the stored ones. */
  keysText: string;
  /** `Name: value` per line. */
  headersText: string;
  consoleUrl: string;
  /** null: every endpoint the protocol has. */
  endpoints: Endpoint[] | null;
  errorMatch: string;
  /** HTTP(S) proxy URL (credentials inside, the password masked as the server shows it); "" = the environment's. */
  proxyUrl: string;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  maxConcurrent: number | null;
  keyRequestsPerMinute: number | null;
  keyTokensPerMinute: number | null;
  keyMaxConcurrent: number | null;
  enabled: boolean;
}

export type ProviderFormErrors = Partial<Record<keyof ProviderForm, MessageKey>>;

export const LIMIT_FIELDS = ["requestsPerMinute", "tokensPerMinute", "maxConcurrent", "keyRequestsPerMinute", "keyTokensPerMinute", "keyMaxConcurrent"] as const;

export function emptyProviderForm(): ProviderForm {
  return {
    name: "",
    type: "openai",
    baseUrl: "",
    keysText: "",
    headersText: "",
    consoleUrl: "",
    endpoints: null,
    errorMatch: "",
    proxyUrl: "",
    requestsPerMinute: null,
    tokensPerMinute: null,
    maxConcurrent: null,
    keyRequestsPerMinute: null,
    keyTokensPerMinute: null,
    keyMaxConcurrent: null,
    enabled: true,
  };
}

/** A new provider's form filled from a template (the name only if still blank or another template's). */
export function applyTemplate(form: ProviderForm, template: ProviderTemplate, previous?: ProviderTemplate): ProviderForm {
  const keepName = form.name.trim() !== "" && form.name !== previous?.name;
  return {
    ...form,
    name: keepName ? form.name : template.id === "custom" ? "" : template.name,
    type: template.type,
    baseUrl: template.baseUrl,
    consoleUrl: template.consoleUrl ?? "",
  };
}

/** The form for editing an existing provider. */
export function providerToForm(provider: Provider): ProviderForm {
  return {
    name: provider.name,
    type: provider.type,
    baseUrl: provider.baseUrl,
    keysText: provider.apiKeys.join("\n"),
    headersText: Object.entries(provider.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join("\n"),
    consoleUrl: provider.consoleUrl ?? "",
    endpoints: provider.endpoints,
    errorMatch: provider.errorMatch ?? "",
    proxyUrl: provider.proxyUrl ?? "",
    requestsPerMinute: provider.requestsPerMinute,
    tokensPerMinute: provider.tokensPerMinute,
    maxConcurrent: provider.maxConcurrent,
    keyRequestsPerMinute: provider.keyRequestsPerMinute,
    keyTokensPerMinute: provider.keyTokensPerMinute,
    keyMaxConcurrent: provider.keyMaxConcurrent,
    enabled: provider.enabled,
  };
}

/** `Name: value` lines → headers; undefined when a line has no name or no colon. */
export function parseHeaders(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (!line) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return undefined;
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Field errors (as message keys); empty when the form can be sent. */
export function validateProviderForm(form: ProviderForm, options: { keyOptional?: boolean } = {}): ProviderFormErrors {
  const errors: ProviderFormErrors = {};
  if (!form.name.trim()) errors.name = "validation.required";
  if (!form.baseUrl.trim()) errors.baseUrl = "validation.required";
  else if (!isHttpUrl(form.baseUrl.trim())) errors.baseUrl = "validation.url";
  if (!options.keyOptional && parseKeys(form.keysText).length === 0) errors.keysText = "validation.keyRequired";
  if (parseHeaders(form.headersText) === undefined) errors.headersText = "validation.headers";
  if (form.consoleUrl.trim() && !isHttpUrl(form.consoleUrl.trim())) errors.consoleUrl = "validation.url";
  // The runtime's HTTP client speaks HTTP(S) proxies only: socks5:// is refused here as on the server.
  if (form.proxyUrl.trim() && !isHttpUrl(form.proxyUrl.trim())) errors.proxyUrl = "validation.proxyUrl";
  for (const field of LIMIT_FIELDS) {
    const value = form[field];
    if (value !== null && (!Number.isInteger(value) || value < 1)) errors[field] = "validation.positiveInteger";
  }
  if (form.endpoints !== null && form.endpoints.length === 0) errors.endpoints = "validation.endpoints";
  return errors;
}

/** The request body for POST / PUT `/api/providers`. */
export function formToProviderInput(form: ProviderForm): Partial<ProviderInput> & { apiKeys: string[] } {
  return {
    name: form.name.trim(),
    type: form.type,
    baseUrl: form.baseUrl.trim(),
    apiKeys: parseKeys(form.keysText),
    headers: parseHeaders(form.headersText) ?? {},
    consoleUrl: form.consoleUrl.trim() || null,
    endpoints: form.endpoints,
    errorMatch: form.errorMatch.trim() || null,
    proxyUrl: form.proxyUrl.trim() || null,
    requestsPerMinute: form.requestsPerMinute,
    tokensPerMinute: form.tokensPerMinute,
    maxConcurrent: form.maxConcurrent,
    keyRequestsPerMinute: form.keyRequestsPerMinute,
    keyTokensPerMinute: form.keyTokensPerMinute,
    keyMaxConcurrent: form.keyMaxConcurrent,
    enabled: form.enabled,
  };
}
