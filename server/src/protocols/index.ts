import type { EmbeddingsCodec, WireName, WireProtocol } from "../core/wire-protocol.ts";
import { anthropic } from "./anthropic/index.ts";
import { gemini } from "./gemini/index.ts";
import { openaiChat } from "./openai-chat/index.ts";
import { openaiResponses } from "./openai-responses/index.ts";

/** Every wire protocol the gateway speaks, by name. */
export const wireProtocols: Record<WireName, WireProtocol> = {
  "openai-chat": openaiChat,
  "openai-responses": openaiResponses,
  anthropic,
  gemini,
};

/**
 * The embeddings codec for providers of a wire. Responses providers are OpenAI accounts,
 * whose embeddings endpoint is the Chat API's sibling `/embeddings`.
 */
export function embeddingsCodecOf(wire: WireName): EmbeddingsCodec | undefined {
  return wire === "openai-responses" ? openaiChat.embeddings : wireProtocols[wire].embeddings;
}
