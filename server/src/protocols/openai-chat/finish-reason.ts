import type { FinishReason } from "../../core/canonical.ts";

/** The finish reasons Chat Completions clients understand. */
export type ChatFinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

/**
 * An upstream `finish_reason` → canonical. Vendors add their own values (DeepSeek
 * `insufficient_system_resource`, some `eos`/`end_turn`); those map to the closest meaning.
 * The caller keeps the raw string next to the canonical one.
 */
export function decodeFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case "stop":
    case "eos":
    case "end_turn":
    case "stop_sequence":
      return hasToolCalls ? "tool-calls" : "stop";
    case "length":
    case "max_tokens":
      return "length";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool-calls";
    case "content_filter":
    case "safety":
      return "content-filter";
    // https://api-docs.deepseek.com/api/create-chat-completion: the server ran out of capacity mid-answer.
    case "insufficient_system_resource":
    case "error":
      return "error";
    case null:
    case undefined:
    case "":
      return hasToolCalls ? "tool-calls" : "stop";
    default:
      return "other";
  }
}

/**
 * Canonical → the `finish_reason` a Chat client expects. Chat has no "error"/"other"
 * reason, so both end as "stop". A response that calls tools reports "tool_calls" even when
 * the upstream said "stop" (Gemini does), because agent loops key on it.
 */
export function encodeFinishReason(reason: FinishReason, hasToolCalls: boolean): ChatFinishReason {
  switch (reason) {
    case "length":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}
