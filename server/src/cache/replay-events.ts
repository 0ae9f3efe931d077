import type { CanonicalResponse, StreamEvent } from "../core/canonical.ts";

/**
 * A complete answer as the canonical events a live stream of it would have carried, for a
 * cached answer replayed to a streaming client in its own protocol. Each part of the answer is
 * one block, sent whole (one delta per block).
 */
export function replayEvents(response: CanonicalResponse): StreamEvent[] {
  const { usage } = response;
  const events: StreamEvent[] = [{ type: "response-start", id: response.id, model: response.model, ...(usage ? { usage: { inputTokens: usage.inputTokens, cachedTokens: usage.cachedTokens } } : {}) }];
  response.content.forEach((part, index) => {
    if (part.type === "text") {
      events.push({ type: "text-start", index }, { type: "text-delta", index, text: part.text }, { type: "text-end", index, ...(part.signature ? { signature: part.signature } : {}) });
    } else if (part.type === "reasoning") {
      events.push({ type: "reasoning-start", index, ...(part.itemId ? { itemId: part.itemId } : {}) });
      if (part.text) events.push({ type: "reasoning-delta", index, text: part.text });
      events.push({ type: "reasoning-end", index, signature: part.signature, redactedData: part.redactedData, encryptedContent: part.encryptedContent, origin: part.origin });
    } else {
      events.push({ type: "tool-input-start", index, id: part.id, name: part.name, kind: part.kind, signature: part.signature });
      if (part.arguments) events.push({ type: "tool-input-delta", index, delta: part.arguments });
      events.push({ type: "tool-input-end", index });
    }
  });
  events.push({ type: "finish", finishReason: response.finishReason, rawFinishReason: response.rawFinishReason, usage });
  return events;
}
