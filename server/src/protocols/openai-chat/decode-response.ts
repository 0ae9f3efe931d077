import type { CanonicalRequest, CanonicalResponse, ToolCallPart } from "../../core/canonical.ts";
import type { JsonObject } from "../../core/wire-protocol.ts";
import { customToolNames, unwrapCustomInput } from "./custom-tools.ts";
import { REASONING_ORIGIN } from "./reasoning-origin.ts";
import { errorInResponse } from "./errors.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { isObject, nonEmptyString, stringOf } from "../../core/json-values.ts";
import { decodeUsage } from "./usage.ts";
import type { ChatCompletion, ChatMessage, ChatToolCall } from "./wire-types.ts";

/**
 * A `chat.completion` body → the canonical response (first choice only). Reasoning comes from
 * `message.reasoning_content` (DeepSeek, Qwen, vLLM) or `message.reasoning` (OpenRouter).
 * With the request at hand, calls to custom tools (sent as `{input}` function tools) are
 * unwrapped back to their raw text input.
 */
export function decodeResponse(body: JsonObject, request?: CanonicalRequest): CanonicalResponse {
  const completion = body as ChatCompletion;
  // Some OpenAI-compatible servers answer HTTP 200 with an error envelope.
  const error = errorInResponse(body);
  if (error) throw error;
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  const message: ChatMessage = isObject(choice?.message) ? (choice.message as ChatMessage) : {};
  const content: CanonicalResponse["content"] = [];

  // vLLM has sent both fields with the same text; read one.
  const reasoning = nonEmptyString(message.reasoning_content) ?? nonEmptyString(message.reasoning);
  if (reasoning) content.push({ type: "reasoning", text: reasoning, origin: REASONING_ORIGIN });

  if (typeof message.content === "string" && message.content !== "") content.push({ type: "text", text: message.content });
  else if (Array.isArray(message.content)) {
    for (const part of message.content) if (isObject(part) && typeof part.text === "string") content.push({ type: "text", text: part.text });
  }
  if (typeof message.refusal === "string" && message.refusal !== "") content.push({ type: "text", text: message.refusal });

  const customTools = customToolNames(request);
  let callCount = 0;
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    const part = decodeCall(call, `call_${completion.id ?? "response"}_${callCount}`);
    if (part === undefined) continue;
    callCount++;
    if (part.kind === "function" && customTools.has(part.name)) {
      part.kind = "custom";
      part.arguments = unwrapCustomInput(part.arguments);
    }
    content.push(part);
  }
  const legacy = message.function_call;
  if (legacy && typeof legacy.name === "string") {
    const args = typeof legacy.arguments === "string" ? legacy.arguments : "";
    content.push({ type: "tool-call", id: `call_legacy_${callCount}`, name: legacy.name, arguments: args, kind: "function" });
    callCount++;
  }

  const rawFinishReason = stringOf(choice?.finish_reason);
  const response: CanonicalResponse = {
    id: typeof completion.id === "string" ? completion.id : "",
    model: typeof completion.model === "string" ? completion.model : "",
    content,
    finishReason: decodeFinishReason(rawFinishReason, callCount > 0),
  };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  const usage = decodeUsage(completion.usage);
  if (usage) response.usage = usage;
  if (typeof completion.created === "number") response.created = completion.created;
  return response;
}

function decodeCall(raw: unknown, fallbackId: string): ToolCallPart | undefined {
  if (!isObject(raw)) return undefined;
  const call = raw as ChatToolCall;
  const id = typeof call.id === "string" && call.id !== "" ? call.id : fallbackId;
  if (call.type === "custom" && typeof call.custom?.name === "string") {
    return { type: "tool-call", id, name: call.custom.name, arguments: call.custom.input ?? "", kind: "custom" };
  }
  if (typeof call.function?.name !== "string") return undefined;
  const args: unknown = call.function.arguments;
  // Some vendors return the arguments as an object instead of JSON text.
  const text = typeof args === "string" ? args : args === undefined ? "" : JSON.stringify(args);
  return { type: "tool-call", id, name: call.function.name, arguments: text, kind: "function" };
}
