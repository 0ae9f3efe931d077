/**
 * Gemini puts the model in the URL (`/v1beta/models/{model}:{method}`), not the body.
 * Clients may spell it with or without the `models/` resource prefix.
 */
import type { UpstreamEndpoint, UpstreamTarget } from "../../core/wire-protocol.ts";

const RESOURCE_PREFIX = "models/";

/** `models/gemini-2.5-flash` → `gemini-2.5-flash`. */
export function bareModel(model: string): string {
  return model.startsWith(RESOURCE_PREFIX) ? model.slice(RESOURCE_PREFIX.length) : model;
}

/** `gemini-2.5-flash` → `models/gemini-2.5-flash` (the form request bodies use). */
export function resourceName(model: string): string {
  return RESOURCE_PREFIX + bareModel(model);
}

/**
 * `${baseUrl}/models/${model}:${method}` with the API key header. Providers store the
 * base URL with the version, e.g. `https://generativelanguage.googleapis.com/v1beta`.
 * https://ai.google.dev/api#api-keys
 */
export function methodEndpoint(target: UpstreamTarget, method: string, query = ""): UpstreamEndpoint {
  const base = target.baseUrl.replace(/\/+$/, "");
  return {
    url: `${base}/${resourceName(target.model)}:${method}${query}`,
    headers: { "x-goog-api-key": target.apiKey },
  };
}
