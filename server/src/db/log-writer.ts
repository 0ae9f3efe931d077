import type { AppDatabase } from "./client.ts";
import type { NewRequestLog } from "./schema.ts";
import { logger } from "../services/logger.ts";

const COLUMNS = [
  "trace_id", "model", "provider_id", "provider_name", "provider_model", "client_protocol", "endpoint", "status",
  "status_code", "error", "attempt", "stream", "prompt_tokens", "completion_tokens", "cached_tokens",
  "reasoning_tokens", "total_tokens", "usage_estimated", "warnings", "first_byte_ms", "duration_ms", "client_ip", "auth_key_id", "user_agent", "created_at",
] as const;

const ROW_PLACEHOLDERS = `(${COLUMNS.map(() => "?").join(", ")})`;
const ROWS_PER_STATEMENT = 50;

export interface LogWriterOptions {
  /** How long a row may wait before its batch is written. */
  flushIntervalMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
}

/**
 * Queues request-log rows and writes them in one transaction per batch, so logging
 * never blocks a response. `flush()` is called on shutdown so nothing accepted is lost.
 */
export class LogWriter {
  private queue: NewRequestLog[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly insertBatch: (rows: NewRequestLog[]) => void;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private listeners: Array<(rows: NewRequestLog[]) => void> = [];
  written = 0;
  private closed = false;

  constructor(db: AppDatabase, options: LogWriterOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 500;
    // A raw prepared statement: this is the hottest write in the gateway and drizzle would rebuild the SQL per row.
    // Rows go in groups of ROWS_PER_STATEMENT per INSERT: far fewer statement executions.
    const sqlite = db.$client;
    const statementFor = (rows: number) =>
      sqlite.prepare(`INSERT INTO request_logs (${COLUMNS.join(", ")}) VALUES ${Array(rows).fill(ROW_PLACEHOLDERS).join(", ")}`);
    const insertGroup = statementFor(ROWS_PER_STATEMENT);
    const insertOne = statementFor(1);
    this.insertBatch = sqlite.transaction((rows: NewRequestLog[]) => {
      let index = 0;
      for (; index + ROWS_PER_STATEMENT <= rows.length; index += ROWS_PER_STATEMENT) {
        insertGroup.run(...rows.slice(index, index + ROWS_PER_STATEMENT).flatMap(toValues));
      }
      for (; index < rows.length; index++) insertOne.run(...toValues(rows[index]));
    });
  }

  /** Queues one row; returns immediately. */
  write(row: NewRequestLog): void {
    if (this.closed) {
      logger.error("a request log arrived after shutdown and was not saved", { traceId: row.traceId });
      return;
    }
    this.queue.push(row);
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /** Called after each batch is written (for live views). */
  onWritten(listener: (rows: NewRequestLog[]) => void): void {
    this.listeners.push(listener);
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Writes what is queued and refuses later rows (the database is about to close). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Writes everything queued now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    try {
      this.insertBatch(rows);
      this.written += rows.length;
      for (const listener of this.listeners) listener(rows);
    } catch (error) {
      // Keep the rows for the next try rather than dropping them (e.g. a locked database).
      this.queue = rows.concat(this.queue);
      logger.error("writing request logs failed; will retry", { error, rows: rows.length });
      this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs * 10);
    }
  }
}

function toValues(row: NewRequestLog) {
  return [
    row.traceId, row.model, row.providerId ?? null, row.providerName ?? null, row.providerModel ?? null,
    row.clientProtocol, row.endpoint ?? "chat", row.status, row.statusCode ?? null, row.error ?? null, row.attempt ?? 0,
    row.stream ? 1 : 0, row.promptTokens ?? 0, row.completionTokens ?? 0, row.cachedTokens ?? 0,
    row.reasoningTokens ?? 0, row.totalTokens ?? 0, row.usageEstimated ? 1 : 0, row.warnings ?? null, row.firstByteMs ?? null, row.durationMs ?? 0,
    row.clientIp ?? null, row.authKeyId ?? null, row.userAgent ?? null, row.createdAt,
  ];
}
