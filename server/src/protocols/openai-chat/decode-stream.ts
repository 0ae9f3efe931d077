import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { customToolNames, unwrapCustomInput } from "./custom-tools.ts";
import { REASONING_ORIGIN } from "./reasoning-origin.ts";
import { decodeStreamError } from "./errors.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { isObject, nonEmptyString, parseJson } from "../../core/json-values.ts";
import { decodeUsage } from "./usage.ts";
import type { ChatCompletionChunk, ChatDelta, ChatErrorBody, ChatToolCallDelta } from "./wire-types.ts";

interface ToolCallState {
  block: number;
  id: string;
  open: boolean;
  /** The arguments so far, to tell a finished call from one still streaming (see toolKey). */
  argumentsText: string;
  /** Calls to custom tools arrive as `{"input": …}` JSON: buffered, then unwrapped in one delta. */
  wrappedArguments?: string[];
}

type Emit = (event: StreamEvent) => void;

/**
 * Upstream `chat.completion.chunk` events → canonical events. Text, `reasoning_content` /
 * `reasoning` and each tool call (tracked by its `index`) become blocks, one open at a time:
 * OpenAI-compatible vendors stream them one after another. `[DONE]` ends the stream; so does a
 * clean end after a `finish_reason` chunk (vendors that omit `[DONE]`). An `{"error": …}` frame
 * becomes an error event, and a stream that stops before any finish reason becomes the error
 * "stream ended before completion". With the request at hand, calls to custom tools are unwrapped.
 */
