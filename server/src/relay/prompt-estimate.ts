import type { CanonicalRequest, ContentPart } from "../core/canonical.ts";
import { countInputTokens, loadedTokenCounter } from "./estimate-usage.ts";

/** Characters per token for the quick count. */
const CHARS_PER_TOKEN = 4;
/**
 * Up to this many prompt characters the tokenizer counts (≈ 0.5-1 ms); beyond, the quick count
 * answers, so a large prompt's first byte never waits (a 100 KB prompt takes the tokenizer
 * ≈ 10-15 ms, and interleaving that work with the stream's start delayed it just as much).
 */
export const EXACT_COUNT_MAX_CHARS = 4096;
/** Fixed cost of an image or file, as estimate-usage counts it. */
const ATTACHMENT_TOKENS = 512;

/**
 * The gateway's own count of a prompt, for a translated stream's opening usage (Anthropic's
 * `message_start.usage.input_tokens`), computed only when first asked, once. It is the
 * count_tokens estimate (the tokenizer) for prompts up to EXACT_COUNT_MAX_CHARS when the
 * tokenizer is already loaded (this never loads it: loading blocks for a few hundred ms),
 * else characters / 4. Undefined when the request cannot be decoded.
 */
export function promptTokenEstimate(request: () => CanonicalRequest): () => number | undefined {
  let asked = false;
  let tokens: number | undefined;
  return () => {
    if (!asked) {
      asked = true;
      try {
        tokens = countPrompt(request());
      } catch {
        tokens = undefined;
      }
    }
    return tokens;
  };
}

function countPrompt(request: CanonicalRequest): number {
  const chars = promptChars(request);
  const count = loadedTokenCounter();
  if (count && chars <= EXACT_COUNT_MAX_CHARS) return countInputTokens(request, count);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** The characters the tokenizer would count (attachments at their fixed cost): linear in the prompt's parts, no tokenizing. */
export function promptChars(request: CanonicalRequest): number {
  let chars = 0;
  for (const part of request.system) chars += part.text.length;
  for (const tool of request.tools) chars += JSON.stringify(tool).length;
  for (const message of request.messages) for (const part of message.content) chars += partChars(part);
  return chars;
}

function partChars(part: ContentPart): number {
  switch (part.type) {
    case "text":
    case "reasoning":
      return part.text.length;
    case "tool-call":
      return part.name.length + part.arguments.length;
    case "tool-result":
      return part.content.reduce((sum, inner) => sum + partChars(inner), 0);
    case "image":
    case "file":
      return ATTACHMENT_TOKENS * CHARS_PER_TOKEN;
  }
}
