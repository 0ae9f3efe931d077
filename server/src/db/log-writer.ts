import type { SQL as PgClient } from "bun";
import type { Database } from "bun:sqlite";
import type { AppDatabase } from "./client.ts";
import type { NewRequestLog } from "./schema.ts";
import type { WalCheckpointer } from "./wal-checkpointer.ts";
import { logger } from "../lib/logger.ts";
import { RejectionLog } from "./rejection-log.ts";

const COLUMNS = [
  "trace_id", "model", "provider_id", "provider_name", "provider_model", "client_protocol", "endpoint", "status",
  "status_code", "error", "attempt", "stream", "prompt_tokens", "completion_tokens", "cached_tokens",
  "reasoning_tokens", "total_tokens", "usage_estimated", "warnings", "first_byte_ms", "duration_ms", "client_ip", "auth_key_id", "user_agent", "created_at",
  "reason", "repeat_count", "key_hint", "session_id", "path",
  "cache_write_tokens", "price_input", "price_cached_input", "price_cache_write", "price_output", "currency", "cost",
  "failure_class", "cache_status", "saved_tokens", "saved_cost", "otel_trace_id",
] as const;

const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => "?").join(", ")})`;
const ROWS_PER_STATEMENT = 50;
/** PostgreSQL takes at most 65,535 parameters per statement: 42 columns × 1,000 rows stays under. */
const POSTGRES_ROWS_PER_STATEMENT = 1_000;

export interface LogWriterOptions {
  /** How long a row may wait before its batch is written. */
  flushIntervalMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
}

/**
 * Queues request-log rows and writes them in one transaction per batch, so logging
 * never blocks a response. `flush()` is called on shutdown so nothing accepted is lost.
 * On SQLite a batch is written synchronously inside `flush()` (so a crash handler's
 * un-awaited flush still lands); on PostgreSQL batches are written one after another.
 */
export class LogWriter {
  private queue: NewRequestLog[] = [];
  /** Repeats to add to rows already queued or written (folded rejections), by trace id. */
  private repeats = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly insertBatch: (rows: NewRequestLog[], repeats: Map<string, number>) => void | Promise<void>;
  private writing: Promise<void> | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private listeners: Array<(rows: NewRequestLog[]) => void | Promise<void>> = [];
  private repeatListeners: Array<() => void> = [];
  /** Rejected calls, folded into one row per minute per identical rejection. */
  readonly rejections: RejectionLog;
  /**
   * Rows accepted by `write` so far. Batches are written and handed to listeners in the order
   * the rows came, so row number n (1-based) has been handed on once `written` reaches n.
   */
  accepted = 0;
  written = 0;
  private closed = false;

  constructor(db: AppDatabase, options: LogWriterOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 500;
    this.insertBatch = requestLogInserter(db);
    this.rejections = new RejectionLog(this);
  }

  /** Queues one row; returns immediately. */
  write(row: NewRequestLog): void {
    if (this.closed) {
      logger.error("a request log arrived after shutdown and was not saved", { traceId: row.traceId });
      return;
    }
    this.accepted++;
    this.queue.push(row);
    if (this.queue.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /**
   * Adds `count` more calls to the row of `traceId` (queued or written): a folded rejection.
   * Applied with the next batch, after its inserts, so the row is always there first.
   */
  addRepeats(traceId: string, count: number): void {
    if (this.closed) return;
    this.repeats.set(traceId, (this.repeats.get(traceId) ?? 0) + count);
    this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /** Called after repeats were added to written rows (counts changed without new rows). */
  onRepeated(listener: () => void): void {
    this.repeatListeners.push(listener);
  }

  /** Called after each batch is written (live views, key usage); `flush()` waits for returned promises. */
  onWritten(listener: (rows: NewRequestLog[]) => void | Promise<void>): void {
    this.listeners.push(listener);
  }

  get pending(): number {
    return this.queue.length + this.repeats.size;
  }

  /** Writes what is queued and refuses later rows (the database is about to close). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Writes everything queued now; resolves when it is written (or kept for a retry). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // One batch at a time (PostgreSQL); rows queued meanwhile go in the next.
    if (this.writing) return this.writing.then(() => this.flush());
    if (this.queue.length === 0 && this.repeats.size === 0) return Promise.resolve();
    const rows = this.queue;
    const repeats = this.repeats;
    this.queue = [];
    this.repeats = new Map();
    let pending: void | Promise<void>;
    try {
      pending = this.insertBatch(rows, repeats);
    } catch (error) {
      this.failed(rows, repeats, error);
      return Promise.resolve();
    }
    if (!pending) return this.succeeded(rows, repeats);
    const writing = pending
      .then(
        () => this.succeeded(rows, repeats),
        (error) => this.failed(rows, repeats, error),
      )
      .finally(() => (this.writing = undefined));
    this.writing = writing;
    return writing;
  }

  private async succeeded(rows: NewRequestLog[], repeats: Map<string, number>): Promise<void> {
    this.written += rows.length;
    if (repeats.size > 0) {
      for (const listener of this.repeatListeners) {
        try {
          listener();
        } catch (error) {
          logger.error("a request-log listener failed", { error });
        }
      }
    }
    if (rows.length === 0) return;
    const settled = await Promise.allSettled(this.listeners.map(async (listener) => listener(rows)));
    for (const result of settled) {
      if (result.status === "rejected") logger.error("a request-log listener failed", { error: result.reason });
    }
  }

  private failed(rows: NewRequestLog[], repeats: Map<string, number>, error: unknown): void {
    // Keep the rows for the next try rather than dropping them (e.g. a locked or unreachable database).
    this.queue = rows.concat(this.queue);
    for (const [traceId, count] of this.repeats) repeats.set(traceId, (repeats.get(traceId) ?? 0) + count);
    this.repeats = repeats;
    logger.error("writing request logs failed; will retry", { error, rows: rows.length });
    this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs * 10);
  }
}

/** Writes a batch of rows in one transaction (and adds folded repeats); throws when it cannot. */
export function requestLogInserter(db: AppDatabase): (rows: NewRequestLog[], repeats: Map<string, number>) => void | Promise<void> {
  return db.sqlite ? sqliteBatchInsert(db.sqlite, db.walCheckpoints) : postgresBatchInsert(db.postgres!);
}

/**
 * A raw prepared statement: this is the hottest write in the gateway and drizzle would rebuild
 * the SQL per row. Rows go in groups of ROWS_PER_STATEMENT per INSERT: far fewer executions.
 */
function sqliteBatchInsert(sqlite: Database, walCheckpoints: WalCheckpointer | undefined): (rows: NewRequestLog[], repeats: Map<string, number>) => void {
  const statementFor = (rows: number) =>
    sqlite.prepare(`INSERT INTO request_logs (${COLUMNS.join(", ")}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(", ")}`);
  const insertGroup = statementFor(ROWS_PER_STATEMENT);
  const insertOne = statementFor(1);
  const addRepeats = sqlite.prepare(REPEATS_SQL);
  const insert = sqlite.transaction((rows: NewRequestLog[], repeats: Map<string, number>) => {
    let index = 0;
    for (; index + ROWS_PER_STATEMENT <= rows.length; index += ROWS_PER_STATEMENT) {
      insertGroup.run(...rows.slice(index, index + ROWS_PER_STATEMENT).flatMap(toValues));
    }
    for (; index < rows.length; index++) insertOne.run(...toValues(rows[index]));
    for (const [traceId, count] of repeats) addRepeats.run(count, traceId);
  });
  return (rows, repeats) => {
    walCheckpoints?.start();
    insert(rows, repeats);
  };
}

/** Folded rejections: one row per trace id, found by the trace index. */
const REPEATS_SQL = "UPDATE request_logs SET repeat_count = repeat_count + ? WHERE trace_id = ?";

/**
 * Bun's own multi-row INSERT (it sends the rows without drizzle building SQL for each value:
 * about 1.5 ms per 500 rows), in slices under PostgreSQL's parameter limit, one transaction a batch.
 */
function postgresBatchInsert(postgres: PgClient): (rows: NewRequestLog[], repeats: Map<string, number>) => Promise<void> {
  return (rows, repeats) =>
    postgres.begin(async (tx) => {
      for (let index = 0; index < rows.length; index += POSTGRES_ROWS_PER_STATEMENT) {
        const records = rows.slice(index, index + POSTGRES_ROWS_PER_STATEMENT).map(toPostgresRecord);
        await tx`INSERT INTO request_logs ${tx(records, ...COLUMNS)}`;
      }
      for (const [traceId, count] of repeats) {
        await tx`UPDATE request_logs SET repeat_count = repeat_count + ${count} WHERE trace_id = ${traceId}`;
      }
    });
}

const BOOLEAN_COLUMNS = new Set<string>(["stream", "usage_estimated"]);

/** A row keyed by column name; PostgreSQL's booleans are true/false where SQLite stores 1/0. */
function toPostgresRecord(row: NewRequestLog): Record<string, unknown> {
  const values = toValues(row);
  return Object.fromEntries(COLUMNS.map((column, index) => [column, BOOLEAN_COLUMNS.has(column) ? values[index] === 1 : values[index]]));
}

function toValues(row: NewRequestLog) {
  return [
    row.traceId, row.model, row.providerId ?? null, row.providerName ?? null, row.providerModel ?? null,
    row.clientProtocol, row.endpoint ?? "chat", row.status, row.statusCode ?? null, row.error ?? null, row.attempt ?? 0,
    row.stream ? 1 : 0, row.promptTokens ?? 0, row.completionTokens ?? 0, row.cachedTokens ?? 0,
    row.reasoningTokens ?? 0, row.totalTokens ?? 0, row.usageEstimated ? 1 : 0, row.warnings ?? null, row.firstByteMs ?? null, row.durationMs ?? 0,
    row.clientIp ?? null, row.authKeyId ?? null, row.userAgent ?? null, row.createdAt,
    row.reason ?? null, row.repeatCount ?? 1, row.keyHint ?? null, row.sessionId ?? null, row.path ?? null,
    row.cacheWriteTokens ?? 0, row.priceInput ?? null, row.priceCachedInput ?? null, row.priceCacheWrite ?? null, row.priceOutput ?? null, row.currency ?? null, row.cost ?? null,
    row.failureClass ?? null, row.cacheStatus ?? null, row.savedTokens ?? 0, row.savedCost ?? null, row.otelTraceId ?? null,
  ];
}
