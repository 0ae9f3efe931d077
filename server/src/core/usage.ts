/**
 * Token usage normalised across wire protocols. `inputTokens` is the whole prompt,
 * cached and cache-written tokens included (Anthropic reports those separately; decoders add them).
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (part of inputTokens). */
  cachedTokens: number;
  /** Input tokens written to the prompt cache (part of inputTokens; Anthropic only). */
  cacheWriteTokens?: number;
  /** Output tokens spent on reasoning (part of outputTokens). */
  reasoningTokens: number;
  totalTokens: number;
  /** True when counted locally with a tokenizer because the upstream reported nothing. */
  estimated?: boolean;
}

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 0 });

/** Later partial reports override earlier ones, field by field (streams report usage piecemeal). */
export function mergeUsage(base: Usage | undefined, update: Partial<Usage> | undefined): Usage | undefined {
  if (!update) return base;
  const merged = { ...(base ?? emptyUsage()) };
  for (const key of Object.keys(update) as Array<keyof Usage>) {
    const value = update[key];
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (update.totalTokens === undefined) merged.totalTokens = merged.inputTokens + merged.outputTokens;
  return merged;
}
