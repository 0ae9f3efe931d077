import type { Currency } from "@llmio/contract";
import type { CanonicalResponse } from "../core/canonical.ts";

/** A complete successful answer kept by the response cache, with what it cost when it was fetched. */
export interface CachedAnswer {
  response: CanonicalResponse;
  /** Epoch ms when it was fetched (the client's `age` header counts from here) and when it expires. */
  createdAt: number;
  expiresAt: number;
  /** The original's total tokens and cost, which every hit saves. */
  savedTokens: number;
  savedCost: number | null;
  currency: Currency | null;
}

/** What the `answer` column (and a Redis value) holds: everything but the times, which have columns of their own. */
type StoredPart = Pick<CachedAnswer, "response" | "savedTokens" | "savedCost" | "currency">;

export function serializeAnswer(answer: CachedAnswer): string {
  const stored: StoredPart = { response: answer.response, savedTokens: answer.savedTokens, savedCost: answer.savedCost, currency: answer.currency };
  return JSON.stringify(stored);
}

export function parseAnswer(text: string, createdAt: number, expiresAt: number): CachedAnswer | undefined {
  try {
    const stored = JSON.parse(text) as StoredPart;
    if (!stored?.response || !Array.isArray(stored.response.content)) return undefined;
    return { ...stored, createdAt, expiresAt };
  } catch {
    return undefined;
  }
}

/** Still servable at `now` under the model's current TTL (a TTL lowered since the answer was stored counts). */
export function isFresh(answer: CachedAnswer, now: number, ttlSeconds: number): boolean {
  return now < answer.expiresAt && now - answer.createdAt < ttlSeconds * 1000;
}
