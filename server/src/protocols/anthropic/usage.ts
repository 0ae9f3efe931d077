import type { Usage } from "../../core/usage.ts";
import type { AnthropicUsage } from "./wire-types.ts";
import { isObject, numberOf } from "../../core/json-values.ts";

/**
 * Anthropic usage → canonical. Anthropic's `input_tokens` excludes cache reads and cache
 * writes; the canonical `inputTokens` is the whole prompt, so the three are added.
 * https://docs.claude.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function decodeUsage(raw: AnthropicUsage | null | undefined): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const uncached = numberOf(raw.input_tokens) ?? 0;
  const cachedTokens = numberOf(raw.cache_read_input_tokens) ?? 0;
  const cacheWriteTokens = numberOf(raw.cache_creation_input_tokens) ?? 0;
  const inputTokens = uncached + cachedTokens + cacheWriteTokens;
  const outputTokens = numberOf(raw.output_tokens) ?? 0;
  return {
    inputTokens,
    outputTokens,
    cachedTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
    totalTokens: inputTokens + outputTokens,
  };
}

/**
 * Only the fields a (possibly partial) usage report carries: stream `message_delta` events
 * may report output tokens alone, and absent fields must not reset earlier ones.
 */
export function decodePartialUsage(raw: AnthropicUsage | null | undefined): Partial<Usage> | undefined {
  if (!isObject(raw)) return undefined;
  const uncached = numberOf(raw.input_tokens);
  const cachedTokens = numberOf(raw.cache_read_input_tokens);
  const cacheWriteTokens = numberOf(raw.cache_creation_input_tokens);
  const outputTokens = numberOf(raw.output_tokens);
  const usage: Partial<Usage> = {};
  if (uncached !== undefined) usage.inputTokens = uncached + (cachedTokens ?? 0) + (cacheWriteTokens ?? 0);
  if (cachedTokens !== undefined) usage.cachedTokens = cachedTokens;
  if (cacheWriteTokens !== undefined) usage.cacheWriteTokens = cacheWriteTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

export interface EncodedUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

/** Canonical usage → Anthropic's fields (`input_tokens` without the cached parts). */
export function encodeUsage(usage: Partial<Usage> | undefined): EncodedUsage {
  const cacheRead = usage?.cachedTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
}
