import type { CanonicalRequest, CanonicalResponse } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { messageId } from "./message-id.ts";
import { ANTHROPIC_ORIGIN, signatureFor } from "./reasoning-envelope.ts";
import { encodeUsage } from "./usage.ts";
import type { AnthropicContentBlock } from "./wire-types.ts";
import { isObject, parseJson } from "../../core/json-values.ts";

/** Canonical → the Anthropic Message JSON a non-stream client expects. */
export function encodeResponse(response: CanonicalResponse, request: CanonicalRequest): JsonObject {
  const content: AnthropicContentBlock[] = [];
  for (const part of response.content) {
    if (part.type === "text") {
      // Anthropic rejects empty text blocks when clients replay them, so none are sent.
      if (part.text !== "") content.push({ type: "text", text: part.text });
    } else if (part.type === "reasoning") {
      if (part.redactedData && part.origin === ANTHROPIC_ORIGIN) content.push({ type: "redacted_thinking", data: part.redactedData });
      else content.push({ type: "thinking", thinking: part.text, signature: signatureFor(part) });
    } else {
      content.push({ type: "tool_use", id: part.id, name: part.name, input: toolInput(part.arguments) });
    }
  }
  const hasToolCalls = content.some((block) => block.type === "tool_use");
  return {
    id: messageId(response.id),
    type: "message",
    role: "assistant",
    model: response.model || request.model,
    content,
    stop_reason: encodeFinishReason(response.finishReason, response.rawFinishReason, hasToolCalls),
    stop_sequence: null,
    usage: encodeUsage(response.usage),
  };
}

/** Tool arguments are JSON text; Anthropic clients get the parsed object (raw text as `{input}`). */
export function toolInput(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  const parsed = parseJson(text);
  if (isObject(parsed)) return parsed;
  return parsed === undefined ? { input: text } : { value: parsed };
}
