import type { Usage } from "../../core/usage.ts";
import { isObject, numberOf } from "../../core/json-values.ts";
import type { GeminiUsageMetadata } from "./wire-types.ts";

/**
 * Gemini `usageMetadata` → canonical. `promptTokenCount` already includes the cached
 * content; tool-use prompt tokens are input too. Thoughts are billed as output but reported
 * apart from `candidatesTokenCount`, so output = candidates + thoughts.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function decodeUsage(raw: GeminiUsageMetadata | null | undefined): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const inputTokens = (numberOf(raw.promptTokenCount) ?? 0) + (numberOf(raw.toolUsePromptTokenCount) ?? 0);
  const reasoningTokens = numberOf(raw.thoughtsTokenCount) ?? 0;
  const outputTokens = (numberOf(raw.candidatesTokenCount) ?? 0) + reasoningTokens;
  return {
    inputTokens,
    outputTokens,
    cachedTokens: numberOf(raw.cachedContentTokenCount) ?? 0,
    reasoningTokens,
    totalTokens: inputTokens + outputTokens,
  };
}

/**
 * Canonical → Gemini `usageMetadata`. Optional counts are omitted when zero, as Gemini
 * does; `promptTokenCount` is always present (Gemini CLI reads it for context size).
 */
export function encodeUsage(usage: Partial<Usage> | undefined): GeminiUsageMetadata {
  const promptTokenCount = usage?.inputTokens ?? 0;
  const reasoning = usage?.reasoningTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  const encoded: GeminiUsageMetadata = { promptTokenCount };
  if (usage?.outputTokens !== undefined) encoded.candidatesTokenCount = Math.max(0, output - reasoning);
  if (usage?.cachedTokens) encoded.cachedContentTokenCount = usage.cachedTokens;
  if (reasoning > 0) encoded.thoughtsTokenCount = reasoning;
  encoded.totalTokenCount = usage?.totalTokens ?? promptTokenCount + output;
  return encoded;
}
