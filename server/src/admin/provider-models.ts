import type { AppDatabase } from "../db/client.ts";
import { checkBaseUrl } from "./base-url-check.ts";
import { AdminError } from "../lib/admin-error.ts";
import { fetchFailure, PROVIDER_CALL_TIMEOUT_MS, providerAccess, providerProxy, readProviderAnswer, redactKeys, upstreamHeaders, type ProviderAccess } from "../relay/provider-upstream.ts";
import { NO_REDIRECTS } from "../relay/upstream-response.ts";

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

/** Why a provider's model list could not be had. */
export interface ModelListFailure {
  /** The provider's HTTP status; null when no answer came (refused, timeout, redirect refused). */
  status: number | null;
  /** The provider's own message (keys masked), or what went wrong with its answer. */
  message: string;
}

/** A model list, or why there is none. */
export type ModelListOutcome = { models: string[] } | { failure: ModelListFailure };

/**
 * The models a provider offers, from its own `GET {baseUrl}/models` with the provider's first
 * key and auth headers as its protocol sends them (Bearer, x-api-key + anthropic-version,
 * x-goog-api-key).
 * https://platform.openai.com/docs/api-reference/models/list
 * https://docs.anthropic.com/en/api/models-list
 * https://ai.google.dev/api/models#method:-models.list
 */
export class ProviderModelLister {
  constructor(
    private readonly db: AppDatabase,
    private readonly timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
  ) {}

  /**
   * The list, or a 502 whose body carries the provider's answer (`upstream: { status, message }`)
   * and, when its 404 comes from a base URL missing the version, the corrected URL (`warnings`).
   */
  async list(providerId: number): Promise<{ models: string[] }> {
    const access = await providerAccess(this.db, providerId);
    const { provider, apiKey } = access;
    if (apiKey === undefined) throw new AdminError(400, `provider ${providerId} has no API key`);
    const outcome = await this.fetchModels({ ...access, apiKey });
    if ("models" in outcome) return outcome;
    const { failure } = outcome;
    const warnings = failure.status === 404 ? await checkBaseUrl(provider) : [];
    const reason = failure.status === null ? failure.message : `HTTP ${failure.status}: ${failure.message}`;
    throw new AdminError(502, `listing the models of provider ${provider.name} failed: ${reason}`, undefined, { upstream: failure, warnings });
  }

  /** Asks the provider for its models; every failure is a value (nothing thrown), keys masked. */
  async fetchModels({ provider, wire, apiKey }: ProviderAccess & { apiKey: string }): Promise<ModelListOutcome> {
    const endpoint = wire.upstreamEndpoint({ baseUrl: provider.baseUrl, apiKey, model: "", stream: false });
    const headers = upstreamHeaders(provider, endpoint);
    const signal = AbortSignal.timeout(this.timeoutMs);
    const fail = (status: number | null, message: string): ModelListOutcome => ({ failure: { status, message: redactKeys(message, provider) } });

    const ids = new Set<string>();
    let query = "";
    for (let page = 0; page < MAX_PAGES; page++) {
      let response: Response;
      try {
        const url = `${provider.baseUrl}/models${query}`;
        response = await fetch(url, { headers, signal, proxy: providerProxy(provider, url), ...NO_REDIRECTS });
      } catch (error) {
        return fail(null, fetchFailure(error, signal, this.timeoutMs));
      }
      const read = await readProviderAnswer(response, signal, this.timeoutMs);
      if ("refused" in read) return fail(null, read.refused);
      const { text } = read;
      if (!response.ok) return fail(response.status, wire.decodeError(response.status, text).message);
      let body: ModelListPage;
      try {
        body = JSON.parse(text) as ModelListPage;
      } catch {
        return fail(response.status, "the answer is not JSON");
      }
      if (!Array.isArray(body.data) && !Array.isArray(body.models)) return fail(response.status, "the answer has no model list");
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
