import type { Database, Statement } from "bun:sqlite";
import type { AppDatabase } from "../db/client.ts";
import { logger } from "./logger.ts";
import type { SettingsStore } from "./settings.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Rows per DELETE: each statement holds the write lock (and this thread) only briefly. */
const CHUNK_ROWS = 5_000;
/** After deleting this many rows the WAL is folded back and truncated, so the disk space comes back. */
const LARGE_DELETE_ROWS = 50_000;
/** The scheduled job's first run, shortly after start (a gateway restarted often still gets pruned). */
const FIRST_RUN_DELAY_MS = 60_000;

/** What one retention run removed. */
export interface RetentionResult {
  deletedRows: number;
  deletedBodies: number;
}

// One run per database at a time: the hourly job and the admin button join the run under way
// instead of both deleting the same "excess" rows.
const runs = new WeakMap<Database, Promise<RetentionResult>>();

/**
 * Deletes request logs older than `logRetentionDays` and the oldest beyond `logMaxRows`, then
 * the captured bodies of requests whose log rows are gone. Deletes go in chunks with the event
 * loop free in between, so proxy traffic and log writes carry on during a large cleanup.
 */
export class LogRetention {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly sqlite: Database;

  constructor(
    db: AppDatabase,
    private readonly settings: SettingsStore,
    /** Rows per DELETE (small in tests, to cross chunk boundaries). */
    private readonly chunkRows = CHUNK_ROWS,
  ) {
    this.sqlite = db.$client;
  }

  /** Runs now with the current settings; joins a run already under way on the same database. */
  run(now = Date.now()): Promise<RetentionResult> {
    const running = runs.get(this.sqlite);
    if (running) return running;
    const run = this.prune(now).finally(() => runs.delete(this.sqlite));
    runs.set(this.sqlite, run);
    return run;
  }

  /** Runs every `intervalMs` (hourly by default), the first time a minute after start. */
  start(intervalMs = HOUR_MS, firstDelayMs = FIRST_RUN_DELAY_MS): this {
    const schedule = (delayMs: number) => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        try {
          const result = await this.run();
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

  private async prune(now: number): Promise<RetentionResult> {
    const { logRetentionDays, logMaxRows } = this.settings.get();
    const ageCutoff = logRetentionDays === null ? undefined : now - logRetentionDays * DAY_MS;
    let deletedRows = 0;
    if (ageCutoff !== undefined) {
      const deleteOld = this.sqlite.prepare(
        "DELETE FROM request_logs WHERE id IN (SELECT id FROM request_logs WHERE created_at < ? ORDER BY created_at LIMIT ?)",
      );
      deletedRows += await this.inChunks((limit) => deleteOld.run(ageCutoff, limit).changes);
    }
    if (logMaxRows !== null && !this.stopped) {
      const { rows } = this.sqlite.query("SELECT count(*) AS rows FROM request_logs").get() as { rows: number };
      const deleteOldest = this.sqlite.prepare(
        "DELETE FROM request_logs WHERE id IN (SELECT id FROM request_logs ORDER BY created_at, id LIMIT ?)",
      );
      deletedRows += await this.inChunks((limit) => deleteOldest.run(limit).changes, rows - logMaxRows);
    }
    const deletedBodies = this.stopped ? 0 : await this.pruneBodies(ageCutoff);
    if (!this.stopped) this.tidy(deletedRows + deletedBodies);
    return { deletedRows, deletedBodies };
  }

  /**
   * Bodies past the age limit, and bodies older than the oldest remaining log row: a body is
   * saved when its request ends, after its attempts were logged, so all of those rows are gone.
   */
  private async pruneBodies(ageCutoff: number | undefined): Promise<number> {
    const { oldest } = this.sqlite.query("SELECT min(created_at) AS oldest FROM request_logs").get() as { oldest: number | null };
    const cutoff = Math.max(ageCutoff ?? -Infinity, oldest ?? -Infinity);
    if (cutoff === -Infinity) return 0;
    const deleteBodies: Statement = this.sqlite.prepare(
      "DELETE FROM request_bodies WHERE trace_id IN (SELECT trace_id FROM request_bodies WHERE created_at < ? LIMIT ?)",
    );
    return this.inChunks((limit) => deleteBodies.run(cutoff, limit).changes);
  }

  /** Calls `deleteChunk(limit)` until it deletes less than asked or `total` rows are gone. */
  private async inChunks(deleteChunk: (limit: number) => number, total = Infinity): Promise<number> {
    let deleted = 0;
    while (deleted < total && !this.stopped) {
      const limit = Math.min(this.chunkRows, total - deleted);
      const changes = deleteChunk(limit);
      deleted += changes;
      if (changes < limit) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return deleted;
  }

  /** Fresh planner statistics after the table changed; the WAL truncated after a large cleanup. */
  private tidy(deleted: number): void {
    this.sqlite.run("PRAGMA optimize");
    if (deleted >= LARGE_DELETE_ROWS) this.sqlite.run("PRAGMA wal_checkpoint(TRUNCATE)");
  }
}
