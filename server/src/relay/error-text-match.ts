/**
 * A provider's error texts (`errorMatch`): one per line. An answer that contains one of them, in
 * any case and even with different spacing (`"Insufficient Quota"` matches `insufficient_quota`'s
 * neighbour `"insufficient  quota"`), is a failure, as in LLMIO, whose matchers import as lines.
 */
export function findErrorText(body: string, errorMatch: string): string | undefined {
  const matchers = parsed(errorMatch);
  if (matchers.length === 0) return undefined;
  const lower = body.toLowerCase();
  let compact: string | undefined;
  for (const matcher of matchers) {
    if (lower.includes(matcher.lower)) return matcher.text;
    if (!matcher.compact) continue;
    compact ??= withoutSpace(lower);
    if (compact.includes(matcher.compact)) return matcher.text;
  }
  return undefined;
}

interface Matcher {
  text: string;
  lower: string;
  compact: string;
}

/** Parsed once per distinct setting: the relay checks every answer (and stream chunk) against it. */
const cache = new Map<string, Matcher[]>();

function parsed(errorMatch: string): Matcher[] {
  let matchers = cache.get(errorMatch);
  if (matchers) return matchers;
  matchers = errorMatch
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((text) => ({ text, lower: text.toLowerCase(), compact: withoutSpace(text.toLowerCase()) }));
  if (cache.size > 1000) cache.clear();
  cache.set(errorMatch, matchers);
  return matchers;
}

function withoutSpace(text: string): string {
  return text.replace(/\s+/g, "");
}
