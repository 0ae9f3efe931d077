import { and, count, eq, gt, sql, sum } from "drizzle-orm";
import type { Statement } from "bun:sqlite";
import type { AppDatabase } from "../db/client.ts";
import { logger } from "../lib/logger.ts";
import { parseAnswer, serializeAnswer, type CachedAnswer } from "./cached-answer.ts";

/** How long a stored answer may wait to be written with others in one statement. */
const WRITE_DELAY_MS = 25;
/** Characters of a key the SQLite key index keeps (64 bits: a collision only costs a query). */
const INDEXED_CHARS = 16;
/** Stores between two sweeps of expired keys out of the SQLite key index. */
const INDEX_SWEEP_EVERY = 10_000;
/** Rows per INSERT (6 parameters each: well within SQLite's and PostgreSQL's limits). */
const ROWS_PER_STATEMENT = 500;

interface PendingRow {
  key: string;
  model: string;
  answer: string;
  bytes: number;
  createdAt: number;
  expiresAt: number;
}

interface StoredRow {
  answer: string;
  created_at: number | string;
  expires_at: number | string;
}

/**
 * The cache's durable tier: one row per answer in `response_cache`. It outlives a restart, and
 * every instance on one PostgreSQL reads the same rows. Writes are gathered for a few ms and made
 * in one statement, so a burst of misses costs one commit instead of one each (the answers are in
 * memory meanwhile). On SQLite this process is the table's only writer, so it keeps an index of the
 * keys stored (loaded on first use): a key it does not know is a miss without a query.
 */
export class DatabaseAnswers {
  private pending = new Map<string, PendingRow>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly lookup: Statement<StoredRow, [string, number]> | undefined;
  /** SQLite: the batch written by hand-prepared statements in one transaction (drizzle's builder costs more than the write). */
  private readonly insertAll: ((rows: PendingRow[]) => void) | undefined;
  /** SQLite: key prefix → latest expiry of the answers stored under it; undefined until first used. */
  private knownKeys: Map<string, number> | undefined;
  private storesSinceSweep = 0;

  constructor(private readonly db: AppDatabase) {
    const { sqlite } = db;
    this.lookup = sqlite?.prepare("SELECT answer, created_at, expires_at FROM response_cache WHERE key = ? AND expires_at > ?");
    if (sqlite) {
      const upsert = sqlite.prepare<unknown, [string, string, string, number, number, number]>(
        `INSERT INTO response_cache (key, model, answer, bytes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET model = excluded.model, answer = excluded.answer, bytes = excluded.bytes, created_at = excluded.created_at, expires_at = excluded.expires_at`,
      );
      this.insertAll = sqlite.transaction((rows: PendingRow[]) => {
        for (const row of rows) upsert.run(row.key, row.model, row.answer, row.bytes, row.createdAt, row.expiresAt);
      });
    }
  }

  async get(key: string, now: number): Promise<CachedAnswer | undefined> {
    if (!this.lookup) {
      const row = await this.selectPostgres(key, now);
      return row && parseAnswer(row.answer, Number(row.created_at), Number(row.expires_at));
    }
    const expiresAt = this.indexedKeys(now).get(key.slice(0, INDEXED_CHARS));
    if (expiresAt === undefined || expiresAt <= now) return undefined;
    const row = this.lookup.get(key, now);
    return row ? parseAnswer(row.answer, Number(row.created_at), Number(row.expires_at)) : undefined;
  }

  /** Queues the answer for the next batched write (`text`: its serialized form, when the caller has it). */
  set(key: string, model: string, answer: CachedAnswer, text = serializeAnswer(answer)): void {
    this.pending.set(key, { key, model, answer: text, bytes: Buffer.byteLength(text), createdAt: answer.createdAt, expiresAt: answer.expiresAt });
    this.timer ??= setTimeout(() => void this.flush(), WRITE_DELAY_MS);
    if (this.knownKeys) this.remember(key, answer.expiresAt);
  }

  /** Writes what is queued now (shutdown, tests); resolves once it is in the database. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    if (rows.length > 0) {
      this.writing = this.writing
        .then(() => this.write(rows))
        .catch((error) => logger.warn("response cache write failed", { error: (error as Error).message, answers: rows.length }));
    }
    return this.writing;
  }

  /** Removes one model's answers, or all (queued ones included); returns how many were stored. */
  async purge(model?: string): Promise<number> {
    for (const [key, row] of this.pending) if (model === undefined || row.model === model) this.pending.delete(key);
    await this.writing;
    const { responseCache } = this.db.tables;
    const removed = await this.db.orm
      .delete(responseCache)
      .where(model === undefined ? undefined : eq(responseCache.model, model))
      .returning({ key: responseCache.key });
    // Read again from what is left at the next lookup.
    this.knownKeys = undefined;
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

  private indexedKeys(now: number): Map<string, number> {
    if (this.knownKeys) return this.knownKeys;
    this.knownKeys = new Map();
    const rows = this.db.sqlite!.prepare<{ prefix: string; expires_at: number }, [number]>(
      `SELECT substr(key, 1, ${INDEXED_CHARS}) AS prefix, max(expires_at) AS expires_at FROM response_cache WHERE expires_at > ? GROUP BY prefix`,
    );
    for (const row of rows.iterate(now)) this.knownKeys.set(row.prefix, row.expires_at);
    for (const row of this.pending.values()) this.remember(row.key, row.expiresAt);
    return this.knownKeys;
  }

  private remember(key: string, expiresAt: number): void {
    const known = this.knownKeys!;
    const prefix = key.slice(0, INDEXED_CHARS);
    known.set(prefix, Math.max(expiresAt, known.get(prefix) ?? 0));
    if (++this.storesSinceSweep < INDEX_SWEEP_EVERY) return;
    this.storesSinceSweep = 0;
    const now = Date.now();
    for (const [indexed, expiry] of known) if (expiry <= now) known.delete(indexed);
  }

  private async selectPostgres(key: string, now: number): Promise<StoredRow | undefined> {
    const { responseCache } = this.db.tables;
    const [row] = await this.db.orm
      .select({ answer: responseCache.answer, created_at: responseCache.createdAt, expires_at: responseCache.expiresAt })
      .from(responseCache)
      .where(and(eq(responseCache.key, key), gt(responseCache.expiresAt, now)))
      .limit(1);
    return row;
  }

  private async write(rows: PendingRow[]): Promise<void> {
    if (this.insertAll) return this.insertAll(rows);
    const { responseCache } = this.db.tables;
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
      // A newer answer for a key replaces the stored one.
      await this.db.orm
        .insert(responseCache)
        .values(rows.slice(at, at + ROWS_PER_STATEMENT))
        .onConflictDoUpdate({
          target: responseCache.key,
          set: { model: sql`excluded.model`, answer: sql`excluded.answer`, bytes: sql`excluded.bytes`, createdAt: sql`excluded.created_at`, expiresAt: sql`excluded.expires_at` },
        });
    }
  }
}
