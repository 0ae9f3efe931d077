import type { Usage } from "../../core/usage.ts";
import type { WireUsage } from "./wire-types.ts";

/**
 * Responses usage → canonical. `input_tokens` already includes cached tokens and
 * `output_tokens` includes reasoning tokens, as the canonical model wants.
 */
export function decodeUsage(raw: WireUsage | null | undefined): Usage | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const inputTokens = raw.input_tokens ?? 0;
  const outputTokens = raw.output_tokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    cachedTokens: raw.input_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: raw.output_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: raw.total_tokens ?? inputTokens + outputTokens,
  };
}

/**
 * Canonical usage → the Responses shape. Every field is present: Codex deserialises
 * `input_tokens`, `output_tokens` and `total_tokens` as required numbers.
 */
export function encodeUsage(usage: Partial<Usage> | undefined): Required<WireUsage> {
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: usage?.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: usage?.totalTokens ?? inputTokens + outputTokens,
  };
}
