/**
 * Reasoning from other vendors, carried through Anthropic clients. A thinking block's
 * `signature` is opaque to clients and replayed verbatim, so reasoning produced by another
 * wire (OpenAI `encrypted_content`, Gemini `thoughtSignature`) travels inside it as an
 * envelope and comes back intact on the next turn. Real Anthropic upstreams never see an
 * envelope: the encoder only replays `origin: "anthropic"` reasoning, and the fast path
 * strips enveloped blocks (see fast-path.ts).
 */
import type { ReasoningPart } from "../../core/canonical.ts";
import { isObject, parseJson, stringOf } from "../../core/json-values.ts";

const PREFIX = "llmio1:";

export const ANTHROPIC_ORIGIN = "anthropic";

type Opaque = Pick<ReasoningPart, "signature" | "encryptedContent" | "itemId" | "origin">;

/** True when a signature is one of ours rather than Anthropic's. */
export function isEnvelope(signature: string): boolean {
  return signature.startsWith(PREFIX);
}

/** The signature to send to an Anthropic client for this reasoning ("" when there is nothing to carry). */
export function signatureFor(reasoning: Opaque): string {
  if (reasoning.origin === ANTHROPIC_ORIGIN || reasoning.origin === undefined) return reasoning.signature ?? "";
  if (!reasoning.signature && !reasoning.encryptedContent && !reasoning.itemId) return "";
  const payload = { o: reasoning.origin, s: reasoning.signature, e: reasoning.encryptedContent, i: reasoning.itemId };
  return PREFIX + Buffer.from(JSON.stringify(payload)).toString("base64url");
}

/** A client-sent signature → the reasoning's opaque fields and origin. */
export function openSignature(signature: string | undefined): Opaque {
  if (!signature) return {};
  if (!isEnvelope(signature)) return { signature, origin: ANTHROPIC_ORIGIN };
  const payload = parseJson(Buffer.from(signature.slice(PREFIX.length), "base64url").toString());
  if (!isObject(payload) || typeof payload.o !== "string") return {};
  const opaque: Opaque = { origin: payload.o };
  const inner = stringOf(payload.s);
  const encrypted = stringOf(payload.e);
  const itemId = stringOf(payload.i);
  if (inner !== undefined) opaque.signature = inner;
  if (encrypted !== undefined) opaque.encryptedContent = encrypted;
  if (itemId !== undefined) opaque.itemId = itemId;
  return opaque;
}
