import { failureRecord, type FailureRecord } from "../routing/failure-cause.ts";
import { classifyFailure, type FailureFacts } from "../routing/failure-class.ts";
import type { CanonicalRequest } from "../core/canonical.ts";
import { wireOfProviderType } from "../core/wire-protocol.ts";
import type { Provider } from "../db/schema.ts";
import { wireProtocols } from "../protocols/index.ts";
import { parseRetryAfter } from "./upstream-call.ts";
import { NO_REDIRECTS } from "./upstream-response.ts";
import { fetchFailure, providerProxy, readProviderAnswer, redactKeys, upstreamHeaders } from "./provider-upstream.ts";

/**
 * The smallest output limit every protocol accepts (OpenAI Responses refuses less than 16);
 * the answer to "Say OK" is a token or two anyway.
 */
const MAX_OUTPUT_TOKENS = 16;

/** The provider answered (the breaker's question), or why not, classified as the relay classifies attempts. */
export type PingResult = { ok: true; status: number } | { ok: false; failure: FailureRecord; retryAfterMs?: number };

/**
 * One minimal chat call ("Say OK", non-stream) to `providerModel` with one key, in the
 * provider's own protocol, redirects refused like the relay's. It asks exactly what an open
 * breaker guards: does this model answer chat calls on this provider. A model list would
 * answer while chat calls fail (an overloaded vendor, a removed model) and close breakers
 * that the next real requests open again.
 */
export async function pingProvider(provider: Provider, providerModel: string, apiKey: string, timeoutMs: number): Promise<PingResult> {
  const wire = wireProtocols[wireOfProviderType(provider.type)];
  const target = { baseUrl: provider.baseUrl, apiKey, model: providerModel, stream: false };
  const request: CanonicalRequest = {
    model: providerModel,
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: "Say OK" }] }],
    tools: [],
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    stream: false,
    extras: {},
  };
  const endpoint = wire.upstreamEndpoint(target);
  const signal = AbortSignal.timeout(timeoutMs);
  const failed = (facts: FailureFacts & { message: string }, retryAfterMs?: number): PingResult => ({
    ok: false,
    failure: failureRecord(classifyFailure(facts), redactKeys(facts.message, provider), Date.now(), facts.status),
    retryAfterMs,
  });

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
    return failed({ message: fetchFailure(error, signal, timeoutMs), timedOut: signal.aborted, connectionFailed: !signal.aborted });
  }
  const read = await readProviderAnswer(response, signal, timeoutMs);
  if ("refused" in read) return failed({ status: response.status, message: read.refused, timedOut: signal.aborted });
  const { text } = read;
  const { status } = response;
  if (!response.ok) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
    return failed({ status, message: `HTTP ${status}: ${wire.decodeError(status, text).message}` }, retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000);
  }
  if (provider.errorMatch && text.includes(provider.errorMatch)) {
    return failed({ status, message: `the answer contains the provider's error text "${provider.errorMatch}"` });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return failed({ status, message: "the answer is not JSON" });
  }
  const inBody = body !== null && typeof body === "object" ? wire.errorInResponse(body as Parameters<typeof wire.errorInResponse>[0]) : undefined;
  if (inBody) return failed({ status: inBody.status, message: `HTTP ${status} with an error body: ${inBody.message}` });
  return { ok: true, status };
}
