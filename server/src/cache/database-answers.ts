import { and, count, eq, gt, sql, sum } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { parseAnswer, serializeAnswer, type CachedAnswer } from "./cached-answer.ts";

/**
 * The cache's durable tier: one row per answer in `response_cache`. It outlives a restart, and
 * every instance on one PostgreSQL reads the same rows.
 */
export class DatabaseAnswers {
  constructor(private readonly db: AppDatabase) {}

  async get(key: string, now: number): Promise<CachedAnswer | undefined> {
    const { responseCache } = this.db.tables;
    const [row] = await this.db.orm.select().from(responseCache).where(and(eq(responseCache.key, key), gt(responseCache.expiresAt, now))).limit(1);
    return row ? parseAnswer(row.answer, row.createdAt, row.expiresAt) : undefined;
  }

  async set(key: string, model: string, answer: CachedAnswer): Promise<void> {
    const { responseCache } = this.db.tables;
    const text = serializeAnswer(answer);
    const values = { answer: text, bytes: Buffer.byteLength(text), createdAt: answer.createdAt, expiresAt: answer.expiresAt, model };
    await this.db.orm
      .insert(responseCache)
      .values({ key, ...values })
      .onConflictDoUpdate({ target: responseCache.key, set: values });
  }

  /** Removes one model's answers, or all; returns how many. */
  async purge(model?: string): Promise<number> {
    const { responseCache } = this.db.tables;
    const removed = await this.db.orm
      .delete(responseCache)
      .where(model === undefined ? undefined : eq(responseCache.model, model))
      .returning({ key: responseCache.key });
    return removed.length;
  }

  /** Unexpired answers and their bytes, per model. */
  async usage(now: number): Promise<Array<{ model: string; entries: number; bytes: number }>> {
    const { responseCache } = this.db.tables;
    const rows = await this.db.orm
      .select({ model: responseCache.model, entries: count(), bytes: sum(responseCache.bytes) })
      .from(responseCache)
      .where(gt(responseCache.expiresAt, now))
      .groupBy(responseCache.model)
      .orderBy(sql`2 desc`);
    return rows.map((row) => ({ model: row.model, entries: Number(row.entries), bytes: Number(row.bytes ?? 0) }));
  }
}