export function decodeStream(request?: CanonicalRequest): TransformStream<SseEvent, StreamEvent> {
  const customTools = customToolNames(request);
  let started = false;
  let done = false;
  let nextBlock = 0;
  let openBlock: { kind: "text" | "reasoning"; index: number } | undefined;
  let openTool: ToolCallState | undefined;
  const tools = new Map<string, ToolCallState>();
  let lastToolKey: string | undefined;
  const lastKeyOfIndex = new Map<number, string>();
  let finishSeen = false;
  let rawFinishReason: string | undefined;
  let usage: Usage | undefined;

  const start = (emit: Emit, chunk: ChatCompletionChunk) => {
    if (started) return;
    started = true;
    emit({ type: "response-start", id: typeof chunk.id === "string" ? chunk.id : "", model: typeof chunk.model === "string" ? chunk.model : "" });
  };

  const closeOpen = (emit: Emit) => {
    if (openBlock?.kind === "text") emit({ type: "text-end", index: openBlock.index });
    if (openBlock?.kind === "reasoning") emit({ type: "reasoning-end", index: openBlock.index, origin: REASONING_ORIGIN });
    openBlock = undefined;
    if (openTool) {
      if (openTool.wrappedArguments) {
        const input = unwrapCustomInput(openTool.wrappedArguments.join(""));
        if (input !== "") emit({ type: "tool-input-delta", index: openTool.block, delta: input });
      }
      emit({ type: "tool-input-end", index: openTool.block });
      openTool.open = false;
      openTool = undefined;
    }
  };

  const appendText = (emit: Emit, kind: "text" | "reasoning", text: string) => {
    if (openBlock?.kind !== kind) {
      closeOpen(emit);
      openBlock = { kind, index: nextBlock++ };
      emit(kind === "text" ? { type: "text-start", index: openBlock.index } : { type: "reasoning-start", index: openBlock.index });
    }
    const index = openBlock.index;
    emit(kind === "text" ? { type: "text-delta", index, text } : { type: "reasoning-delta", index, text });
  };

  const appendToolCall = (emit: Emit, call: ChatToolCallDelta, chunkId: string) => {
    const key = toolKey(call);
    let state = tools.get(key);
    if (state === undefined) {
      closeOpen(emit);
      const name = call.function?.name ?? call.custom?.name ?? "";
      const id = typeof call.id === "string" && call.id !== "" ? call.id : `call_${chunkId}_${tools.size}`;
      const wrapped = call.type !== "custom" && customTools.has(name);
      state = { block: nextBlock++, id, open: true, argumentsText: "", wrappedArguments: wrapped ? [] : undefined };
      tools.set(key, state);
      lastToolKey = key;
      openTool = state;
      const kind = call.type === "custom" || wrapped ? "custom" : "function";
      emit({ type: "tool-input-start", index: state.block, id, name, kind });
    }
    const fragment = call.function?.arguments ?? call.custom?.input;
    // A late fragment for a call already closed cannot be placed; vendors stream calls in order.
    if (typeof fragment !== "string" || fragment === "" || !state.open) return;
    state.argumentsText += fragment;
    if (state.wrappedArguments) state.wrappedArguments.push(fragment);
    else emit({ type: "tool-input-delta", index: state.block, delta: fragment });
  };

  /**
   * Which call a delta belongs to: its `index`, with two vendor quirks. Ollama reuses index 0
   * for every call of a parallel batch, so a new id and name after complete arguments start a
   * new call (LM Studio and Kimi repeat fresh ids on fragments of one call, without a name).
   * Gemini's compatibility layer omits the index: a new id means a new call.
   */
  const toolKey = (call: ChatToolCallDelta): string => {
    const hasId = typeof call.id === "string" && call.id !== "";
    if (typeof call.index === "number") {
      const key = lastKeyOfIndex.get(call.index) ?? String(call.index);
      const existing = tools.get(key);
      const named = typeof call.function?.name === "string" && call.function.name !== "";
      if (existing === undefined || !hasId || existing.id === call.id || !named || parseJson(existing.argumentsText) === undefined) {
        lastKeyOfIndex.set(call.index, key);
        return key;
      }
      const fresh = `${key}#${tools.size}`;
      lastKeyOfIndex.set(call.index, fresh);
      return fresh;
    }
    if (hasId) {
      for (const [key, state] of tools) if (state.id === call.id) return key;
      return `#${tools.size}`;
    }
    return lastToolKey ?? `#${tools.size}`;
  };

  const finalize = (emit: Emit) => {
    closeOpen(emit);
    if (!started) emit({ type: "response-start", id: "", model: "" });
    started = true;
    done = true;
    const finishReason = decodeFinishReason(rawFinishReason, tools.size > 0);
    const event: StreamEvent = { type: "finish", finishReason };
    if (rawFinishReason !== undefined) event.rawFinishReason = rawFinishReason;
    if (usage) event.usage = usage;
    emit(event);
  };

  const fail = (emit: Emit, error: GatewayError) => {
    done = true;
    emit({ type: "error", error });
  };

  const applyDelta = (emit: Emit, delta: ChatDelta, chunkId: string) => {
    // vLLM has sent both fields with the same text; read one.
    const reasoning = nonEmptyString(delta.reasoning_content) ?? nonEmptyString(delta.reasoning);
    if (reasoning !== undefined) appendText(emit, "reasoning", reasoning);
    if (typeof delta.content === "string" && delta.content !== "") appendText(emit, "text", delta.content);
    if (typeof delta.refusal === "string" && delta.refusal !== "") appendText(emit, "text", delta.refusal);
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isObject(call)) appendToolCall(emit, call, chunkId);
    }
    // Legacy `function_call` deltas: one call, no id.
    if (isObject(delta.function_call)) appendToolCall(emit, { index: 0, function: delta.function_call }, chunkId);
  };

  return new TransformStream<SseEvent, StreamEvent>({
    transform(event, controller) {
      if (done) return;
      const emit: Emit = (value) => controller.enqueue(value);
      if (event.data === "[DONE]") {
        finalize(emit);
        return;
      }
      const parsed = parseJson(event.data);
      if (!isObject(parsed)) {
        if (event.event === "error") fail(emit, new GatewayError("upstream", event.data || "upstream stream reported an error"));
        return; // vendor keep-alives and other non-JSON data
      }
      const chunk = parsed as ChatCompletionChunk;
      if (chunk.error !== undefined && chunk.error !== null && !Array.isArray(chunk.choices)) {
        fail(emit, decodeStreamError(chunk.error as ChatErrorBody | string));
        return;
      }
      if (event.event === "error") {
        fail(emit, decodeStreamError(parsed as ChatErrorBody));
        return;
      }
      start(emit, chunk);
      const chunkId = typeof chunk.id === "string" ? chunk.id : "stream";
      for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
        // n > 1 is never requested by the hub; other choices are ignored.
        if (!isObject(choice) || (choice.index ?? 0) !== 0) continue;
        if (isObject(choice.delta)) applyDelta(emit, choice.delta, chunkId);
        if (typeof choice.finish_reason === "string" && choice.finish_reason !== "") {
          finishSeen = true;
          rawFinishReason = choice.finish_reason;
          // Blocks end with the finish chunk, before the usage chunk that may follow.
          closeOpen(emit);
        }
      }
      if (isObject(chunk.usage)) {
        const decoded = decodeUsage(chunk.usage);
        if (decoded) {
          usage = decoded;
          emit({ type: "usage", usage: decoded });
        }
      }
    },
    flush(controller) {
      if (done) return;
      const emit: Emit = (value) => controller.enqueue(value);
      // Some vendors close the connection after the finish chunk without `[DONE]`: that is complete.
      if (finishSeen) finalize(emit);
      else fail(emit, new GatewayError("upstream", "stream ended before completion"));
    },
  });
}
