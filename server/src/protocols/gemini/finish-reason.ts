/**
 * Gemini `Candidate.finishReason` ↔ canonical finish reasons.
 * https://ai.google.dev/api/generate-content#FinishReason
 *
 * Gemini has no finish reason of its own for function calls: a turn that ends in a
 * functionCall reports `STOP`, so the decoder needs to know whether calls were seen.
 */
import type { FinishReason } from "../../core/canonical.ts";

const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
]);

/** The model produced something Gemini itself rejected. */
const MODEL_ERROR = new Set([
  "MALFORMED_FUNCTION_CALL",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "MISSING_THOUGHT_SIGNATURE",
  "MALFORMED_RESPONSE",
]);

const KNOWN = new Set([
  "FINISH_REASON_UNSPECIFIED",
  "STOP",
  "MAX_TOKENS",
  "LANGUAGE",
  "OTHER",
  "IMAGE_OTHER",
  "NO_IMAGE",
  ...CONTENT_FILTER,
  ...MODEL_ERROR,
]);

/** A Gemini finish reason (or prompt-feedback block reason) → canonical. */
export function decodeFinishReason(raw: string | undefined, sawToolCall: boolean): FinishReason {
  if (raw === undefined || raw === "STOP") return sawToolCall ? "tool-calls" : "stop";
  if (raw === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER.has(raw)) return "content-filter";
  if (MODEL_ERROR.has(raw)) return "error";
  return "other";
}

/** Prompt-level blocks (`promptFeedback.blockReason`) are all content filtering. */
export function decodeBlockReason(): FinishReason {
  return "content-filter";
}

/** Canonical → Gemini; a raw reason that already is a Gemini value is kept as it was. */
export function encodeFinishReason(reason: FinishReason, raw?: string): string {
  if (raw !== undefined && KNOWN.has(raw) && raw !== "FINISH_REASON_UNSPECIFIED") return raw;
  switch (reason) {
    case "stop":
    case "tool-calls":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content-filter":
      return "SAFETY";
    case "error":
    case "other":
      return "OTHER";
  }
}
