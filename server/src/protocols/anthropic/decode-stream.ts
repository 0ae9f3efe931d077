import type { StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { Usage } from "../../core/usage.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { decodeErrorPayload } from "./errors.ts";
import { decodeFinishReason } from "./finish-reason.ts";
import { ANTHROPIC_ORIGIN } from "./reasoning-envelope.ts";
import type { AnthropicUsage } from "./wire-types.ts";
import { isObject, numberOf, parseJson, stringOf } from "../../core/json-values.ts";

interface OpenBlock {
  kind: "text" | "reasoning" | "tool" | "ignored";
  signature?: string;
  redactedData?: string;
  /** A tool's `input` from `content_block_start`, used when no `input_json_delta` follows. */
  initialInput?: string;
  sawInput?: boolean;
}

/**
 * Anthropic SSE events → canonical events. Block indexes are Anthropic's own. Signatures
 * (`signature_delta`) and redacted thinking ride on `reasoning-end` with origin "anthropic".
 * Usage is cumulative on Anthropic: each report updates the fields it carries, and the
 * canonical input total adds cache reads and writes. A stream that ends without
 * `message_stop`, or an `error` event, ends with a canonical `error`.
 * https://docs.claude.com/en/docs/build-with-claude/streaming
 */
export function decodeStream(): TransformStream<SseEvent, StreamEvent> {
  const open = new Map<number, OpenBlock>();
  const raw = { input: undefined as number | undefined, cacheRead: 0, cacheWrite: 0, output: undefined as number | undefined };
  let started = false;
  let done = false;
  let stopReason: string | undefined;
  let nextIndex = 0;
  let output: TransformStreamDefaultController<StreamEvent>;
  const emit = (event: StreamEvent) => output.enqueue(event);

  const usageSoFar = (): Partial<Usage> => {
    const usage: Partial<Usage> = { cachedTokens: raw.cacheRead, cacheWriteTokens: raw.cacheWrite };
    if (raw.input !== undefined) usage.inputTokens = raw.input + raw.cacheRead + raw.cacheWrite;
    if (raw.output !== undefined) usage.outputTokens = raw.output;
    return usage;
  };

  /** Applies one usage report; true when it carried anything. */
  const recordUsage = (report: AnthropicUsage | undefined): boolean => {
    if (!isObject(report)) return false;
    const input = numberOf(report.input_tokens);
    const cacheRead = numberOf(report.cache_read_input_tokens);
    const cacheWrite = numberOf(report.cache_creation_input_tokens);
    const outputTokens = numberOf(report.output_tokens);
    if (input !== undefined) raw.input = input;
    if (cacheRead !== undefined) raw.cacheRead = cacheRead;
    if (cacheWrite !== undefined) raw.cacheWrite = cacheWrite;
    if (outputTokens !== undefined) raw.output = outputTokens;
    return input !== undefined || cacheRead !== undefined || cacheWrite !== undefined || outputTokens !== undefined;
  };

  const finalUsage = (): Usage => {
    const inputTokens = (raw.input ?? 0) + raw.cacheRead + raw.cacheWrite;
    const outputTokens = raw.output ?? 0;
    return {
      inputTokens,
      outputTokens,
      cachedTokens: raw.cacheRead,
      cacheWriteTokens: raw.cacheWrite,
      reasoningTokens: 0,
      totalTokens: inputTokens + outputTokens,
    };
  };

  const start = (id = "", model = "") => {
    if (started) return;
    started = true;
    emit({ type: "response-start", id, model, usage: usageSoFar() });
  };

  const close = (index: number, block: OpenBlock) => {
    open.delete(index);
    if (block.kind === "text") emit({ type: "text-end", index });
    else if (block.kind === "tool") {
      if (!block.sawInput && block.initialInput) emit({ type: "tool-input-delta", index, delta: block.initialInput });
      emit({ type: "tool-input-end", index });
    } else if (block.kind === "reasoning") {
      const end: StreamEvent = { type: "reasoning-end", index };
      if (block.signature) end.signature = block.signature;
      if (block.redactedData !== undefined) end.redactedData = block.redactedData;
      if (block.signature || block.redactedData !== undefined) end.origin = ANTHROPIC_ORIGIN;
      emit(end);
    }
  };

  const closeAll = () => {
    for (const [index, block] of [...open]) close(index, block);
  };

  const fail = (error: GatewayError) => {
    closeAll();
    emit({ type: "error", error });
    done = true;
  };

  const openBlock = (index: number, contentBlock: Record<string, unknown>) => {
    switch (contentBlock.type) {
      case "text": {
        open.set(index, { kind: "text" });
        emit({ type: "text-start", index });
        const text = stringOf(contentBlock.text);
        if (text) emit({ type: "text-delta", index, text });
        return;
      }
      case "thinking": {
        open.set(index, { kind: "reasoning", signature: stringOf(contentBlock.signature) || undefined });
        emit({ type: "reasoning-start", index });
        const text = stringOf(contentBlock.thinking);
        if (text) emit({ type: "reasoning-delta", index, text });
        return;
      }
      case "redacted_thinking":
        open.set(index, { kind: "reasoning", redactedData: stringOf(contentBlock.data) ?? "" });
        emit({ type: "reasoning-start", index });
        return;
      case "tool_use": {
        const input = contentBlock.input;
        const initialInput = isObject(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : undefined;
        open.set(index, { kind: "tool", initialInput });
        emit({ type: "tool-input-start", index, id: stringOf(contentBlock.id) ?? "", name: stringOf(contentBlock.name) ?? "" });
        return;
      }
      default:
        // Server tool blocks (server_tool_use, web_search_tool_result …) have no canonical form.
        open.set(index, { kind: "ignored" });
    }
  };

  const applyDelta = (index: number, delta: Record<string, unknown>) => {
    const block = open.get(index);
    if (!block || block.kind === "ignored") return;
    switch (delta.type) {
      case "text_delta": {
        const text = stringOf(delta.text);
        if (text && block.kind === "text") emit({ type: "text-delta", index, text });
        return;
      }
      case "thinking_delta": {
        const text = stringOf(delta.thinking);
        if (text && block.kind === "reasoning") emit({ type: "reasoning-delta", index, text });
        return;
      }
      case "signature_delta":
        block.signature = (block.signature ?? "") + (stringOf(delta.signature) ?? "");
        return;
      case "input_json_delta": {
        const partial = stringOf(delta.partial_json);
        if (partial && block.kind === "tool") {
          block.sawInput = true;
          emit({ type: "tool-input-delta", index, delta: partial });
        }
        return;
      }
    }
  };

  const handle = (sse: SseEvent) => {
    if (done) return;
    const data = parseJson(sse.data);
    if (!isObject(data)) return;
    const type = stringOf(data.type) ?? sse.event;
    switch (type) {
      case "message_start": {
        const message = isObject(data.message) ? data.message : {};
        recordUsage(message.usage as AnthropicUsage | undefined);
        start(stringOf(message.id), stringOf(message.model));
        return;
      }
      case "content_block_start": {
        start();
        const index = numberOf(data.index) ?? nextIndex;
        nextIndex = Math.max(nextIndex, index + 1);
        const previous = open.get(index);
        if (previous) close(index, previous);
        if (isObject(data.content_block)) openBlock(index, data.content_block);
        return;
      }
      case "content_block_delta": {
        const index = numberOf(data.index);
        if (index !== undefined && isObject(data.delta)) applyDelta(index, data.delta);
        return;
      }
      case "content_block_stop": {
        const index = numberOf(data.index);
        const block = index === undefined ? undefined : open.get(index);
        if (block) close(index!, block);
        return;
      }
      case "message_delta": {
        start();
        const delta = isObject(data.delta) ? data.delta : {};
        const reason = stringOf(delta.stop_reason);
        if (reason) stopReason = reason;
        if (recordUsage(data.usage as AnthropicUsage | undefined)) emit({ type: "usage", usage: usageSoFar() });
        return;
      }
      case "message_stop": {
        start();
        closeAll();
        const finish: StreamEvent = { type: "finish", finishReason: decodeFinishReason(stopReason), usage: finalUsage() };
        if (stopReason) finish.rawFinishReason = stopReason;
        emit(finish);
        done = true;
        return;
      }
      case "error":
        fail(decodeErrorPayload(data));
        return;
    }
  };

  return new TransformStream<SseEvent, StreamEvent>({
    start(controller) {
      output = controller;
    },
    transform(sse) {
      handle(sse);
    },
    flush() {
      if (!done) fail(new GatewayError("upstream", "The Anthropic stream ended before message_stop"));
    },
  });
}
