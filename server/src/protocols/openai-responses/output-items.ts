import type { CanonicalRequest, ReasoningPart, ToolCallPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { REASONING_ORIGIN } from "./decode-request.ts";
import { wrapForeignReasoning } from "./reasoning-envelope.ts";
import { wireToolName } from "./tool-namespaces.ts";

/** Output items as a Responses client receives them, shared by the JSON and the stream encoders. */

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export function outputText(text: string): JsonObject {
  return { type: "output_text", annotations: [], logprobs: [], text };
}

export function messageItem(id: string, texts: readonly string[], status: ItemStatus): JsonObject {
  return { id, type: "message", status, content: texts.map(outputText), role: "assistant" };
}

export function summaryText(text: string): JsonObject {
  return { type: "summary_text", text };
}

/**
 * A finished reasoning item. Reasoning from this wire keeps its `encrypted_content`; anything
 * else is wrapped in our envelope so the client replays it and the next turn can hand the
 * signature back to its vendor.
 */
export function reasoningItem(id: string, reasoning: Omit<ReasoningPart, "type" | "itemId">): JsonObject {
  const item: JsonObject = { id, type: "reasoning", summary: reasoning.text === "" ? [] : [summaryText(reasoning.text)] };
  if (reasoning.origin === REASONING_ORIGIN) item.encrypted_content = reasoning.encryptedContent ?? null;
  else {
    item.encrypted_content = wrapForeignReasoning({
      origin: reasoning.origin,
      signature: reasoning.signature,
      redactedData: reasoning.redactedData,
    });
  }
  return item;
}

/** A function or custom tool call item, named back into the client's namespace if it had one. */
export function toolCallItem(
  id: string,
  call: Pick<ToolCallPart, "id" | "name" | "arguments" | "kind">,
  status: ItemStatus,
  request: Pick<CanonicalRequest, "extras"> | undefined,
): JsonObject {
  const wire = wireToolName(request, call.name);
  const item: JsonObject =
    call.kind === "custom"
      ? { id, type: "custom_tool_call", status, call_id: call.id, name: wire.name, input: call.arguments }
      : { id, type: "function_call", status, arguments: call.arguments, call_id: call.id, name: wire.name };
  if (wire.namespace !== undefined) item.namespace = wire.namespace;
  return item;
}
