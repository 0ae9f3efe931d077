/**
 * Reasoning produced by another vendor (an Anthropic thinking signature, redacted thinking,
 * a Gemini thought signature) has no place on the Responses wire. Codex replays a reasoning
 * item's `encrypted_content` verbatim on the next request, so we carry the foreign data
 * there, in an envelope only this gateway reads: the next turn can then hand the signed
 * block back to the vendor that made it.
 */

const PREFIX = "llmio1:";

export interface ForeignReasoning {
  origin?: string;
  signature?: string;
  redactedData?: string;
}

export function wrapForeignReasoning(reasoning: ForeignReasoning): string {
  const json = JSON.stringify({ o: reasoning.origin, s: reasoning.signature, r: reasoning.redactedData });
  return PREFIX + Buffer.from(json).toString("base64url");
}

/** True for `encrypted_content` this gateway wrote (a real upstream would reject it). */
export function isForeignReasoningEnvelope(encryptedContent: unknown): boolean {
  return typeof encryptedContent === "string" && encryptedContent.startsWith(PREFIX);
}

/** The foreign reasoning in an envelope, or undefined when the content is a vendor's own. */
export function unwrapForeignReasoning(encryptedContent: string): ForeignReasoning | undefined {
  if (!encryptedContent.startsWith(PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(encryptedContent.slice(PREFIX.length), "base64url").toString()) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === "string" ? value : undefined);
    return { origin: text(parsed.o), signature: text(parsed.s), redactedData: text(parsed.r) };
  } catch {
    return {};
  }
}
