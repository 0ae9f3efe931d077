import type { UpstreamEndpoint, UpstreamTarget } from "../core/wire-protocol.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { mergeExtraBody } from "./extra-body.ts";
import { proxyFor } from "./outbound-proxy.ts";

/** Where one attempt goes: the candidate's base URL, the key admitted for it, its provider model. */
export function upstreamTarget(candidate: RouteCandidate, apiKey: string, stream = false): UpstreamTarget {
  return { baseUrl: candidate.baseUrl, apiKey, model: candidate.providerModel, stream };
}

/** What of the association applies to a request: count_tokens takes neither its extra body nor anything else of the call. */
export interface UpstreamRequestOptions {
  /** false: the association's `extraBody` is not merged (a token count is not the call itself). */
  extraBody?: boolean;
}

/**
 * One attempt's JSON request. Headers, later ones winning (names compared case-insensitively):
 * the endpoint's defaults, the client's forwarded headers (unless the association turned that
 * off), the provider's headers, the association's headers, the provider's credentials. The
 * association's `extraBody` is deep-merged into the body, over the client's values.
 */
export function upstreamRequest(
  endpoint: UpstreamEndpoint,
  candidate: RouteCandidate,
  body: unknown,
  clientHeaders: Record<string, string> = {},
  options: UpstreamRequestOptions = {},
) {
  const forwarded = candidate.forwardClientHeaders === false ? {} : clientHeaders;
  const merged = options.extraBody === false ? body : mergeExtraBody(body, candidate.extraBody);
  return {
    url: endpoint.url,
    headers: layerHeaders(endpoint.defaultHeaders, forwarded, candidate.headers, candidate.extraHeaders, endpoint.headers, { "content-type": "application/json" }),
    body: JSON.stringify(merged),
    proxy: proxyFor(endpoint.url, candidate.proxyUrl),
  };
}

/** Header layers merged in order, a later layer's value replacing an earlier one of any letter case. */
export function layerHeaders(...layers: (Record<string, string> | undefined)[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const layer of layers) if (layer) for (const name in layer) headers[name.toLowerCase()] = layer[name];
  return headers;
}
