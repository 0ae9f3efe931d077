import type { AppDatabase } from "../../db/client.ts";
import { AdminError } from "./errors.ts";
import { fetchFailure, PROVIDER_CALL_TIMEOUT_MS, providerAccess, readProviderAnswer, redactKeys, upstreamHeaders } from "./provider-upstream.ts";
import { NO_REDIRECTS } from "../../relay/upstream-response.ts";

/** Pages followed at most (Anthropic and Gemini page their lists). */
const MAX_PAGES = 20;
/** Gemini spells ids as resource names. */
const RESOURCE_PREFIX = "models/";

/** One page of a vendor's model list, in any of the shapes the protocols answer with. */
interface ModelListPage {
  /** OpenAI and Anthropic: `{ data: [{ id }] }`; Anthropic pages with `has_more` and `last_id`. */
  data?: Array<{ id?: unknown }>;
  has_more?: boolean;
  last_id?: string;
  /** Gemini: `{ models: [{ name: "models/…" }], nextPageToken }`. */
  models?: Array<{ name?: unknown }>;
  nextPageToken?: string;
}

/**
 * The models a provider offers, from its own `GET {baseUrl}/models` with the provider's first
 * key and auth headers as its protocol sends them (Bearer, x-api-key + anthropic-version,
 * x-goog-api-key). Vendor errors and unreachable providers are 502s.
 * https://platform.openai.com/docs/api-reference/models/list
 * https://docs.anthropic.com/en/api/models-list
 * https://ai.google.dev/api/models#method:-models.list
 */
export class ProviderModelLister {
  constructor(
    private readonly db: AppDatabase,
    private readonly timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
  ) {}

  async list(providerId: number): Promise<{ models: string[] }> {
    const { provider, wire, apiKey } = await providerAccess(this.db, providerId);
    if (apiKey === undefined) throw new AdminError(400, `provider ${providerId} has no API key`);
    const endpoint = wire.upstreamEndpoint({ baseUrl: provider.baseUrl, apiKey, model: "", stream: false });
    const headers = upstreamHeaders(provider, endpoint);
    const signal = AbortSignal.timeout(this.timeoutMs);
    const fail = (message: string) => new AdminError(502, redactKeys(`listing the models of provider ${provider.name} failed: ${message}`, provider));

    const ids = new Set<string>();
    let query = "";
    for (let page = 0; page < MAX_PAGES; page++) {
      let response: Response;
      try {
        response = await fetch(`${provider.baseUrl}/models${query}`, { headers, signal, ...NO_REDIRECTS });
      } catch (error) {
        throw fail(fetchFailure(error, signal, this.timeoutMs));
      }
      const read = await readProviderAnswer(response, signal, this.timeoutMs);
      if ("refused" in read) throw fail(read.refused);
      const { text } = read;
      if (!response.ok) throw fail(`HTTP ${response.status}: ${wire.decodeError(response.status, text).message}`);
      let body: ModelListPage;
      try {
        body = JSON.parse(text) as ModelListPage;
      } catch {
        throw fail("the answer is not JSON");
      }
      if (!Array.isArray(body.data) && !Array.isArray(body.models)) throw fail("the answer has no model list");
      for (const entry of body.data ?? []) if (typeof entry?.id === "string") ids.add(entry.id);
      for (const entry of body.models ?? []) {
        if (typeof entry?.name === "string") ids.add(entry.name.startsWith(RESOURCE_PREFIX) ? entry.name.slice(RESOURCE_PREFIX.length) : entry.name);
      }
      if (body.has_more === true && body.last_id) query = `?after_id=${encodeURIComponent(body.last_id)}`;
      else if (body.nextPageToken) query = `?pageToken=${encodeURIComponent(body.nextPageToken)}`;
      else break;
    }
    return { models: [...ids].sort() };
  }
}
