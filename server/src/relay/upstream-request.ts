import type { UpstreamEndpoint, UpstreamTarget } from "../core/wire-protocol.ts";
import type { RouteCandidate } from "../services/catalog.ts";

/** Where one attempt goes: the candidate's base URL, the key admitted for it, its provider model. */
export function upstreamTarget(candidate: RouteCandidate, apiKey: string, stream = false): UpstreamTarget {
  return { baseUrl: candidate.baseUrl, apiKey, model: candidate.providerModel, stream };
}

/**
 * One attempt's JSON request. Headers, later ones winning: the endpoint's defaults, what the
 * client sent (when forwarded), the provider's configured headers, the endpoint's auth.
 */
export function upstreamRequest(endpoint: UpstreamEndpoint, candidate: RouteCandidate, body: unknown, clientHeaders: Record<string, string> = {}) {
  return {
    url: endpoint.url,
    headers: { ...endpoint.defaultHeaders, ...clientHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}
