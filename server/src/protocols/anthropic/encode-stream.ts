import type { CanonicalRequest, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import { encodeStreamError } from "./errors.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { messageId } from "./message-id.ts";
import { ANTHROPIC_ORIGIN, signatureFor } from "./reasoning-envelope.ts";
import { encodeUsage } from "./usage.ts";

/** Anthropic clients ignore pings anywhere in a stream; Anthropic itself sends them to keep connections open. */
export const KEEP_ALIVE_FRAME = 'event: ping\ndata: {"type":"ping"}\n\n';

type BlockEvent = Extract<StreamEvent, { index: number }>;

/** One canonical content block on its way out. */
interface Block {
  kind: "text" | "reasoning" | "tool";
  /** The Anthropic `index`, assigned when its `content_block_start` is sent. */
  wireIndex?: number;
  /** Reasoning item id from `reasoning-start`, carried in the signature envelope. */
  itemId?: string;
  /** Events that arrived while another block was being streamed. */
  pending: BlockEvent[];
  ended: boolean;
}

function frame(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Canonical events → Anthropic's stream grammar: `message_start`, `ping`, one
 * `content_block_start`/`_delta`/`_stop` run per block with `index` = position in the final
 * content, `message_delta` (stop reason, cumulative usage), `message_stop`.
 * https://docs.claude.com/en/docs/build-with-claude/streaming
 *
 * Anthropic streams one block at a time, so a block that starts while another is open
 * (parallel tool calls from OpenAI, say) is held back and sent once the open one ends.
 * Blocks are opened on their first content: empty text or reasoning blocks are never sent.
 * A canonical `error` (or an input that ends without `finish`) closes the open block and
 * ends with an `error` event, never with `message_stop`.
 *
 * `message_start` carries the upstream's input tokens when it reported them by then, else
 * `promptTokens()` (the gateway's own count): some clients read input tokens only there.
 * `message_delta` carries the upstream's numbers alone.
 */
export function encodeStream(request: CanonicalRequest, promptTokens?: () => number | undefined): TransformStream<StreamEvent, string> {
  const blocks = new Map<number, Block>();
  const queue: Block[] = [];
  let live: Block | undefined;
  let nextWireIndex = 0;
  let id: string | undefined;
  let model = request.model;
  let usage: Usage | undefined;
  let started = false;
  let done = false;
  let sawToolUse = false;

  let output: TransformStreamDefaultController<string>;
  const emit = (text: string) => output.enqueue(text);

  const startMessage = () => {
    if (started) return;
    started = true;
    const message = {
      id: messageId(id),
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // output_tokens is a placeholder until message_delta, as in Anthropic's own streams.
      usage: { ...encodeUsage(usage?.inputTokens ? usage : { ...usage, inputTokens: promptTokens?.() ?? 0 }), output_tokens: 1 },
    };
    emit(frame("message_start", { message }));
    emit(KEEP_ALIVE_FRAME);
  };

  const openBlock = (block: Block, contentBlock: object) => {
    block.wireIndex = nextWireIndex++;
    emit(frame("content_block_start", { index: block.wireIndex, content_block: contentBlock }));
  };
  const delta = (block: Block, body: object) => emit(frame("content_block_delta", { index: block.wireIndex, delta: body }));
  const stopBlock = (block: Block) => {
    if (block.wireIndex !== undefined) emit(frame("content_block_stop", { index: block.wireIndex }));
  };

  /** Sends one event of the block currently streaming. */
  const send = (block: Block, event: BlockEvent) => {
    switch (event.type) {
      case "text-delta":
        if (event.text === "") return;
        if (block.wireIndex === undefined) openBlock(block, { type: "text", text: "" });
        delta(block, { type: "text_delta", text: event.text });
        return;
      case "reasoning-start":
        block.itemId = event.itemId;
        return;
      case "reasoning-delta":
        if (event.text === "") return;
        if (block.wireIndex === undefined) openBlock(block, { type: "thinking", thinking: "", signature: "" });
        delta(block, { type: "thinking_delta", thinking: event.text });
        return;
      case "reasoning-end": {
        if (block.wireIndex === undefined && event.redactedData && event.origin === ANTHROPIC_ORIGIN) {
          openBlock(block, { type: "redacted_thinking", data: event.redactedData });
          stopBlock(block);
          return;
        }
        const signature = signatureFor({ ...event, itemId: block.itemId });
        if (block.wireIndex === undefined) {
          if (signature === "") return; // nothing thought aloud and nothing to replay
          openBlock(block, { type: "thinking", thinking: "", signature: "" });
        }
        // The signature arrives just before the block closes, as Anthropic sends it.
        if (signature !== "") delta(block, { type: "signature_delta", signature });
        stopBlock(block);
        return;
      }
      case "tool-input-start":
        sawToolUse = true;
        openBlock(block, { type: "tool_use", id: event.id, name: event.name, input: {} });
        return;
      case "tool-input-delta":
        if (event.delta !== "") delta(block, { type: "input_json_delta", partial_json: event.delta });
        return;
      case "text-end":
      case "tool-input-end":
        stopBlock(block);
        return;
    }
  };

  const endEventOf = (block: Block): BlockEvent =>
    block.kind === "text"
      ? { type: "text-end", index: -1 }
      : block.kind === "reasoning"
        ? { type: "reasoning-end", index: -1 }
        : { type: "tool-input-end", index: -1 };

  /** Streams held-back blocks once nothing else is open. */
  const promote = () => {
    while (live === undefined && queue.length > 0) {
      const next = queue.shift()!;
      live = next;
      for (const pending of next.pending) send(next, pending);
      next.pending = [];
      if (next.ended) live = undefined;
    }
  };

  /** Closes every block, held-back ones included, in order. */
  const closeAll = () => {
    for (;;) {
      promote();
      if (live === undefined) return;
      send(live, endEventOf(live));
      live.ended = true;
      live = undefined;
    }
  };

  const fail = (error: GatewayError) => {
    // Only a block already on the wire needs closing; held-back blocks were never announced.
    if (live?.wireIndex !== undefined && !live.ended) stopBlock(live);
    emit(encodeStreamError(error));
    done = true;
  };

  const handle = (event: StreamEvent) => {
    if (done) return;
    switch (event.type) {
      case "response-start":
        id = event.id;
        if (event.model) model = event.model;
        usage = mergeUsage(usage, event.usage);
        startMessage();
        return;
      case "usage":
        usage = mergeUsage(usage, event.usage);
        return;
      case "error":
        fail(event.error);
        return;
      case "finish": {
        startMessage();
        closeAll();
        if (event.usage) usage = mergeUsage(usage, event.usage);
        const stopReason = encodeFinishReason(event.finishReason, event.rawFinishReason, sawToolUse);
        emit(frame("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage: encodeUsage(usage) }));
        emit(frame("message_stop", {}));
        done = true;
        return;
      }
    }

    startMessage();
    let block = blocks.get(event.index);
    if (event.type === "text-start" || event.type === "reasoning-start" || event.type === "tool-input-start") {
      if (block) return; // a repeated start
      block = { kind: event.type === "text-start" ? "text" : event.type === "reasoning-start" ? "reasoning" : "tool", pending: [], ended: false };
      blocks.set(event.index, block);
      if (live === undefined && queue.length === 0) live = block;
      else queue.push(block);
    }
    if (!block || block.ended) return;
    const isEnd = event.type === "text-end" || event.type === "reasoning-end" || event.type === "tool-input-end";
    if (block !== live) {
      block.pending.push(event);
      if (isEnd) block.ended = true;
      return;
    }
    send(block, event);
    if (isEnd) {
      block.ended = true;
      live = undefined;
      promote();
    }
  };

  return new TransformStream<StreamEvent, string>({
    start(controller) {
      output = controller;
    },
    transform(event) {
      handle(event);
    },
    flush() {
      // The canonical stream stopped without `finish`: the client must not take it for a complete answer.
      handle({ type: "error", error: new GatewayError("upstream", "The upstream stream ended before the response was complete") });
    },
  });
}
