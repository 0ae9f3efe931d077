import type { FinishReason } from "../../core/canonical.ts";
import type { WireResponse } from "./wire-types.ts";

/**
 * Responses has no finish reason: it reports a `status`, `incomplete_details.reason`
 * for incomplete answers, and the output items (a function call means "tool calls").
 * The raw reason kept is the incomplete reason when there is one, else the status.
 */
export function decodeFinishReason(
  response: Pick<WireResponse, "status" | "incomplete_details">,
  hasToolCalls: boolean,
): { finishReason: FinishReason; rawFinishReason: string } {
  const status = response.status ?? "completed";
  const reason = response.incomplete_details?.reason;
  if (status === "incomplete") {
    if (reason === "max_output_tokens") return { finishReason: "length", rawFinishReason: reason };
    if (reason === "content_filter") return { finishReason: "content-filter", rawFinishReason: reason };
    return { finishReason: hasToolCalls ? "tool-calls" : "other", rawFinishReason: reason ?? status };
  }
  if (status === "failed" || status === "cancelled") return { finishReason: "error", rawFinishReason: status };
  if (status === "completed") return { finishReason: hasToolCalls ? "tool-calls" : "stop", rawFinishReason: status };
  return { finishReason: "other", rawFinishReason: status };
}

/** What a canonical finish reason looks like on the Responses wire. */
export interface EncodedFinish {
  status: "completed" | "incomplete" | "failed";
  incompleteDetails: { reason: string } | null;
}

export function encodeFinishReason(finishReason: FinishReason): EncodedFinish {
  switch (finishReason) {
    case "length":
      return { status: "incomplete", incompleteDetails: { reason: "max_output_tokens" } };
    case "content-filter":
      return { status: "incomplete", incompleteDetails: { reason: "content_filter" } };
    case "error":
      return { status: "failed", incompleteDetails: null };
    default:
      return { status: "completed", incompleteDetails: null };
  }
}
