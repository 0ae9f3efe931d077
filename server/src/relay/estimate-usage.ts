import type { CanonicalRequest, ContentPart } from "../core/canonical.ts";
import type { Usage } from "../core/usage.ts";

export type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;
let loaded: Counter | undefined;

/** The tokenizer loads on first use (≈0.3 s, ≈30 MB), so gateways that never estimate never pay for it. */
function loadCounter(): Promise<Counter> {
  counter ??= import("gpt-tokenizer/encoding/cl100k_base").then((module) => (loaded = (text: string) => module.countTokens(text)));
  return counter;
}

/** The tokenizer's counter if something already loaded it; never starts the load (it blocks for a while). */
export function loadedTokenCounter(): Counter | undefined {
  return loaded;
}

/** Fixed cost of one image; vendors charge roughly this for a medium image. */
const IMAGE_TOKENS = 512;
/** Role markers and separators per message, as in OpenAI's counting guide. */
const MESSAGE_OVERHEAD = 4;

export async function countTextTokens(text: string): Promise<number> {
  if (!text) return 0;
  return (await loadCounter())(text);
}

/** A local count of a request's prompt: text, tool definitions, tool calls and results, images. */
export async function estimateInputTokens(request: CanonicalRequest): Promise<number> {
  return countInputTokens(request, await loadCounter());
}

/** estimateInputTokens with a counter at hand (synchronous). */
export function countInputTokens(request: CanonicalRequest, count: Counter): number {
  let tokens = 0;
  for (const part of request.system) tokens += count(part.text);
  for (const tool of request.tools) tokens += count(JSON.stringify(tool));
  for (const message of request.messages) {
    tokens += MESSAGE_OVERHEAD;
    for (const part of message.content) tokens += partTokens(part, count);
  }
  return tokens;
}

function partTokens(part: ContentPart, count: Counter): number {
  switch (part.type) {
    case "text":
      return count(part.text);
    case "reasoning":
      return count(part.text);
    case "tool-call":
      return count(part.name) + count(part.arguments);
    case "tool-result":
      return part.content.reduce((sum, inner) => sum + partTokens(inner, count), 0);
    case "image":
      return IMAGE_TOKENS;
    case "file":
      return part.data ? Math.ceil(part.data.length / 8) : IMAGE_TOKENS;
  }
}

/** Usage counted locally, marked as estimated, for upstreams that report none. */
export async function estimateUsage(request: CanonicalRequest, outputText: string): Promise<Usage> {
  const inputTokens = await estimateInputTokens(request);
  const outputTokens = await countTextTokens(outputText);
  return { inputTokens, outputTokens, cachedTokens: 0, reasoningTokens: 0, totalTokens: inputTokens + outputTokens, estimated: true };
}
