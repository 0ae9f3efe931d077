/**
 * The most common mistake with a provider typed by hand: a base URL without the API version
 * (`https://api.openai.com`, `http://host:11434`). Every path llmio calls is appended to the
 * base URL, so such a provider answers 404 to everything. This check asks the provider itself:
 * `GET {baseUrl}/models` answers 404 while `GET {baseUrl}/v1/models` (`/v1beta` for Gemini)
 * answers → the base URL lacks its version, and the answer names the corrected URL.
 */
import { wireOfProviderType, type ProviderType } from "../core/wire-protocol.ts";
import type { Provider } from "../db/schema.ts";
import { wireProtocols } from "../protocols/index.ts";
import { discardBody, NO_REDIRECTS } from "../relay/upstream-response.ts";
import { proxyFor } from "../relay/outbound-proxy.ts";
import { upstreamHeaders } from "../relay/provider-upstream.ts";

/** A finding about a provider's field, returned beside a saved provider, a test result or a failed model list. */
export interface ProviderWarning {
  field: "baseUrl";
  message: string;
  /** The value the field should most likely have. */
  suggestion: string;
}

/** What the check reads of a provider. */
export type CheckedProvider = Pick<Provider, "type" | "baseUrl" | "apiKeys" | "headers"> & Partial<Pick<Provider, "proxyUrl">>;

/**
 * Both probes together give up after this long: a save waits for them, so it must stay quick,
 * and an unreachable host (offline, a typo in the name) only means "no finding".
 */
export const BASE_URL_PROBE_TIMEOUT_MS = 3_000;

/** The version path each provider type's base URL ends in. */
const VERSION_PATH: Record<ProviderType, string> = {
  openai: "/v1",
  "openai-responses": "/v1",
  anthropic: "/v1",
  gemini: "/v1beta",
};

/** A path segment that reads as an API version: v1, v1beta, v2alpha1, v4 … */
const VERSION_SEGMENT = /^v\d+(?:[a-z]+\d*)?$/i;

/** Whether the URL's path already names a version (then the check has nothing to add). */
export function hasVersionSegment(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).pathname.split("/").some((segment) => VERSION_SEGMENT.test(segment));
  } catch {
    return false;
  }
}

/**
 * Asks the provider whether its base URL lacks the version: at most two GETs of a model list
 * (no tokens spent), with the provider's first key and headers as the relay sends them,
 * redirects not followed. Only a URL without a version-looking path segment is probed; any
 * failure to ask (refused, timeout) is no finding.
 */
export async function checkBaseUrl(provider: CheckedProvider, timeoutMs = BASE_URL_PROBE_TIMEOUT_MS): Promise<ProviderWarning[]> {
  const baseUrl = provider.baseUrl.replace(/\/+$/, "");
  if (hasVersionSegment(baseUrl)) return [];
  const suggestion = `${baseUrl}${VERSION_PATH[provider.type]}`;
  const headers = probeHeaders(provider, baseUrl);
  const signal = AbortSignal.timeout(timeoutMs);
  const statusOf = async (url: string): Promise<number | undefined> => {
    try {
      const response = await fetch(url, { headers, signal, proxy: proxyFor(url, provider.proxyUrl), ...NO_REDIRECTS });
      discardBody(response);
      return response.status;
    } catch {
      return undefined;
    }
  };
  if ((await statusOf(`${baseUrl}/models`)) !== 404) return [];
  if (!routeExists(await statusOf(`${suggestion}/models`))) return [];
  return [
    {
      field: "baseUrl",
      message: `${baseUrl} answers 404 to GET /models, but ${suggestion} answers: the base URL is missing its API version; use ${suggestion}`,
      suggestion,
    },
  ];
}

/** The provider's auth and headers; without a key, only its own headers (the 404 test needs no key). */
function probeHeaders(provider: CheckedProvider, baseUrl: string): Record<string, string> {
  const wire = wireProtocols[wireOfProviderType(provider.type)];
  const apiKey = provider.apiKeys[0];
  const endpoint = wire.upstreamEndpoint({ baseUrl, apiKey: apiKey ?? "", model: "", stream: false });
  if (apiKey === undefined) return { ...endpoint.defaultHeaders, ...provider.headers };
  return upstreamHeaders(provider, endpoint);
}

/**
 * An answer that proves the path exists: success, or the provider refusing the key or the
 * request (401, 403, 429; Gemini says 400 to a bad key). Not 404/405, redirects or 5xx.
 */
function routeExists(status: number | undefined): boolean {
  if (status === undefined) return false;
  if (status >= 200 && status < 300) return true;
  return status >= 400 && status < 500 && status !== 404 && status !== 405;
}
