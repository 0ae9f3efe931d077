import type { StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { decodeReasoningItem, REASONING_ORIGIN } from "./decode-request.ts";
import { decodeResponseError } from "./errors.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { decodeUsage } from "./usage.ts";
import type {
  WireContentPart,
  WireCustomToolCallItem,
  WireFunctionCallItem,
  WireMessageItem,
  WireOutputItem,
  WireReasoningItem,
  WireResponse,
  WireStreamEvent,
} from "./wire-types.ts";

type BlockKind = "text" | "reasoning" | "tool";

interface Block {
  index: number;
  kind: BlockKind;
  /** Whether any delta was emitted (done events repeat the full text only for upstreams that sent none). */
  emitted: boolean;
}

/** What we know about one output item, by its `output_index`. */
interface ItemState {
  type?: string;
  /** Text blocks by `content_index` (message items). */
  texts: Map<number, Block>;
  /** The reasoning or tool-call block. */
  block?: Block;
  /** Reasoning summary parts that received deltas; a new part after some text starts with a blank line. */
  summaries: Set<number>;
  separatorPending?: boolean;
}

/**
 * Upstream Responses SSE events → canonical events
 * (https://platform.openai.com/docs/api-reference/responses-streaming). Blocks open on
 * `output_item.added` / `content_part.added` (or the first delta) and close on the matching
 * `*.done`; text repeated by `*.done` events is used only when no delta carried it. The
 * terminal `response.completed` / `response.incomplete` gives the finish reason and usage;
 * `response.failed`, an `error` event, or a stream without a terminal event gives `error`.
 */
export function decodeStream(): TransformStream<SseEvent, StreamEvent> {
  let started = false;
  let done = false;
  let nextIndex = 0;
  let hasToolCalls = false;
  let usage: Usage | undefined;
  const items = new Map<number, ItemState>();
  const itemIndexes = new Map<string, number>();
  const open = new Map<number, Block>();

  let controller!: TransformStreamDefaultController<StreamEvent>;
  const emit = (event: StreamEvent) => controller.enqueue(event);

  const start = (response?: WireResponse) => {
    if (started) return;
    started = true;
    const event: StreamEvent = { type: "response-start", id: response?.id ?? "", model: response?.model ?? "" };
    const startUsage = decodeUsage(response?.usage);
    if (startUsage) event.usage = startUsage;
    emit(event);
  };

  const itemAt = (outputIndex: number | undefined, itemId?: string): ItemState => {
    const index = outputIndex ?? (itemId !== undefined ? itemIndexes.get(itemId) : undefined) ?? -1;
    let state = items.get(index);
    if (!state) {
      state = { texts: new Map(), summaries: new Set() };
      items.set(index, state);
    }
    return state;
  };

  const openBlock = (kind: BlockKind): Block => {
    const block: Block = { index: nextIndex++, kind, emitted: false };
    open.set(block.index, block);
    return block;
  };

  const closeBlock = (block: Block, end?: StreamEvent) => {
    if (!open.delete(block.index)) return;
    if (end) emit(end);
    else if (block.kind === "text") emit({ type: "text-end", index: block.index });
    else if (block.kind === "reasoning") emit({ type: "reasoning-end", index: block.index, origin: REASONING_ORIGIN });
    else emit({ type: "tool-input-end", index: block.index });
  };

  // ---- text
  const textBlock = (state: ItemState, contentIndex: number): Block => {
    let block = state.texts.get(contentIndex);
    if (!block) {
      block = openBlock("text");
      state.texts.set(contentIndex, block);
      emit({ type: "text-start", index: block.index });
    }
    return block;
  };
  const textDelta = (block: Block, text: string) => {
    if (text === "" || !open.has(block.index)) return;
    block.emitted = true;
    emit({ type: "text-delta", index: block.index, text });
  };
  const finishMessage = (state: ItemState, item: WireMessageItem) => {
    const content = typeof item.content === "string" ? [{ type: "output_text", text: item.content }] : (item.content ?? []);
    content.forEach((part: WireContentPart, contentIndex) => {
      const text = part?.type === "refusal" ? part.refusal : part?.text;
      if (typeof text !== "string" || text === "" || state.texts.has(contentIndex)) return;
      textDelta(textBlock(state, contentIndex), text);
    });
    for (const block of state.texts.values()) closeBlock(block);
  };

  // ---- reasoning
  const reasoningBlock = (state: ItemState, itemId?: string): Block => {
    if (!state.block) {
      state.type = "reasoning";
      state.block = openBlock("reasoning");
      const event: StreamEvent = { type: "reasoning-start", index: state.block.index };
      if (itemId) event.itemId = itemId;
      emit(event);
    }
    return state.block;
  };
  const reasoningDelta = (state: ItemState, text: string) => {
    const block = reasoningBlock(state);
    if (text === "" || !open.has(block.index)) return;
    if (state.separatorPending) {
      state.separatorPending = false;
      if (block.emitted) text = `\n\n${text}`;
    }
    block.emitted = true;
    emit({ type: "reasoning-delta", index: block.index, text });
  };
  const finishReasoning = (state: ItemState, item: WireReasoningItem) => {
    const block = reasoningBlock(state, item.id);
    const part = decodeReasoningItem(item);
    if (!block.emitted && part.text !== "") reasoningDelta(state, part.text);
    const end: StreamEvent = { type: "reasoning-end", index: block.index };
    if (part.encryptedContent) end.encryptedContent = part.encryptedContent;
    if (part.signature) end.signature = part.signature;
    if (part.redactedData) end.redactedData = part.redactedData;
    if (part.origin) end.origin = part.origin;
    closeBlock(block, end);
  };

  // ---- tool calls
  const toolBlock = (state: ItemState, item: WireFunctionCallItem | WireCustomToolCallItem): Block => {
    if (!state.block) {
      state.type = item.type;
      state.block = openBlock("tool");
      hasToolCalls = true;
      emit({
        type: "tool-input-start",
        index: state.block.index,
        id: item.call_id ?? item.id ?? "",
        name: item.name ?? "",
        kind: item.type === "custom_tool_call" ? "custom" : "function",
      });
    }
    return state.block;
  };
  const toolDelta = (block: Block | undefined, delta: string | undefined) => {
    if (!block || !delta || !open.has(block.index)) return;
    block.emitted = true;
    emit({ type: "tool-input-delta", index: block.index, delta });
  };
  const toolInput = (item: WireFunctionCallItem | WireCustomToolCallItem) =>
    item.type === "custom_tool_call" ? item.input : item.arguments;

  // ---- items
  const addItem = (outputIndex: number | undefined, item: WireOutputItem) => {
    if (typeof item.id === "string" && outputIndex !== undefined) itemIndexes.set(item.id, outputIndex);
    const state = itemAt(outputIndex, item.id);
    state.type = item.type;
    if (item.type === "reasoning") reasoningBlock(state, item.id);
    else if (item.type === "function_call" || item.type === "custom_tool_call") {
      const call = item as WireFunctionCallItem | WireCustomToolCallItem;
      toolDelta(toolBlock(state, call), toolInput(call));
    }
  };
  const finishItem = (outputIndex: number | undefined, item: WireOutputItem) => {
    const state = itemAt(outputIndex, item.id);
    if (item.type === "message") finishMessage(state, item as WireMessageItem);
    else if (item.type === "reasoning") finishReasoning(state, item as WireReasoningItem);
    else if (item.type === "function_call" || item.type === "custom_tool_call") {
      const call = item as WireFunctionCallItem | WireCustomToolCallItem;
      const block = toolBlock(state, call);
      if (!block.emitted) toolDelta(block, toolInput(call));
      closeBlock(block);
    }
  };

  const finish = (response: WireResponse) => {
    start(response);
    // Some relays send only the terminal event: its output is then the whole answer.
    if (nextIndex === 0) (response.output ?? []).forEach((item, outputIndex) => item && finishItem(outputIndex, item));
    for (const block of [...open.values()].sort((a, b) => a.index - b.index)) closeBlock(block);
    usage = mergeUsage(usage, decodeUsage(response.usage));
    const event: StreamEvent = { type: "finish", ...decodeFinishReason(response, hasToolCalls) };
    if (usage) event.usage = usage;
    emit(event);
    done = true;
  };

  const fail = (error: GatewayError) => {
    start();
    emit({ type: "error", error });
    done = true;
  };

  const handle = (event: WireStreamEvent) => {
    const type = event.type;
    start(event.response);
    switch (type) {
      case "response.output_item.added":
        if (event.item) addItem(event.output_index, event.item);
        break;
      case "response.output_item.done":
        if (event.item) finishItem(event.output_index, event.item);
        break;
      case "response.content_part.added":
        if (event.part?.type === "output_text" || event.part?.type === "refusal") {
          textBlock(itemAt(event.output_index, event.item_id), event.content_index ?? 0);
        }
        break;
      case "response.output_text.delta":
      case "response.refusal.delta":
        textDelta(textBlock(itemAt(event.output_index, event.item_id), event.content_index ?? 0), event.delta ?? "");
        break;
      case "response.output_text.done":
      case "response.refusal.done":
      case "response.content_part.done": {
        const state = itemAt(event.output_index, event.item_id);
        const contentIndex = event.content_index ?? 0;
        const existing = state.texts.get(contentIndex);
        const text = type === "response.content_part.done" ? (event.part?.text ?? event.part?.refusal) : (event.text ?? event.refusal);
        if (typeof text === "string" && text !== "" && !existing?.emitted) textDelta(textBlock(state, contentIndex), text);
        if (type === "response.content_part.done") {
          const block = state.texts.get(contentIndex);
          if (block) closeBlock(block);
        }
        break;
      }
      case "response.reasoning_summary_part.added": {
        const state = itemAt(event.output_index, event.item_id);
        reasoningBlock(state, event.item_id);
        if ((event.summary_index ?? 0) > 0) state.separatorPending = true;
        break;
      }
      case "response.reasoning_summary_text.delta": {
        const state = itemAt(event.output_index, event.item_id);
        state.summaries.add(event.summary_index ?? 0);
        reasoningDelta(state, event.delta ?? "");
        break;
      }
      case "response.reasoning_summary_text.done": {
        const state = itemAt(event.output_index, event.item_id);
        const summaryIndex = event.summary_index ?? 0;
        if (!state.summaries.has(summaryIndex) && event.text) {
          state.summaries.add(summaryIndex);
          reasoningDelta(state, event.text);
        }
        break;
      }
      case "response.reasoning_text.delta":
        reasoningDelta(itemAt(event.output_index, event.item_id), event.delta ?? "");
        break;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        toolDelta(itemAt(event.output_index, event.item_id).block, event.delta);
        break;
      case "response.function_call_arguments.done":
      case "response.custom_tool_call_input.done": {
        const block = itemAt(event.output_index, event.item_id).block;
        if (block && !block.emitted) toolDelta(block, type === "response.custom_tool_call_input.done" ? event.input : event.arguments);
        break;
      }
      case "response.completed":
      case "response.incomplete":
        finish(event.response ?? {});
        break;
      case "response.failed":
        fail(decodeResponseError(event.response?.error ?? { message: "upstream response failed" }));
        break;
      case "error":
        fail(decodeResponseError(event.error ?? { code: event.code, message: event.message, param: event.param }));
        break;
    }
  };

  return new TransformStream<SseEvent, StreamEvent>({
    start(streamController) {
      controller = streamController;
    },
    transform(sse) {
      if (done) return;
      let event: WireStreamEvent;
      try {
        event = JSON.parse(sse.data) as WireStreamEvent;
      } catch {
        return; // Keep-alives and stray `[DONE]` lines from relays carry no JSON.
      }
      if (!event || typeof event !== "object") return;
      if (event.type === undefined && sse.event) event.type = sse.event;
      handle(event);
    },
    flush() {
      if (!done) fail(new GatewayError("upstream", "upstream stream ended before response.completed"));
    },
  });
}
