import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext } from "../../core/wire-protocol.ts";
import { encodeResponseError } from "./errors.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { newId, responseIdOf } from "./ids.ts";
import { messageItem, outputText, reasoningItem, summaryText, toolCallItem } from "./output-items.ts";
import { responseObject } from "./response-object.ts";

interface OpenBlock {
  kind: "text" | "reasoning" | "tool";
  outputIndex: number;
  itemId: string;
  /** Text, reasoning summary or tool input accumulated so far. */
  text: string;
  summaryOpen?: boolean;
  call?: { id: string; name: string; kind: "function" | "custom" };
}

/**
 * Canonical events → the Responses stream grammar Codex reads
 * (https://platform.openai.com/docs/api-reference/responses-streaming):
 * `response.created`, `response.in_progress`, then per output item `output_item.added` …
 * deltas … `output_item.done` carrying the complete item (Codex records items from it),
 * and one terminal `response.completed` / `response.incomplete` / `response.failed`.
 * Every event has a `sequence_number`, and its SSE `event:` equals its `type`.
 */
export function encodeStream(request: CanonicalRequest, _context: RequestContext = {}): TransformStream<StreamEvent, string> {
  let sequence = 0;
  let started = false;
  let ended = false;
  let responseId = "";
  let model = request.model;
  const createdAt = Math.floor(Date.now() / 1000);
  let usage: Usage | undefined;
  /** Finished items by output index (holes for items still open). */
  const output: Array<JsonObject | undefined> = [];
  const blocks = new Map<number, OpenBlock>();

  let controller!: TransformStreamDefaultController<string>;
  const emit = (type: string, payload: JsonObject) => {
    controller.enqueue(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`);
  };
  const snapshot = (status: "in_progress" | "completed" | "incomplete" | "failed", extra: JsonObject = {}) =>
    responseObject(
      {
        id: responseId,
        model,
        createdAt,
        status,
        output: output.filter((item): item is JsonObject => item !== undefined),
        usage,
        error: (extra.error as { code: string; message: string } | undefined) ?? null,
        incompleteDetails: (extra.incompleteDetails as { reason: string } | undefined) ?? null,
      },
      request,
    );

  const start = (id?: string, upstreamModel?: string) => {
    if (started) return;
    started = true;
    responseId = responseIdOf(id);
    if (upstreamModel) model = upstreamModel;
    emit("response.created", { response: snapshot("in_progress") });
    emit("response.in_progress", { response: snapshot("in_progress") });
  };

  const open = (index: number, kind: OpenBlock["kind"], itemId: string, item: JsonObject): OpenBlock => {
    const block: OpenBlock = { kind, outputIndex: output.length, itemId, text: "" };
    output.push(undefined);
    blocks.set(index, block);
    emit("response.output_item.added", { output_index: block.outputIndex, item });
    return block;
  };

  const openText = (index: number): OpenBlock => {
    const itemId = newId("msg");
    const block = open(index, "text", itemId, messageItem(itemId, [], "in_progress"));
    emit("response.content_part.added", { item_id: itemId, output_index: block.outputIndex, content_index: 0, part: outputText("") });
    return block;
  };

  const openReasoning = (index: number, itemId?: string): OpenBlock => {
    const id = itemId ?? newId("rs");
    return open(index, "reasoning", id, { id, type: "reasoning", summary: [] });
  };

  const finishItem = (block: OpenBlock, item: JsonObject) => {
    output[block.outputIndex] = item;
    emit("response.output_item.done", { output_index: block.outputIndex, item });
  };

  const closeText = (block: OpenBlock) => {
    const base = { item_id: block.itemId, output_index: block.outputIndex, content_index: 0 };
    emit("response.output_text.done", { ...base, text: block.text, logprobs: [] });
    emit("response.content_part.done", { ...base, part: outputText(block.text) });
    finishItem(block, messageItem(block.itemId, [block.text], "completed"));
  };

  const closeReasoning = (block: OpenBlock, end?: Extract<StreamEvent, { type: "reasoning-end" }>) => {
    if (block.summaryOpen) {
      const base = { item_id: block.itemId, output_index: block.outputIndex, summary_index: 0 };
      emit("response.reasoning_summary_text.done", { ...base, text: block.text });
      emit("response.reasoning_summary_part.done", { ...base, part: summaryText(block.text) });
    }
    finishItem(
      block,
      reasoningItem(block.itemId, {
        text: block.text,
        encryptedContent: end?.encryptedContent,
        origin: end?.origin,
        signature: end?.signature,
        redactedData: end?.redactedData,
      }),
    );
  };

  const closeTool = (block: OpenBlock) => {
    const call = block.call!;
    const base = { item_id: block.itemId, output_index: block.outputIndex };
    if (call.kind === "custom") emit("response.custom_tool_call_input.done", { ...base, input: block.text });
    else emit("response.function_call_arguments.done", { ...base, arguments: block.text });
    finishItem(block, toolCallItem(block.itemId, { ...call, arguments: block.text }, "completed", request));
  };

  const close = (index: number, end?: StreamEvent) => {
    const block = blocks.get(index);
    if (!block) return;
    blocks.delete(index);
    if (block.kind === "text") closeText(block);
    else if (block.kind === "reasoning") closeReasoning(block, end?.type === "reasoning-end" ? end : undefined);
    else closeTool(block);
  };

  const fail = (error: GatewayError) => {
    start();
    ended = true;
    // Open items are left unfinished on purpose: a half-streamed tool call must not look complete.
    emit("response.failed", { response: snapshot("failed", { error: encodeResponseError(error) }) });
  };

  return new TransformStream<StreamEvent, string>({
    start(streamController) {
      controller = streamController;
    },
    transform(event) {
      if (ended) return;
      if (event.type === "response-start") {
        start(event.id, event.model);
        if (event.usage) usage = mergeUsage(usage, event.usage);
        return;
      }
      start();
      switch (event.type) {
        case "text-start":
          if (!blocks.has(event.index)) openText(event.index);
          break;
        case "text-delta": {
          const block = blocks.get(event.index) ?? openText(event.index);
          block.text += event.text;
          emit("response.output_text.delta", {
            item_id: block.itemId,
            output_index: block.outputIndex,
            content_index: 0,
            delta: event.text,
            logprobs: [],
          });
          break;
        }
        case "reasoning-start":
          if (!blocks.has(event.index)) openReasoning(event.index, event.itemId);
          break;
        case "reasoning-delta": {
          const block = blocks.get(event.index) ?? openReasoning(event.index);
          const base = { item_id: block.itemId, output_index: block.outputIndex, summary_index: 0 };
          if (!block.summaryOpen) {
            block.summaryOpen = true;
            emit("response.reasoning_summary_part.added", { ...base, part: summaryText("") });
          }
          block.text += event.text;
          emit("response.reasoning_summary_text.delta", { ...base, delta: event.text });
          break;
        }
        case "tool-input-start": {
          if (blocks.has(event.index)) break;
          const kind = event.kind ?? "function";
          const call = { id: event.id, name: event.name, kind };
          const itemId = newId(kind === "custom" ? "ctc" : "fc");
          open(event.index, "tool", itemId, toolCallItem(itemId, { ...call, arguments: "" }, "in_progress", request)).call = call;
          break;
        }
        case "tool-input-delta": {
          const block = blocks.get(event.index);
          if (!block?.call) break;
          block.text += event.delta;
          const type = block.call.kind === "custom" ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta";
          emit(type, { item_id: block.itemId, output_index: block.outputIndex, delta: event.delta });
          break;
        }
        case "text-end":
        case "reasoning-end":
        case "tool-input-end":
          close(event.index, event);
          break;
        case "usage":
          usage = mergeUsage(usage, event.usage);
          break;
        case "finish": {
          for (const index of [...blocks.keys()].sort((a, b) => a - b)) close(index);
          if (event.usage) usage = mergeUsage(usage, event.usage);
          const finish = encodeFinishReason(event.finishReason);
          if (finish.status === "failed") {
            fail(new GatewayError("upstream", `the model stopped with an error (${event.rawFinishReason ?? "error"})`));
            break;
          }
          ended = true;
          const type = finish.status === "incomplete" ? "response.incomplete" : "response.completed";
          emit(type, { response: snapshot(finish.status, { incompleteDetails: finish.incompleteDetails }) });
          break;
        }
        case "error":
          fail(event.error);
          break;
      }
    },
    flush() {
      if (!ended) fail(new GatewayError("upstream", "upstream stream ended before the response completed"));
    },
  });
}
