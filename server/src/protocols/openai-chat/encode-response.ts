import type { CanonicalRequest, CanonicalResponse, ToolCallPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { encodeUsage } from "./usage.ts";

/**
 * The canonical response → a `chat.completion` object. Reasoning text is returned as
 * `message.reasoning_content` (the DeepSeek convention Cherry Studio, Open WebUI and LobeChat
 * display); signatures and encrypted reasoning have no place in Chat and are dropped.
 */
export function encodeResponse(response: CanonicalResponse, request: CanonicalRequest): JsonObject {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const calls: JsonObject[] = [];
  for (const part of response.content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "reasoning") {
      if (part.text !== "") reasoning.push(part.text);
    } else calls.push(encodeToolCall(part));
  }
  const text = texts.join("");
  const message: JsonObject = { role: "assistant", content: text === "" && calls.length > 0 ? null : text };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("\n\n");
  if (calls.length > 0) message.tool_calls = calls;
  message.refusal = null;

  const body: JsonObject = {
    id: chatCompletionId(response.id),
    object: "chat.completion",
    created: response.created ?? Math.floor(Date.now() / 1000),
    model: response.model || request.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeFinishReason(response.finishReason, calls.length > 0) }],
  };
  if (response.usage) body.usage = encodeUsage(response.usage);
  return body;
}

/** Free-form tool calls keep OpenAI's `custom` shape; everything else is a function call. */
export function encodeToolCall(call: ToolCallPart): JsonObject {
  if (call.kind === "custom") return { id: call.id, type: "custom", custom: { name: call.name, input: call.arguments } };
  return { id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } };
}

/** Upstream ids are kept (they help tracing); an empty one gets a fresh `chatcmpl-` id. */
export function chatCompletionId(id: string): string {
  return id === "" ? `chatcmpl-${crypto.randomUUID().replaceAll("-", "")}` : id;
}
