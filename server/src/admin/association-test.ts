import { asc, eq } from "drizzle-orm";
import type { CanonicalRequest, CanonicalResponse } from "../core/canonical.ts";
import type { JsonObject } from "../core/wire-protocol.ts";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { Provider } from "../db/schema.ts";
import { wireProtocols } from "../protocols/index.ts";
import { callUpstream } from "../relay/upstream-call.ts";
import { upstreamRequest, upstreamTarget } from "../relay/upstream-request.ts";
import { routeCandidate, type RouteCandidate } from "../routing/catalog.ts";
import { PROVIDER_CALL_TIMEOUT_MS, redactKeys } from "../relay/provider-upstream.ts";
import { found } from "../db/rows.ts";

const PROMPT = "Say OK";
/** Room for a short answer; reasoning models spend some of it before answering. */
const MAX_OUTPUT_TOKENS = 16;
/** "Test all" calls this many associations at once: enough to be quick, few enough not to trip a provider's limits. */
export const TEST_ALL_CONCURRENCY = 4;

/** One association as the relay would call it: its provider, its own provider model, its settings. */
export interface AssociationUnderTest {
  associationId: number;
  provider: Provider;
  candidate: RouteCandidate;
  /** The provider's first key; undefined when it has none. */
  apiKey: string | undefined;
}

/** One upstream call's outcome; any failure is a value with the upstream's own message. */
export type AssociationCall =
  | { ok: true; latencyMs: number; status: number; response: CanonicalResponse }
  | { ok: false; latencyMs: number; status: number | null; error: string };

/** The outcome of testing one association; the key never appears in it. */
export interface AssociationTestResult {
  associationId: number;
  providerId: number;
  providerName: string;
  providerModel: string;
  ok: boolean;
  latencyMs: number;
  /** The upstream's HTTP status; null when no answer came (connection refused, timeout, no key). */
  status: number | null;
  answer?: string;
  error?: string;
}

/** An association with its provider (404 when either is unknown), whatever their enabled state: a test may check a disabled one. */
export async function associationUnderTest(db: AppDatabase, associationId: number): Promise<AssociationUnderTest> {
  const { modelProviders, providers } = db.tables;
  const association = found(await first(db.orm.select().from(modelProviders).where(eq(modelProviders.id, associationId))), "model-provider", associationId);
  const provider = found(await first(db.orm.select().from(providers).where(eq(providers.id, association.providerId))), "provider", association.providerId);
  return { associationId, provider, candidate: routeCandidate(provider, association), apiKey: provider.apiKeys[0] };
}

/**
 * One non-stream call to the association, built exactly as the relay builds an attempt
 * (`upstreamTarget`, the protocol's encoder, `upstreamRequest`, `callUpstream`), so the
 * association's provider model and settings apply; redirects and oversized bodies are refused the same way.
 */
export async function callAssociation(target: AssociationUnderTest & { apiKey: string }, request: CanonicalRequest, timeoutMs: number): Promise<AssociationCall> {
  const { candidate, provider, apiKey } = target;
  const upstream = wireProtocols[candidate.wire];
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (status: number | null, error: string): AssociationCall => ({ ok: false, latencyMs: elapsed(), status, error: redactKeys(error, provider) });

  let call;
  try {
    const destination = upstreamTarget(candidate, apiKey, false);
    const encoded = upstream.encodeRequest({ ...request, model: candidate.providerModel }, destination);
    const prepared = upstreamRequest(upstream.upstreamEndpoint(destination), candidate, encoded.body);
    call = await callUpstream({ ...prepared, firstByteTimeoutMs: timeoutMs, readWholeBody: true });
  } catch (error) {
    return failed(null, (error as Error).message);
  }
  if (call.kind === "failed" || call.kind === "aborted") {
    const { status, body, message } = call.failure;
    // The upstream's own words, decoded from its error body in its protocol.
    if (status !== undefined && status >= 400 && body) return failed(status, upstream.decodeError(status, body).message);
    return failed(status ?? null, message);
  }
  const status = call.response.status;
  const text = call.kind === "body" ? call.text : "";
  if (candidate.errorMatch && text.includes(candidate.errorMatch)) return failed(status, `the answer contains the provider's error text "${candidate.errorMatch}"`);
  let body: JsonObject;
  try {
    body = JSON.parse(text) as JsonObject;
  } catch {
    return failed(status, "the upstream returned invalid JSON");
  }
  const bodyError = upstream.errorInResponse(body);
  if (bodyError) return failed(status, bodyError.message);
  try {
    return { ok: true, latencyMs: elapsed(), status, response: upstream.decodeResponse(body, request) };
  } catch (error) {
    return failed(status, `unreadable answer: ${(error as Error).message}`);
  }
}

/** The answer's text parts, joined. */
export function answerText(response: CanonicalResponse): string {
  return response.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * Tests associations one by one or all of a model: a real, minimal chat call ("Say OK") to each
 * association's own provider model with its provider's first key. Bypasses routing (health,
 * limits and breakers do not decide); a success is reported to `onAnswered`, which closes the
 * provider's breakers as a successful provider Test does (provider-recovery.ts).
 */
export class AssociationTester {
  constructor(
    private readonly db: AppDatabase,
    private readonly timeoutMs = PROVIDER_CALL_TIMEOUT_MS,
    private readonly onAnswered?: (providerId: number, apiKey: string) => Promise<void>,
  ) {}

  async test(associationId: number): Promise<AssociationTestResult> {
    return this.testOne(await associationUnderTest(this.db, associationId));
  }

  /** Every association of the model (404 for an unknown model), a few at a time, in the list's order. */
  async testModel(modelId: number): Promise<AssociationTestResult[]> {
    const { models, modelProviders } = this.db.tables;
    found(await first(this.db.orm.select({ id: models.id }).from(models).where(eq(models.id, modelId))), "model", modelId);
    const rows = await this.db.orm.select({ id: modelProviders.id }).from(modelProviders).where(eq(modelProviders.modelId, modelId)).orderBy(asc(modelProviders.id));
    const results = new Array<AssociationTestResult>(rows.length);
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const index = next++;
        results[index] = await this.test(rows[index].id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(TEST_ALL_CONCURRENCY, rows.length) }, worker));
    return results;
  }

  private async testOne(target: AssociationUnderTest): Promise<AssociationTestResult> {
    const { candidate, apiKey } = target;
    const identity = { associationId: target.associationId, providerId: candidate.providerId, providerName: candidate.providerName, providerModel: candidate.providerModel };
    if (apiKey === undefined) return { ...identity, ok: false, latencyMs: 0, status: null, error: "the provider has no API key" };
    const request: CanonicalRequest = {
      model: candidate.providerModel,
      system: [],
      messages: [{ role: "user", content: [{ type: "text", text: PROMPT }] }],
      tools: [],
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      stream: false,
      extras: {},
    };
    const call = await callAssociation({ ...target, apiKey }, request, this.timeoutMs);
    if (!call.ok) return { ...identity, ok: false, latencyMs: call.latencyMs, status: call.status, error: call.error };
    await this.onAnswered?.(candidate.providerId, apiKey);
    return { ...identity, ok: true, latencyMs: call.latencyMs, status: call.status, answer: answerText(call.response) };
  }
}
