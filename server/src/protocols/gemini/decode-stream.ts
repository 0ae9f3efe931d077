/**
 * Gemini SSE stream (`streamGenerateContent?alt=sse`) → canonical stream events.
 *
 * Each `data:` frame is a whole GenerateContentResponse carrying the next parts: text parts
 * become text deltas, `thought: true` parts reasoning deltas, and each functionCall (always
 * whole) a complete tool-input start/delta/end. A `thoughtSignature` closes the block it
 * arrives on. Gemini has no terminal sentinel: the frame with a finishReason (or a prompt
 * `blockReason`) is the last one, and `finish` is emitted from `flush` with the usage of the
 * last frame (Gemini repeats cumulative usage on frames). A stream that ends without a finish
 * reason was cut, so it ends in an `error` event, as the fast path treats it too.
 */
import type { StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import type { SseEvent } from "../../core/wire-protocol.ts";
import { gatewayErrorOf } from "./errors.ts";
import { decodeBlockReason, decodeFinishReason } from "./finish-reason.ts";
import { GEMINI_ORIGIN } from "./signatures.ts";
import { callIdPrefix, responseCallId } from "./tool-ids.ts";
import { decodeUsage } from "./usage.ts";
import { isObject, objectsOf, parseJson, stringOf } from "../../core/json-values.ts";
import type { GeminiCandidate, GeminiPart, GeminiResponse } from "./wire-types.ts";

/** Parsed SSE events of one Gemini stream → canonical events (one decoder per stream). */
export function decodeStream(): TransformStream<SseEvent, StreamEvent> {
  let started = false;
  let failed = false;
  let nextIndex = 0;
  let open: { kind: "text" | "reasoning"; index: number } | undefined;
  let idPrefix = "";
  let calls = 0;
  let usage: Usage | undefined;
  let finishReason: string | undefined;
  let blockReason: string | undefined;

  return new TransformStream<SseEvent, StreamEvent>({
    transform(event, controller) {
      if (failed) return;
      const emit = (streamEvent: StreamEvent) => controller.enqueue(streamEvent);
      const start = (chunk: GeminiResponse) => {
        if (started) return;
        started = true;
        const responseId = stringOf(chunk.responseId);
        idPrefix = callIdPrefix(responseId);
        const startUsage = decodeUsage(chunk.usageMetadata);
        emit({
          type: "response-start",
          id: responseId ?? `gemini-${crypto.randomUUID()}`,
          model: stringOf(chunk.modelVersion) ?? "",
          ...(startUsage ? { usage: { inputTokens: startUsage.inputTokens, cachedTokens: startUsage.cachedTokens } } : {}),
        });
      };
      const close = (signature?: string) => {
        if (!open) return;
        if (open.kind === "text") emit({ type: "text-end", index: open.index, ...(signature ? { signature } : {}) });
        else emit({ type: "reasoning-end", index: open.index, origin: GEMINI_ORIGIN, ...(signature ? { signature } : {}) });
        open = undefined;
      };
      const openBlock = (kind: "text" | "reasoning") => {
        if (open?.kind === kind) return open.index;
        close();
        open = { kind, index: nextIndex++ };
        emit(kind === "text" ? { type: "text-start", index: open.index } : { type: "reasoning-start", index: open.index });
        return open.index;
      };

      const data = event.data.trim();
      if (data === "") return;
      const chunk = parseJson(data);
      if (!isObject(chunk)) {
        failed = true;
        emit({ type: "error", error: new GatewayError("upstream", `Gemini sent a stream frame that is not a JSON object: ${data.slice(0, 200)}`) });
        return;
      }
      const response = chunk as GeminiResponse;
      start(response);
      if (response.error !== undefined) {
        failed = true;
        close();
        const detail = isObject(response.error) ? response.error : { message: String(response.error) };
        emit({ type: "error", error: gatewayErrorOf(detail, 500) });
        return;
      }
      usage = mergeUsage(usage, decodeUsage(response.usageMetadata));

      const candidate = objectsOf<GeminiCandidate>(response.candidates)[0];
      for (const part of objectsOf<GeminiPart>(candidate?.content?.parts)) {
        const signature = stringOf(part.thoughtSignature) || undefined;
        if (isObject(part.functionCall)) {
          close();
          const index = nextIndex++;
          const id = stringOf(part.functionCall.id) || responseCallId(idPrefix, calls);
          calls++;
          const name = stringOf(part.functionCall.name) ?? "";
          emit({ type: "tool-input-start", index, id, name, ...(signature ? { signature } : {}) });
          emit({ type: "tool-input-delta", index, delta: JSON.stringify(isObject(part.functionCall.args) ? part.functionCall.args : {}) });
          emit({ type: "tool-input-end", index });
          continue;
        }
        const text = typeof part.text === "string" ? part.text : "";
        if (part.thought === true || (text === "" && open?.kind !== "text")) {
          // An empty part that only carries a signature, with no text to attach it to, is an empty thought.
          if (text === "" && !signature && part.thought !== true) continue;
          const index = openBlock("reasoning");
          if (text !== "") emit({ type: "reasoning-delta", index, text });
        } else {
          const index = openBlock("text");
          if (text !== "") emit({ type: "text-delta", index, text });
        }
        if (signature) close(signature);
      }

      const reason = stringOf(candidate?.finishReason);
      if (reason) finishReason = reason;
      const blocked = stringOf(response.promptFeedback?.blockReason);
      if (blocked) blockReason = blocked;
    },
    flush(controller) {
      if (failed) return;
      if (!started) {
        controller.enqueue({ type: "response-start", id: `gemini-${crypto.randomUUID()}`, model: "" });
      }
      if (open) {
        controller.enqueue(open.kind === "text" ? { type: "text-end", index: open.index } : { type: "reasoning-end", index: open.index, origin: GEMINI_ORIGIN });
        open = undefined;
      }
      if (finishReason === undefined && blockReason === undefined) {
        controller.enqueue({ type: "error", error: new GatewayError("upstream", "Gemini stream ended without a finishReason (cut off)") });
        return;
      }
      controller.enqueue({
        type: "finish",
        finishReason: finishReason !== undefined ? decodeFinishReason(finishReason, calls > 0) : decodeBlockReason(),
        rawFinishReason: finishReason ?? blockReason,
        ...(usage ? { usage } : {}),
      });
    },
  });
}
