import stringify from "safe-stable-stringify";
import type { CanonicalRequest } from "../core/canonical.ts";

/**
 * Client-side fields that never change the answer: how it is delivered (stream mode and its
 * options), who asked (abuse-tracking ids), and storage flags. Keyed by the client wire's names,
 * as the decoders keep them in `extras`.
 */
const DELIVERY_ONLY_EXTRAS = new Set(["stream_options", "user", "metadata", "store", "safety_identifier", "prompt_cache_key", "prompt_cache_retention"]);

/** Who shares cache entries: everyone, or each client key on its own (the model's `cachePerKey`). */
export type CachePartition = string | undefined;

/**
 * The cache key: a SHA-256 over what decides the answer: the public model, the decoded request
 * (system, messages, tools, sampling, response format, reasoning, vendor extras) and the
 * partition. Two clients that order a tool schema's JSON differently share entries; the stream
 * flag is left out, so a streaming client can be served an answer a
 * non-streaming one fetched (and the other way round). The client's protocol is left out too:
 * the canonical request is the same whichever wire it came in on.
 */
export function cacheKey(publicModel: string, request: CanonicalRequest, partition: CachePartition): string {
  const extras: Record<string, unknown> = {};
  for (const name of Object.keys(request.extras)) if (!DELIVERY_ONLY_EXTRAS.has(name)) extras[name] = request.extras[name];
  // The decoders build system and messages in a fixed field order, so the fast native JSON is stable
  // there; tools, response format and vendor fields carry the client's own JSON (a schema's
  // properties in any order), so their keys are sorted.
  const material = JSON.stringify([
    1,
    publicModel,
    partition ?? null,
    request.system,
    request.messages,
    request.tools.length > 0 ? stringify(request.tools) : null,
    request.toolChoice ?? null,
    request.parallelToolCalls ?? null,
    request.maxOutputTokens ?? null,
    request.temperature ?? null,
    request.topP ?? null,
    request.topK ?? null,
    request.stopSequences ?? null,
    request.seed ?? null,
    request.presencePenalty ?? null,
    request.frequencyPenalty ?? null,
    request.responseFormat ? stringify(request.responseFormat) : null,
    request.reasoning ? stringify(request.reasoning) : null,
    stringify(extras),
  ]);
  return new Bun.CryptoHasher("sha256").update(material).digest("hex");
}

/**
 * Whether the same request gives the same answer: temperature 0, or a fixed seed. Without a
 * temperature the provider's default (about 1 everywhere) applies, which is random. `n` > 1 never
 * reaches here: the decoders refuse it.
 */
export function isDeterministic(request: CanonicalRequest): boolean {
  return request.temperature === 0 || request.seed !== undefined;
}
