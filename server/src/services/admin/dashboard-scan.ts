import type { Statement } from "bun:sqlite";
import type { AppDatabase } from "../../db/client.ts";
import type { RangeWindow } from "./dashboard-range.ts";

/** Rows read per query; the event loop serves proxy traffic between chunks. */
const CHUNK_ROWS = 20_000;

/**
 * Every row of a period in (created_at, id) order, a chunk at a time, with only the columns the
 * dashboard needs. For a failed first attempt, whether its request succeeded later (a trace
 * index lookup, for those rows only). The chunk's own start bounds the index range
 * (`created_at >= ?1`): with the period's start there instead, SQLite would walk every earlier
 * chunk again to reach the keyset position.
 */
const SCAN_SQL = `
SELECT created_at, id, status = 'success', attempt, provider_id, first_byte_ms, duration_ms,
  prompt_tokens, completion_tokens, cached_tokens, endpoint = 'count_tokens',
  model, provider_model, auth_key_id, user_agent,
  CASE WHEN status = 'error' AND attempt = 0 THEN EXISTS (
    SELECT 1 FROM request_logs later WHERE later.trace_id = r.trace_id AND later.status = 'success'
  ) END
FROM request_logs r
WHERE created_at >= ?1 AND created_at < ?2 AND (created_at, id) > (?1, ?3)
ORDER BY created_at, id
LIMIT ?4`;

/** One log row as SCAN_SQL reads it; booleans are 0/1. */
export type ScanRow = [
  createdAt: number,
  id: number,
  succeeded: number,
  attempt: number,
  providerId: number | null,
  firstByteMs: number | null,
  durationMs: number,
  promptTokens: number,
  completionTokens: number,
  cachedTokens: number,
  countingTokens: number,
  model: string,
  providerModel: string | null,
  authKeyId: number | null,
  userAgent: string | null,
  /** Only for a failed attempt 0: whether another attempt of the request succeeded. */
  succeededLater: number | null,
];

/** Reads the request log of a period in chunks, yielding to the event loop between them. */
export class LogScanner {
  private readonly statement: Statement;

  constructor(
    db: AppDatabase,
    /** Rows per query (small in tests, to cross chunk boundaries). */
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.statement = db.$client.prepare(SCAN_SQL);
  }

  async *chunks(window: RangeWindow): AsyncGenerator<ScanRow[]> {
    let afterCreatedAt = window.from;
    let afterId = 0;
    for (;;) {
      const rows = this.statement.values(afterCreatedAt, window.to, afterId, this.chunkRows) as ScanRow[];
      yield rows;
      if (rows.length < this.chunkRows) return;
      [afterCreatedAt, afterId] = rows[rows.length - 1];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
