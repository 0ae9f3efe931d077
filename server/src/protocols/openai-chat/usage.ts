import type { Usage } from "../../core/usage.ts";
import type { ChatUsage } from "./wire-types.ts";

/**
 * A Chat Completions usage object → canonical usage. `prompt_tokens` already includes
 * cached tokens, as the canonical `inputTokens` does.
 */
export function decodeUsage(raw: ChatUsage | null | undefined): Usage | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const inputTokens = numberOr(raw.prompt_tokens, 0);
  const outputTokens = numberOr(raw.completion_tokens, 0);
  return {
    inputTokens,
    outputTokens,
    // DeepSeek: https://api-docs.deepseek.com/api/create-chat-completion (prompt_cache_hit_tokens)
    cachedTokens: numberOr(raw.prompt_tokens_details?.cached_tokens, numberOr(raw.prompt_cache_hit_tokens, 0)),
    reasoningTokens: numberOr(raw.completion_tokens_details?.reasoning_tokens, 0),
    totalTokens: numberOr(raw.total_tokens, inputTokens + outputTokens),
  };
}

/** Canonical usage → the Chat Completions usage object (the full shape OpenAI sends). */
export function encodeUsage(usage: Usage): Required<Omit<ChatUsage, "prompt_cache_hit_tokens">> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens || usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
