import { and, asc, eq, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import { first } from "../db/query.ts";
import type { RetentionTrigger } from "../db/schema.ts";
import { logger } from "../lib/logger.ts";
import { RetentionHistory, retentionMode } from "./retention-history.ts";
import type { GatewaySettings, SettingsStore } from "../routing/settings.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Rows per DELETE: each statement holds the write lock (and this thread) only briefly. */
const CHUNK_ROWS = 5_000;
/** After deleting this many rows the storage is tidied (SQLite: WAL truncated; PostgreSQL: statistics refreshed). */
const LARGE_DELETE_ROWS = 50_000;
/** The scheduled job's first run, shortly after start (a gateway restarted often still gets pruned). */
const FIRST_RUN_DELAY_MS = 60_000;

/** What one retention run removed. */
export interface RetentionResult {
  deletedRows: number;
  deletedBodies: number;
}

// One run per database at a time in this process: the hourly job and the admin button join the
// run under way instead of both deleting the same rows.
const runs = new WeakMap<AppDatabase, Promise<RetentionResult>>();

/**
 * Deletes request logs older than `logRetentionDays` and the oldest beyond `logMaxRows`, then
 * the captured bodies of requests whose log rows are gone. Deletes go in chunks with the event
 * loop free in between, so proxy traffic and log writes carry on during a large cleanup.
 * Every delete is by a cutoff, never by a count, so instances sharing a PostgreSQL database
 * may run at the same time: they delete the same rows, not twice as many.
 */
export class LogRetention {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly history: RetentionHistory;

  constructor(
    private readonly db: AppDatabase,
    private readonly settings: Pick<SettingsStore, "get">,
    /** Rows per DELETE (small in tests, to cross chunk boundaries). */
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.history = new RetentionHistory(db);
  }

  /**
   * Runs now with the current settings; joins a run already under way on the same database.
   * Each run (not a join) is added to the cleanup history, a failed one with its error.
   */
  run(now = Date.now(), trigger: RetentionTrigger = "manual"): Promise<RetentionResult> {
    const running = runs.get(this.db);
    if (running) return running;
    const run = this.recorded(now, trigger).finally(() => runs.delete(this.db));
    runs.set(this.db, run);
    return run;
  }

  private async recorded(now: number, trigger: RetentionTrigger): Promise<RetentionResult> {
    const startedAt = Date.now();
    const started = performance.now();
    const settings = await this.settings.get();
    const entry = { startedAt, triggeredBy: trigger, mode: retentionMode(settings) };
    const record = async (result: RetentionResult, error: string | null) => {
      // A run cut short by shutdown is not history; the database is closing.
      if (this.stopped) return;
      const durationMs = Math.round(performance.now() - started);
      // The history is a record, never a reason for the cleanup itself to fail.
      await this.history.record({ ...entry, ...result, durationMs, error }).catch((failure) => {
        logger.error("recording the retention run failed", { error: (failure as Error)?.message ?? String(failure) });
      });
    };
    try {
      const result = await this.prune(now, settings);
      await record(result, null);
      return result;
    } catch (error) {
      await record({ deletedRows: 0, deletedBodies: 0 }, (error as Error)?.message ?? String(error));
      throw error;
    }
  }

  /** Runs every `intervalMs` (hourly by default), the first time a minute after start. */
  start(intervalMs = HOUR_MS, firstDelayMs = FIRST_RUN_DELAY_MS): this {
    const schedule = (delayMs: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        try {
          const result = await this.run(Date.now(), "scheduled");
          if (result.deletedRows > 0 || result.deletedBodies > 0) logger.info("log retention ran", { ...result });
        } catch (error) {
          logger.error("log retention failed", { error });
        }
        schedule(intervalMs);
      }, delayMs);
      // The schedule alone never keeps the process alive.
      this.timer.unref?.();
    };
    schedule(firstDelayMs);
    return this;
  }

  /** Cancels the schedule; a run under way stops after its current chunk (the database is about to close). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async prune(now: number, { logRetentionDays, logMaxRows }: GatewaySettings): Promise<RetentionResult> {
    const logs = this.db.tables.requestLogs;
    const ageCutoff = logRetentionDays === null ? undefined : now - logRetentionDays * DAY_MS;
    let deletedRows = 0;
    if (ageCutoff !== undefined) deletedRows += await this.deleteLogs(lt(logs.createdAt, ageCutoff));
    if (logMaxRows !== null && !this.stopped) {
      const oldestKept = await this.oldestKept(logMaxRows);
      if (oldestKept) {
        // Before it in (createdAt, id) order, as two plain ranges that the created_at index serves.
        deletedRows += await this.deleteLogs(lt(logs.createdAt, oldestKept.createdAt));
        deletedRows += await this.deleteLogs(and(eq(logs.createdAt, oldestKept.createdAt), lt(logs.id, oldestKept.id))!);
      }
    }
    const deletedBodies = this.stopped ? 0 : await this.pruneBodies(ageCutoff);
    if (!this.stopped) await this.pruneExpiredAnswers(now);
    if (!this.stopped) await this.tidy(deletedRows + deletedBodies);
    return { deletedRows, deletedBodies };
  }

  /** Cached answers past their expiry (the response cache serves none of them; memory drops its own). */
  private async pruneExpiredAnswers(now: number): Promise<void> {
    const { responseCache } = this.db.tables;
    await this.db.orm.delete(responseCache).where(lte(responseCache.expiresAt, now));
  }

  /**
   * The oldest row within the newest `maxRows`, in (createdAt, id) order. Counted and found in
   * one statement, so it sees one state of the table while another instance deletes; the walk
   * from the oldest end covers only the excess rows (the created_at index serves both).
   */
  private async oldestKept(maxRows: number): Promise<{ createdAt: number; id: number } | undefined> {
    const [row] = await this.db.rows<{ created_at: number | string; id: number | string }>(sql`
      SELECT created_at, id FROM request_logs ORDER BY created_at, id LIMIT 1
      OFFSET (SELECT CASE WHEN count(*) > ${maxRows} THEN count(*) - ${maxRows} ELSE 0 END FROM request_logs)`);
    // PostgreSQL answers bigint columns as strings.
    return row && { createdAt: Number(row.created_at), id: Number(row.id) };
  }

  /** Deletes the log rows matching `where`, oldest first, a chunk at a time. */
  private deleteLogs(where: SQL): Promise<number> {
    const { orm, tables } = this.db;
    const logs = tables.requestLogs;
    return this.inChunks(async (limit) => {
      const chunk = orm.select({ id: logs.id }).from(logs).where(where).orderBy(asc(logs.createdAt)).limit(limit);
      return (await orm.delete(logs).where(inArray(logs.id, chunk)).returning({ id: logs.id })).length;
    });
  }

  /**
   * Bodies past the age limit, and bodies older than the oldest remaining log row: a body is
   * saved when its request ends, after its attempts were logged, so all of those rows are gone.
   */
  private async pruneBodies(ageCutoff: number | undefined): Promise<number> {
    const { orm, tables } = this.db;
    const { requestLogs: logs, requestBodies: bodies } = tables;
    const oldest = await first(orm.select({ createdAt: logs.createdAt }).from(logs).orderBy(asc(logs.createdAt)).limit(1));
    const cutoff = Math.max(ageCutoff ?? -Infinity, oldest?.createdAt ?? -Infinity);
    if (cutoff === -Infinity) return 0;
    return this.inChunks(async (limit) => {
      const chunk = orm.select({ traceId: bodies.traceId }).from(bodies).where(lt(bodies.createdAt, cutoff)).limit(limit);
      return (await orm.delete(bodies).where(inArray(bodies.traceId, chunk)).returning({ traceId: bodies.traceId })).length;
    });
  }

  /** Calls `deleteChunk(limit)` until it deletes less than asked. */
  private async inChunks(deleteChunk: (limit: number) => Promise<number>): Promise<number> {
    let deleted = 0;
    while (!this.stopped) {
      const changes = await deleteChunk(this.chunkRows);
      deleted += changes;
      if (changes < this.chunkRows) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return deleted;
  }

  /** Fresh planner statistics after the table changed; SQLite's WAL truncated after a large cleanup. */
  private async tidy(deleted: number): Promise<void> {
    const { sqlite } = this.db;
    if (sqlite) {
      sqlite.run("PRAGMA optimize");
      if (deleted >= LARGE_DELETE_ROWS) sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
      return;
    }
    // Autovacuum reclaims the space and refreshes statistics in its own time; after a large
    // cleanup the planner should not wait for it.
    if (deleted >= LARGE_DELETE_ROWS) await this.db.rows(sql`ANALYZE request_logs, request_bodies`);
  }
}
