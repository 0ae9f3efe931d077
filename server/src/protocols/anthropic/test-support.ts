/** Helpers shared by this protocol's tests (not used by the gateway itself). */
import type { CanonicalRequest } from "../../core/canonical.ts";
import type { Json, JsonFrame } from "../test-kit/index.ts";

export function canonicalRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: "claude-sonnet-4-5", system: [], messages: [], tools: [], stream: false, extras: {}, ...overrides };
}

/** Rebuilds the final Message from Anthropic stream frames, the way the SDKs accumulate it. */
export function accumulate(frames: readonly JsonFrame[]): { message: Json; content: Json[] } {
  let message: Json = {};
  const content: Json[] = [];
  const json: Record<number, string> = {};
  for (const { data } of frames) {
    switch (data.type) {
      case "message_start":
        message = structuredClone(data.message);
        break;
      case "content_block_start":
        content[data.index] = structuredClone(data.content_block);
        break;
      case "content_block_delta": {
        const block = content[data.index];
        const delta = data.delta;
        if (delta.type === "text_delta") block.text += delta.text;
        if (delta.type === "thinking_delta") block.thinking += delta.thinking;
        if (delta.type === "signature_delta") block.signature = delta.signature;
        if (delta.type === "input_json_delta") json[data.index] = (json[data.index] ?? "") + delta.partial_json;
        break;
      }
      case "content_block_stop":
        if (content[data.index].type === "tool_use") content[data.index].input = JSON.parse(json[data.index] || "{}");
        break;
      case "message_delta":
        Object.assign(message, data.delta);
        message.usage = { ...message.usage, ...data.usage };
        break;
    }
  }
  message.content = content;
  return { message, content };
}
