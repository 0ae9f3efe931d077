import type { Statement } from "bun:sqlite";
import type { CacheStatus } from "@llmio/contract";
import { fillPlaceholders, sql, type SQL } from "drizzle-orm";
import { SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import type { AppDatabase } from "../db/client.ts";
import type { Currency } from "../db/schema.ts";
import type { RangeWindow } from "./dashboard-range.ts";

/** Rows read per query; the event loop serves proxy traffic between chunks. */
const CHUNK_ROWS = 20_000;

/**
 * Every row of a period in (created_at, id) order, a chunk at a time, with only the columns the
 * dashboard needs. For a failed first attempt, whether its request succeeded later (a trace
 * index lookup, for those rows only). The chunk's own start bounds the index range
 * (`created_at >= after`): with the period's start there instead, the database would walk every
 * earlier chunk again to reach the keyset position. Columns are named for PostgreSQL's rows.
 */
function scanSql(after: unknown, to: unknown, afterId: unknown, limit: unknown): SQL {
  return sql`
SELECT created_at, id, status = 'success' AS succeeded, attempt, provider_id, first_byte_ms, duration_ms,
  prompt_tokens, completion_tokens, cached_tokens, endpoint = 'count_tokens' AS counting_tokens,
  model, provider_model, auth_key_id, user_agent, repeat_count, reason,
  CASE WHEN status = 'error' AND attempt = 0 THEN EXISTS (
    SELECT 1 FROM request_logs later WHERE later.trace_id = r.trace_id AND later.status = 'success'
  ) END AS succeeded_later,
  cache_write_tokens, cost, currency, cache_status, saved_tokens, saved_cost
FROM request_logs r
WHERE created_at >= ${after} AND created_at < ${to} AND (created_at, id) > (${after}, ${afterId})
ORDER BY created_at, id
LIMIT ${limit}`;
}

/** A flag: 0/1 on SQLite, a boolean on PostgreSQL. */
type Flag = number | boolean;

/** One log row as `scanSql` reads it. */
export type ScanRow = [
  createdAt: number,
  id: number,
  succeeded: Flag,
  attempt: number,
  providerId: number | null,
  firstByteMs: number | null,
  durationMs: number,
  promptTokens: number,
  completionTokens: number,
  cachedTokens: number,
  countingTokens: Flag,
  model: string,
  providerModel: string | null,
  authKeyId: number | null,
  userAgent: string | null,
  /** How many calls the row stands for (identical rejections of a minute share one row). */
  repeatCount: number,
  reason: string | null,
  /** Only for a failed attempt 0: whether another attempt of the request succeeded. */
  succeededLater: Flag | null,
  cacheWriteTokens: number,
  /** The cost snapshotted at request time and its currency; null on rows logged before prices were snapshotted. */
  cost: number | null,
  currency: Currency | null,
  /** The response cache's part: hit (served from it, no upstream call), miss, or null (the model does not cache). */
  cacheStatus: CacheStatus | null,
  /** A hit: the tokens and cost (in `currency`) of the original answer. */
  savedTokens: number,
  savedCost: number | null,
];

/** Where `ScanRow` holds the logged model name. */
export const SCAN_MODEL = 11;

/** A row as PostgreSQL returns it: by column name, bigints (`created_at`, `id`) as text. */
interface PostgresScanRow {
  created_at: string;
  id: string;
  succeeded: boolean;
  attempt: number;
  provider_id: number | null;
  first_byte_ms: number | null;
  duration_ms: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  counting_tokens: boolean;
  model: string;
  provider_model: string | null;
  auth_key_id: number | null;
  user_agent: string | null;
  repeat_count: number;
  reason: string | null;
  succeeded_later: boolean | null;
  cache_write_tokens: number;
  cost: number | null;
  currency: Currency | null;
  cache_status: CacheStatus | null;
  saved_tokens: number;
  saved_cost: number | null;
}

type ReadChunk = (after: number, to: number, afterId: number, limit: number) => Promise<ScanRow[]>;

/** Reads the request log of a period in chunks, yielding to the event loop between them. */
export class LogScanner {
  private readonly read: ReadChunk;

  constructor(
    db: AppDatabase,
    /** Rows per query (small in tests, to cross chunk boundaries). */
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.read = db.sqlite ? sqliteReader(db.sqlite.prepare(sqliteText.sql)) : postgresReader(db);
  }

  async *chunks(window: RangeWindow): AsyncGenerator<ScanRow[]> {
    let afterCreatedAt = window.from;
    let afterId = 0;
    for (;;) {
      const rows = await this.read(afterCreatedAt, window.to, afterId, this.chunkRows);
      yield rows;
      if (rows.length < this.chunkRows) return;
      [afterCreatedAt, afterId] = rows[rows.length - 1];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

// SQLite: one prepared statement returning arrays, which the tally reads without building an object per row.
const sqliteText = new SQLiteSyncDialect().sqlToQuery(
  scanSql(sql.placeholder("after"), sql.placeholder("to"), sql.placeholder("afterId"), sql.placeholder("limit")),
);

function sqliteReader(statement: Statement): ReadChunk {
  return async (after, to, afterId, limit) => statement.values(...fillPlaceholders(sqliteText.params, { after, to, afterId, limit })) as ScanRow[];
}

function postgresReader(db: AppDatabase): ReadChunk {
  return async (after, to, afterId, limit) =>
    (await db.rows<PostgresScanRow>(scanSql(after, to, afterId, limit))).map((row) => [
      Number(row.created_at),
      Number(row.id),
      row.succeeded,
      row.attempt,
      row.provider_id,
      row.first_byte_ms,
      row.duration_ms,
      row.prompt_tokens,
      row.completion_tokens,
      row.cached_tokens,
      row.counting_tokens,
      row.model,
      row.provider_model,
      row.auth_key_id,
      row.user_agent,
      row.repeat_count,
      row.reason,
      row.succeeded_later,
      row.cache_write_tokens,
      row.cost,
      row.currency,
      row.cache_status,
      row.saved_tokens,
      row.saved_cost,
    ]);
}
