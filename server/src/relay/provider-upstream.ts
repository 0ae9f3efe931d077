import { eq } from "drizzle-orm";
import { wireOfProviderType, type UpstreamEndpoint, type WireProtocol } from "../core/wire-protocol.ts";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { Provider } from "../db/schema.ts";
import { wireProtocols } from "../protocols/index.ts";
import { upstreamLimits, UpstreamLimitError } from "./upstream-limits.ts";
import { proxyFor, redactProxy } from "./outbound-proxy.ts";
import { discardBody, isRedirect, readBodyWithin, redirectMessage } from "./upstream-response.ts";
import { maskKey } from "../lib/mask-key.ts";
import { found } from "../db/rows.ts";

/** Admin calls to a provider's own API (connection test, model list) give up after this long. */
export const PROVIDER_CALL_TIMEOUT_MS = 15_000;

/** A provider, its first key, and the wire protocol it speaks. */
export interface ProviderAccess {
  provider: Provider;
  wire: WireProtocol;
  /** The first key; undefined when the provider has none. */
  apiKey: string | undefined;
}

/** A provider by id (404 when unknown) with what an admin call to it needs. */
export async function providerAccess(db: AppDatabase, providerId: number): Promise<ProviderAccess> {
  const { providers } = db.tables;
  const provider = found(await first(db.orm.select().from(providers).where(eq(providers.id, providerId))), "provider", providerId);
  return { provider, wire: wireProtocols[wireOfProviderType(provider.type)], apiKey: provider.apiKeys[0] };
}

/** Headers as the relay sends them: protocol defaults, the provider's own headers, then auth. */
export function upstreamHeaders(provider: Pick<Provider, "headers">, endpoint: UpstreamEndpoint): Record<string, string> {
  return { ...endpoint.defaultHeaders, ...provider.headers, ...endpoint.headers };
}

/** The proxy an admin call to `url` goes through: the provider's own, else the environment's (as the relay does). */
export function providerProxy(provider: Pick<Provider, "proxyUrl">, url: string): string | undefined {
  return proxyFor(url, provider.proxyUrl);
}

/** Text with every key of the provider (and its proxy's password) masked: upstream error messages sometimes echo them. */
export function redactKeys(text: string, provider: Pick<Provider, "apiKeys"> & Partial<Pick<Provider, "proxyUrl">>): string {
  let redacted = redactProxy(text, provider.proxyUrl ?? undefined);
  for (const key of provider.apiKeys) if (key) redacted = redacted.replaceAll(key, maskKey(key));
  return redacted;
}

/**
 * A provider's answer read as the relay reads it: a redirect is refused (never followed, so
 * the key stays with the provider's origin) and the body is abandoned past the size limit.
 */
export async function readProviderAnswer(response: Response, signal: AbortSignal, timeoutMs: number): Promise<{ text: string } | { refused: string }> {
  if (isRedirect(response.status)) {
    discardBody(response);
    return { refused: redirectMessage(response) };
  }
  try {
    return { text: await readBodyWithin(response, upstreamLimits().maxBodyBytes) };
  } catch (error) {
    return { refused: error instanceof UpstreamLimitError ? error.message : fetchFailure(error, signal, timeoutMs) };
  }
}

/** Why a fetch threw: the timeout, or the connection's own message. */
export function fetchFailure(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs / 1000} s`;
  return `connection failed: ${(error as Error).message}`;
}
