import type { CanonicalResponse, ReasoningPart, TextPart, ToolCallPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { ANTHROPIC_ORIGIN } from "./reasoning-envelope.ts";
import { decodeUsage } from "./usage.ts";
import type { AnthropicResponse } from "./wire-types.ts";
import { isObject, stringOf } from "../../core/json-values.ts";

/** A non-stream Anthropic Message → canonical. Server-tool blocks are skipped. */
export function decodeResponse(raw: JsonObject): CanonicalResponse {
  const body = raw as AnthropicResponse;
  const content: Array<TextPart | ToolCallPart | ReasoningPart> = [];
  for (const block of Array.isArray(body.content) ? body.content : []) {
    if (!isObject(block)) continue;
    switch (block.type) {
      case "text":
        content.push({ type: "text", text: stringOf(block.text) ?? "" });
        break;
      case "thinking": {
        const part: ReasoningPart = { type: "reasoning", text: stringOf(block.thinking) ?? "", origin: ANTHROPIC_ORIGIN };
        const signature = stringOf(block.signature);
        if (signature) part.signature = signature;
        content.push(part);
        break;
      }
      case "redacted_thinking":
        content.push({ type: "reasoning", text: "", redactedData: stringOf(block.data) ?? "", origin: ANTHROPIC_ORIGIN });
        break;
      case "tool_use":
        content.push({
          type: "tool-call",
          id: stringOf(block.id) ?? "",
          name: stringOf(block.name) ?? "",
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
    }
  }
  const stopReason = stringOf(body.stop_reason);
  const response: CanonicalResponse = {
    id: stringOf(body.id) ?? "",
    model: stringOf(body.model) ?? "",
    content,
    finishReason: decodeFinishReason(stopReason),
  };
  if (stopReason) response.rawFinishReason = stopReason;
  const usage = decodeUsage(body.usage);
  if (usage) response.usage = usage;
  return response;
}
