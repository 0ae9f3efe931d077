import { asc, eq } from "drizzle-orm";
import type { CanonicalRequest } from "../core/canonical.ts";
import type { ProviderType, UpstreamTarget } from "../core/wire-protocol.ts";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import { checkBaseUrl, type ProviderWarning } from "./base-url-check.ts";
import { ProviderModelLister } from "./provider-models.ts";
import { fetchFailure, PROVIDER_CALL_TIMEOUT_MS, providerAccess, providerProxy, readProviderAnswer, redactKeys, upstreamHeaders, type ProviderAccess } from "../relay/provider-upstream.ts";
import { NO_REDIRECTS } from "../relay/upstream-response.ts";

/** Cheap chat models, taken first when the provider lists one of them. */
const PREFERRED_TEST_MODELS: Record<ProviderType, readonly string[]> = {
  openai: ["gpt-4o-mini", "gpt-4.1-nano", "gpt-4.1-mini", "gpt-5-nano", "gpt-5-mini"],
  "openai-responses": ["gpt-4o-mini", "gpt-4.1-nano", "gpt-4.1-mini", "gpt-5-nano", "gpt-5-mini"],
  anthropic: ["claude-haiku-4-5", "claude-3-5-haiku-latest", "claude-3-haiku-20240307"],
  gemini: ["gemini-2.5-flash-lite", "gemini-2.5-flash", "gemini-2.0-flash"],
};

/** Listed models that cannot answer a chat call (embeddings, speech, images, moderation, legacy completions). */
const NOT_CHAT = /embed|tts|whisper|transcri|dall-e|image|imagen|veo|audio|speech|moderation|realtime|rerank|aqa|babbage|davinci/i;

const PROMPT = "Say OK";
const MAX_OUTPUT_TOKENS = 8;

/** The outcome of a provider test call; the key never appears in it. */
export interface ProviderTestResult {
  ok: boolean;
  latencyMs: number;
  /** The upstream's HTTP status; null when no answer came (connection refused, timeout). */
  status: number | null;
  /** The model called; null when none could be chosen (the provider's model list failed). */
  model: string | null;
  error?: string;
  answer?: string;
  /** Findings about the provider's settings, e.g. a base URL missing its version (with the corrected URL). */
  warnings: ProviderWarning[];
}

/**
 * A real, minimal chat call ("Say OK", 8 output tokens, no stream) to a provider with its
 * first key, in its own protocol, with a model it serves: the one asked for, else its first
 * association's, else one from its own model list. Bypasses routing: health, limits and
 * breakers do not decide; a success is reported to `onAnswered` (which closes the provider's
 * breakers and revives the key, see provider-recovery.ts). A 404 is checked for a base URL missing its version.
 */
export class ProviderTester {
  private readonly lister: ProviderModelLister;

  constructor(
    private readonly db: AppDatabase,
    private readonly timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
    private readonly onAnswered?: (providerId: number, apiKey: string) => Promise<void>,
  ) {
    this.lister = new ProviderModelLister(db, timeoutMs);
  }

  async test(providerId: number, requestedModel?: string): Promise<ProviderTestResult> {
    const access = await providerAccess(this.db, providerId);
    const { apiKey } = access;
    if (apiKey === undefined) {
      return { ok: false, latencyMs: 0, status: null, model: requestedModel?.trim() || null, error: "the provider has no API key", warnings: [] };
    }
    const result = await this.callProvider({ ...access, apiKey }, requestedModel);
    if (result.ok) await this.onAnswered?.(providerId, apiKey);
    if (!result.ok && result.status === 404) result.warnings = await checkBaseUrl(access.provider);
    return result;
  }

  /** The test call itself, with a model the provider serves; any failure is a result, not an exception. */
  private async callProvider(access: ProviderAccess & { apiKey: string }, requestedModel: string | undefined): Promise<ProviderTestResult> {
    const { provider, wire, apiKey } = access;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const failed = (status: number | null, model: string | null, error: string): ProviderTestResult => ({
      ok: false,
      latencyMs: elapsed(),
      status,
      model,
      error: redactKeys(error, provider),
      warnings: [],
    });

    const chosen = requestedModel?.trim() || (await this.firstProviderModel(provider.id)) || (await this.listedModel(access));
    if (typeof chosen !== "string") return failed(chosen.status, null, chosen.error);
    const model = chosen;

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
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: "POST",
        headers: { ...upstreamHeaders(provider, endpoint), "content-type": "application/json" },
        body: JSON.stringify(wire.encodeRequest(request, target).body),
        signal,
        proxy: providerProxy(provider, endpoint.url),
        ...NO_REDIRECTS,
      });
    } catch (error) {
      return failed(null, model, fetchFailure(error, signal, this.timeoutMs));
    }
    const read = await readProviderAnswer(response, signal, this.timeoutMs);
    if ("refused" in read) return failed(response.status, model, read.refused);
    const { text } = read;
    if (!response.ok) return failed(response.status, model, wire.decodeError(response.status, text).message);
    if (provider.errorMatch && text.includes(provider.errorMatch)) {
      return failed(response.status, model, `the answer contains the provider's error text "${provider.errorMatch}"`);
    }
    let answer: string;
    try {
      const decoded = wire.decodeResponse(JSON.parse(text));
      answer = decoded.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    } catch (error) {
      return failed(response.status, model, `unreadable answer: ${(error as Error).message}`);
    }
    return { ok: true, latencyMs: elapsed(), status: response.status, model, answer, warnings: [] };
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

  /** A chat model from the provider's own list, or why there is none (the list's failure is the test's). */
  private async listedModel(access: ProviderAccess & { apiKey: string }): Promise<string | { status: number | null; error: string }> {
    const outcome = await this.lister.fetchModels(access);
    if ("failure" in outcome) {
      const { status, message } = outcome.failure;
      // A provider that answered gets its answer explained; an unreachable one needs no preamble.
      return { status, error: status === null ? message : `the model list (asked to choose a model to test) failed: ${message}` };
    }
    return pickTestModel(outcome.models, access.provider.type) ?? { status: null, error: "no model to test: the provider lists no models; name one or add a model association" };
  }
}

/** A listed model that can chat: a cheap well-known one if listed, else the first that is not an embedding, speech or image model. */
export function pickTestModel(models: readonly string[], type: ProviderType): string | undefined {
  return PREFERRED_TEST_MODELS[type].find((model) => models.includes(model)) ?? models.find((model) => !NOT_CHAT.test(model)) ?? models[0];
}
