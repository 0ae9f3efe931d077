import type { JsonObject } from "../../core/wire-protocol.ts";
import type { Usage } from "../../core/usage.ts";

interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

export function decodeUsage(raw: ChatUsage | null | undefined): Usage | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const inputTokens = raw.prompt_tokens ?? 0;
  const outputTokens = raw.completion_tokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    cachedTokens: raw.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: raw.completion_tokens_details?.reasoning_tokens ?? 0,
    totalTokens: raw.total_tokens ?? inputTokens + outputTokens,
  };
}

export function usageFromResponse(body: JsonObject): Usage | undefined {
  return decodeUsage(body.usage as ChatUsage | undefined);
}

/** Only chunks that mention a non-null usage are parsed, so the stream's hot path stays cheap. */
export function usageFromStreamEvent(data: string): Usage | undefined {
  if (!data.includes('"usage":{') && !data.includes('"usage": {')) return undefined;
  try {
    return decodeUsage((JSON.parse(data) as JsonObject).usage as ChatUsage);
  } catch {
    return undefined;
  }
}
