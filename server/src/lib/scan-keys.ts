import type { RedisClient } from "bun";

/** Every key matching a glob pattern, by SCAN (never KEYS, which blocks Redis on a large keyspace). */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = (await client.send("SCAN", [cursor, "MATCH", pattern, "COUNT", "1000"])) as [string, string[]];
    found.push(...keys);
    cursor = String(next);
  } while (cursor !== "0");
  return found;
}

/** Escapes glob characters in a literal part of a pattern (a prefix chosen by the operator). */
export function globEscape(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, "\\$&");
}
