import type { CanonicalRequest, FinishReason, StreamEvent } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import { mergeUsage, type Usage } from "../../core/usage.ts";
import type { JsonObject, RequestContext } from "../../core/wire-protocol.ts";
import { chatCompletionId } from "./encode-response.ts";
import { encodeStreamError } from "./errors.ts";
import { encodeFinishReason } from "./finish-reason.ts";
import { isObject } from "../../core/json-values.ts";
import { encodeUsage } from "./usage.ts";

/** Whether the client asked for the usage chunk (`stream_options.include_usage`, kept in extras by decodeRequest). */
export function wantsUsage(request: CanonicalRequest): boolean {
  const options = request.extras.stream_options;
  return isObject(options) && options.include_usage === true;
}

/**
 * Canonical events → `chat.completion.chunk` frames, the grammar the OpenAI SDK and chat UIs
 * parse: a role chunk, content / `reasoning_content` / `tool_calls` deltas, one chunk with
 * `finish_reason` and an empty delta, the usage chunk (`choices: []`) only when the client
 * asked for it, then `data: [DONE]`. Tool calls are numbered 0, 1, … in `delta.tool_calls[].index`
 * (not the canonical block index). An error event ends the stream with an error frame and no
 * `[DONE]`; so does a canonical stream that stops without `finish`.
 * https://platform.openai.com/docs/api-reference/chat-streaming
 */
export function encodeStream(request: CanonicalRequest, _context: RequestContext = {}): TransformStream<StreamEvent, string> {
  const includeUsage = wantsUsage(request);
  let id = "";
  let model = request.model;
  const created = Math.floor(Date.now() / 1000);
  let started = false;
  let ended = false; // an error frame or the finish chunk was sent
  let finished = false;
  let usage: Usage | undefined;
  const toolIndexByBlock = new Map<number, number>();
  const customBlocks = new Set<number>();

  // OpenAI sends `"usage": null` on every chunk once usage was requested.
  const frame = (choices: JsonObject[], extra?: JsonObject): string => {
    const chunk: JsonObject = { id, object: "chat.completion.chunk", created, model, choices };
    if (includeUsage) chunk.usage = null;
    if (extra) Object.assign(chunk, extra);
    return `data: ${JSON.stringify(chunk)}\n\n`;
  };
  const delta = (value: JsonObject): string => frame([{ index: 0, delta: value, logprobs: null, finish_reason: null }]);

  const start = (controller: TransformStreamDefaultController<string>) => {
    if (started) return;
    started = true;
    if (id === "") id = chatCompletionId("");
    controller.enqueue(delta({ role: "assistant", content: "", refusal: null }));
  };

  const finish = (controller: TransformStreamDefaultController<string>, reason: FinishReason) => {
    start(controller);
    finished = true;
    ended = true;
    const choice = { index: 0, delta: {}, logprobs: null, finish_reason: encodeFinishReason(reason, toolIndexByBlock.size > 0) };
    controller.enqueue(frame([choice]));
  };

  return new TransformStream<StreamEvent, string>({
    transform(event, controller) {
      // Usage may still arrive after the finish (it is sent in flush); anything else after the end is ignored.
      if (ended && !(finished && event.type === "usage")) return;
      switch (event.type) {
        case "response-start":
          if (!started) {
            id = chatCompletionId(event.id);
            if (event.model) model = event.model;
          }
          usage = mergeUsage(usage, event.usage);
          start(controller);
          break;
        case "text-delta":
          if (event.text === "") break;
          start(controller);
          controller.enqueue(delta({ content: event.text }));
          break;
        case "reasoning-delta":
          if (event.text === "") break;
          start(controller);
          controller.enqueue(delta({ reasoning_content: event.text }));
          break;
        case "tool-input-start": {
          start(controller);
          const index = toolIndexByBlock.size;
          toolIndexByBlock.set(event.index, index);
          if (event.kind === "custom") {
            customBlocks.add(event.index);
            controller.enqueue(delta({ tool_calls: [{ index, id: event.id, type: "custom", custom: { name: event.name, input: "" } }] }));
          } else {
            const call = { index, id: event.id, type: "function", function: { name: event.name, arguments: "" } };
            controller.enqueue(delta({ tool_calls: [call] }));
          }
          break;
        }
        case "tool-input-delta": {
          const index = toolIndexByBlock.get(event.index);
          if (index === undefined || event.delta === "") break;
          const fragment = customBlocks.has(event.index) ? { custom: { input: event.delta } } : { function: { arguments: event.delta } };
          controller.enqueue(delta({ tool_calls: [{ index, ...fragment }] }));
          break;
        }
        case "usage":
          usage = mergeUsage(usage, event.usage);
          break;
        case "finish":
          usage = mergeUsage(usage, event.usage);
          finish(controller, event.finishReason);
          break;
        case "error":
          ended = true;
          controller.enqueue(encodeStreamError(event.error));
          break;
        default:
          // text-start/-end, reasoning-start/-end, tool-input-end: Chat has no block boundaries.
          break;
      }
    },
    flush(controller) {
      if (!ended) {
        controller.enqueue(encodeStreamError(new GatewayError("upstream", "stream ended before completion")));
        return;
      }
      if (!finished) return; // ended by an error frame: no [DONE]
      if (includeUsage && usage) controller.enqueue(frame([], { usage: encodeUsage(usage) }));
      controller.enqueue("data: [DONE]\n\n");
    },
  });
}
