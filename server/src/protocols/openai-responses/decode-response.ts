import type { CanonicalResponse } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { decodeReasoningItem } from "./decode-request.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { decodeUsage } from "./usage.ts";
import type { WireCustomToolCallItem, WireFunctionCallItem, WireMessageItem, WireReasoningItem, WireResponse } from "./wire-types.ts";

/** An upstream Response object → canonical. Unknown output items (built-in tool calls) are skipped. */
export function decodeResponse(body: JsonObject): CanonicalResponse {
  const response = body as WireResponse;
  const content: CanonicalResponse["content"] = [];
  let hasToolCalls = false;
  for (const item of response.output ?? []) {
    if (!item || typeof item !== "object") continue;
    switch (item.type) {
      case "message": {
        const parts = (item as WireMessageItem).content;
        if (typeof parts === "string") {
          content.push({ type: "text", text: parts });
          break;
        }
        for (const part of parts ?? []) {
          if (part?.type === "refusal" && typeof part.refusal === "string") content.push({ type: "text", text: part.refusal });
          else if (typeof part?.text === "string") content.push({ type: "text", text: part.text });
        }
        break;
      }
      case "reasoning":
        content.push(decodeReasoningItem(item as WireReasoningItem));
        break;
      case "function_call":
      case "custom_tool_call": {
        const call = item as WireFunctionCallItem | WireCustomToolCallItem;
        hasToolCalls = true;
        content.push({
          type: "tool-call",
          id: call.call_id ?? call.id ?? "",
          name: call.name ?? "",
          arguments: call.type === "custom_tool_call" ? (call.input ?? "") : (call.arguments ?? ""),
          kind: call.type === "custom_tool_call" ? "custom" : "function",
        });
        break;
      }
    }
  }
  const decoded: CanonicalResponse = {
    id: response.id ?? "",
    model: response.model ?? "",
    content,
    ...decodeFinishReason(response, hasToolCalls),
  };
  const usage = decodeUsage(response.usage);
  if (usage) decoded.usage = usage;
  if (typeof response.created_at === "number") decoded.created = response.created_at;
  return decoded;
}
