import type { CanonicalResponse, StreamEvent } from "../core/canonical.ts";
import { mergeUsage, type Usage } from "../core/usage.ts";

/**
 * Folds a stream's canonical events back into the complete answer, or undefined when the
 * stream did not end with a `finish` or carried an error: only whole answers are cached.
 */
export function collectResponse(events: Iterable<StreamEvent>): CanonicalResponse | undefined {
  let id = "";
  let model = "";
  let usage: Usage | undefined;
  let finished: Pick<CanonicalResponse, "finishReason" | "rawFinishReason"> | undefined;
  const blocks = new Map<number, CanonicalResponse["content"][number]>();
  for (const event of events) {
    switch (event.type) {
      case "response-start":
        id = event.id;
        model = event.model;
        usage = mergeUsage(usage, event.usage);
        break;
      case "text-start":
        blocks.set(event.index, { type: "text", text: "" });
        break;
      case "reasoning-start":
        blocks.set(event.index, { type: "reasoning", text: "", ...(event.itemId ? { itemId: event.itemId } : {}) });
        break;
      case "tool-input-start":
        blocks.set(event.index, { type: "tool-call", id: event.id, name: event.name, arguments: "", ...(event.kind ? { kind: event.kind } : {}), ...(event.signature ? { signature: event.signature } : {}) });
        break;
      case "text-delta":
      case "reasoning-delta": {
        const block = blocks.get(event.index);
        if (block && block.type !== "tool-call") block.text += event.text;
        break;
      }
      case "tool-input-delta": {
        const block = blocks.get(event.index);
        if (block?.type === "tool-call") block.arguments += event.delta;
        break;
      }
      case "text-end": {
        const block = blocks.get(event.index);
        if (block?.type === "text" && event.signature) block.signature = event.signature;
        break;
      }
      case "reasoning-end": {
        const block = blocks.get(event.index);
        if (block?.type === "reasoning") {
          for (const field of ["signature", "redactedData", "encryptedContent", "origin"] as const) if (event[field] !== undefined) block[field] = event[field];
        }
        break;
      }
      case "usage":
        usage = mergeUsage(usage, event.usage);
        break;
      case "finish":
        usage = mergeUsage(usage, event.usage);
        finished = { finishReason: event.finishReason, ...(event.rawFinishReason ? { rawFinishReason: event.rawFinishReason } : {}) };
        break;
      case "error":
        return undefined;
    }
  }
  if (!finished || finished.finishReason === "error") return undefined;
  const content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
  return { id, model, content, ...finished, ...(usage ? { usage } : {}) };
}
