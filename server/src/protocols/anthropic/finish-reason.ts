import type { FinishReason } from "../../core/canonical.ts";

/** Anthropic `stop_reason` values. https://docs.claude.com/en/api/handling-stop-reasons */
const CANONICAL_BY_STOP_REASON: Record<string, FinishReason> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool-calls",
  refusal: "content-filter",
  pause_turn: "other",
};

const STOP_REASON_BY_CANONICAL: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
  error: "end_turn",
  other: "end_turn",
};

/** Anthropic `stop_reason` → canonical finish reason (unknown or null → "other"). */
export function decodeFinishReason(stopReason: string | null | undefined): FinishReason {
  return (stopReason && CANONICAL_BY_STOP_REASON[stopReason]) || "other";
}

/**
 * Canonical finish reason → Anthropic `stop_reason`. The raw reason is kept when it is an
 * Anthropic value meaning the same thing (e.g. `stop_sequence`, `pause_turn`). Answers that
 * contain tool calls always say `tool_use`: Gemini reports STOP there, and Anthropic clients
 * run tools on `tool_use`.
 */
export function encodeFinishReason(finishReason: FinishReason, rawFinishReason: string | undefined, hasToolCalls: boolean): string {
  if (hasToolCalls) return "tool_use";
  if (rawFinishReason && CANONICAL_BY_STOP_REASON[rawFinishReason] === finishReason) return rawFinishReason;
  if (finishReason === "tool-calls") return "end_turn";
  return STOP_REASON_BY_CANONICAL[finishReason];
}
