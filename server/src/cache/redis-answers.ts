import type { RedisConnection } from "../lib/redis-connection.ts";
import { globEscape, scanKeys } from "../lib/scan-keys.ts";
import { parseAnswer, serializeAnswer, type CachedAnswer } from "./cached-answer.ts";

/**
 * The shared tier when Redis is configured: every instance finds an answer another one fetched
 * without a database round trip. Keys expire with the answer (PX); the model is part of the key
 * so one model's answers can be purged by pattern. While Redis is away every call is a miss and
 * the database tier answers.
 */
export class RedisAnswers {
  constructor(private readonly connection: RedisConnection) {}

  async get(model: string, key: string): Promise<CachedAnswer | undefined> {
    const text = await this.connection.run((client) => client.get(this.keyOf(model, key)));
    if (!text) return undefined;
    const separator = text.indexOf("\n");
    const [createdAt, expiresAt] = text.slice(0, separator).split(" ").map(Number);
    return parseAnswer(text.slice(separator + 1), createdAt, expiresAt);
  }

  set(model: string, key: string, answer: CachedAnswer): void {
    const ttlMs = answer.expiresAt - Date.now();
    if (ttlMs <= 0) return;
    const value = `${answer.createdAt} ${answer.expiresAt}\n${serializeAnswer(answer)}`;
    void this.connection.run((client) => client.send("SET", [this.keyOf(model, key), value, "PX", String(Math.round(ttlMs))]));
  }

  async purge(model?: string): Promise<number> {
    const removed = await this.connection.run(async (client) => {
      const keys = await scanKeys(client, model === undefined ? this.connection.pattern("cache", "*") : this.connection.pattern("cache", globEscape(encodeURIComponent(model)), "*"));
      for (let at = 0; at < keys.length; at += 500) await client.send("UNLINK", keys.slice(at, at + 500));
      return keys.length;
    }, 10_000);
    return removed ?? 0;
  }

  private keyOf(model: string, key: string): string {
    // Encoded, so a model name with ":" or "*" cannot reach into another model's keys.
    return this.connection.key("cache", encodeURIComponent(model), key);
  }
}
