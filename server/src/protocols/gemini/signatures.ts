/**
 * Thought signatures: Gemini's own, the documented "skip" placeholder, and an envelope that
 * carries other vendors' reasoning through Gemini clients.
 *
 * Gemini CLI drops `thought: true` parts from its history but keeps `thoughtSignature` on
 * text and functionCall parts and replays it verbatim. Reasoning from another vendor
 * (an Anthropic thinking signature, OpenAI encrypted content) therefore travels inside the
 * signature of the next non-thought part, as `llmio1:<base64url JSON>`, and comes back intact
 * on the next turn. Real Gemini never sees an envelope: decoders open it, the hub encoder
 * drops foreign reasoning, and the fast path swaps it for the skip placeholder.
 */
import type { ReasoningPart } from "../../core/canonical.ts";
import { isObject, parseJson, stringOf } from "../../core/json-values.ts";

export const GEMINI_ORIGIN = "gemini";

/**
 * Google's documented placeholder for a functionCall part Gemini did not generate (history
 * from another model, injected calls); Gemini 3 rejects such calls without a signature.
 * https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

const ENVELOPE_PREFIX = "llmio1:";

/** Reasoning from another vendor with the opaque data that vendor needs on replay. */
export function isForeignReasoning(part: ReasoningPart): boolean {
  if (part.origin === GEMINI_ORIGIN) return false;
  return part.signature !== undefined || part.redactedData !== undefined || part.encryptedContent !== undefined;
}

export function isEnvelope(signature: string | undefined): signature is string {
  return signature !== undefined && signature.startsWith(ENVELOPE_PREFIX);
}

/** Foreign reasoning parts → one signature string. */
export function sealEnvelope(parts: readonly ReasoningPart[]): string {
  const payload = parts.map((part) => ({
    o: part.origin,
    t: part.text,
    s: part.signature,
    r: part.redactedData,
    e: part.encryptedContent,
    i: part.itemId,
  }));
  return ENVELOPE_PREFIX + Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** An envelope → the reasoning parts it carries (none when it is damaged). */
export function openEnvelope(signature: string): ReasoningPart[] {
  const payload = parseJson(Buffer.from(signature.slice(ENVELOPE_PREFIX.length), "base64url").toString());
  if (!Array.isArray(payload)) return [];
  const parts: ReasoningPart[] = [];
  for (const entry of payload) {
    if (!isObject(entry)) continue;
    const part: ReasoningPart = { type: "reasoning", text: stringOf(entry.t) ?? "" };
    const origin = stringOf(entry.o);
    const inner = stringOf(entry.s);
    const redacted = stringOf(entry.r);
    const encrypted = stringOf(entry.e);
    const itemId = stringOf(entry.i);
    if (origin !== undefined) part.origin = origin;
    if (inner !== undefined) part.signature = inner;
    if (redacted !== undefined) part.redactedData = redacted;
    if (encrypted !== undefined) part.encryptedContent = encrypted;
    if (itemId !== undefined) part.itemId = itemId;
    parts.push(part);
  }
  return parts;
}
