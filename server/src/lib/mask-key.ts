/**
 * Masks a key for display: first 3 chars + "…" + last 4 (e.g. `sk-…abcd`); keys of
 * ≤ 8 chars → "…" + last 2, and keys of ≤ 2 chars → "…" so no key is ever shown whole.
 */
export function maskKey(key: string): string {
  if (key.length <= 2) return "…";
  if (key.length <= 8) return `…${key.slice(-2)}`;
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}
