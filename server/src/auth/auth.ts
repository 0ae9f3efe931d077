import { timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison: both sides are hashed with SHA-256 first so neither the
 * content nor the length of the expected token leaks through timing. An empty expected
 * token never matches, so a misconfigured server cannot be opened with an empty key.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const givenDigest = new Bun.CryptoHasher("sha256").update(given).digest();
  return timingSafeEqual(givenDigest, digestOf(expected)) && expected.length > 0;
}

// The expected side is the same token on every request: hash it once (the gateway's hottest check).
let lastExpected: string | undefined;
let lastExpectedDigest: Buffer | undefined;
function digestOf(expected: string): Buffer {
  if (expected !== lastExpected || !lastExpectedDigest) {
    lastExpected = expected;
    lastExpectedDigest = new Bun.CryptoHasher("sha256").update(expected).digest();
  }
  return lastExpectedDigest;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(headers: Headers): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return match?.[1].trim() || undefined;
}

/**
 * API key from `Authorization: Bearer` (OpenAI), `x-api-key` (Anthropic),
 * `x-goog-api-key` or `?key=` (Gemini), in that order.
 */
export function extractApiKey(headers: Headers, url: URL | string): string | undefined {
  return (
    bearerToken(headers) ||
    headers.get("x-api-key")?.trim() ||
    headers.get("x-goog-api-key")?.trim() ||
    // Parsed last: most requests carry a header and never pay for the URL.
    (typeof url === "string" ? new URL(url, "http://localhost") : url).searchParams.get("key")?.trim() ||
    undefined
  );
}
