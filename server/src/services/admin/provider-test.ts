import { asc, eq } from "drizzle-orm";
import type { CanonicalRequest } from "../../core/canonical.ts";
import type { ProviderType, UpstreamTarget } from "../../core/wire-protocol.ts";
import type { AppDatabase } from "../../db/client.ts";
import { first } from "../../db/query.ts";
import { fetchFailure, PROVIDER_CALL_TIMEOUT_MS, providerAccess, readProviderAnswer, redactKeys, upstreamHeaders } from "./provider-upstream.ts";
import { NO_REDIRECTS } from "../../relay/upstream-response.ts";

/** Tested when the provider serves no model yet and the caller names none. */
const FALLBACK_MODELS: Record<ProviderType, string> = {
  openai: "gpt-4o-mini",
  "openai-responses": "gpt-4o-mini",
  anthropic: "claude-haiku-4-5",
  gemini: "gemini-2.5-flash",
};

const PROMPT = "Say OK";
const MAX_OUTPUT_TOKENS = 8;

/** The outcome of a provider test call; the key never appears in it. */
export interface ProviderTestResult {
  ok: boolean;
  latencyMs: number;
  /** The upstream's HTTP status; null when no answer came (connection refused, timeout). */
  status: number | null;
  model: string;
  error?: string;
  answer?: string;
}

/**
 * A real, minimal chat call ("Say OK", 8 output tokens, no stream) to a provider with its
 * first key, in its own protocol. Bypasses routing: health, limits and breakers neither
 * decide nor learn from it.
 */
export class ProviderTester {
  constructor(
    private readonly db: AppDatabase,
    private readonly timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
  ) {}

  async test(providerId: number, requestedModel?: string): Promise<ProviderTestResult> {
    const { provider, wire, apiKey } = await providerAccess(this.db, providerId);
    const model = requestedModel?.trim() || (await this.firstProviderModel(providerId)) || FALLBACK_MODELS[provider.type];
    if (apiKey === undefined) return { ok: false, latencyMs: 0, status: null, model, error: "the provider has no API key" };

    const target: UpstreamTarget = { baseUrl: provider.baseUrl, apiKey, model, stream: false };
    const request: CanonicalRequest = {
      model,
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: PROMPT }] }],
      tools: [],
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      stream: false,
      extras: {},
    };
    const endpoint = wire.upstreamEndpoint(target);
    const signal = AbortSignal.timeout(this.timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (status: number | null, error: string): ProviderTestResult => ({
      ok: false,
      latencyMs: elapsed(),
      status,
      model,
      error: redactKeys(error, provider),
    });

    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: "POST",
        headers: { ...upstreamHeaders(provider, endpoint), "content-type": "application/json" },
        body: JSON.stringify(wire.encodeRequest(request, target).body),
        signal,
        ...NO_REDIRECTS,
      });
    } catch (error) {
      return failed(null, fetchFailure(error, signal, this.timeoutMs));
    }
    const read = await readProviderAnswer(response, signal, this.timeoutMs);
    if ("refused" in read) return failed(response.status, read.refused);
    const { text } = read;
    if (!response.ok) return failed(response.status, wire.decodeError(response.status, text).message);
    if (provider.errorMatch && text.includes(provider.errorMatch)) {
      return failed(response.status, `the answer contains the provider's error text "${provider.errorMatch}"`);
    }
    let answer: string;
    try {
      const decoded = wire.decodeResponse(JSON.parse(text));
      answer = decoded.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    } catch (error) {
      return failed(response.status, `unreadable answer: ${(error as Error).message}`);
    }
    return { ok: true, latencyMs: elapsed(), status: response.status, model, answer };
  }

  private async firstProviderModel(providerId: number): Promise<string | undefined> {
    const { modelProviders } = this.db.tables;
    const row = await first(
      this.db.orm
        .select({ providerModel: modelProviders.providerModel })
        .from(modelProviders)
        .where(eq(modelProviders.providerId, providerId))
        .orderBy(asc(modelProviders.id))
        .limit(1),
    );
    return row?.providerModel;
  }
}
