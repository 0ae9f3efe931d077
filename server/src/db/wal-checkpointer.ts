import type { Database } from "bun:sqlite";
import { logger } from "../lib/logger.ts";

/** How often the worker copies the write-ahead log back into the database file. */
const CHECKPOINT_INTERVAL_MS = 500;
/** SQLite's own default, restored when the worker cannot run. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const STOP_WAIT_MS = 1000;

// Inline, so the compiled binary needs no separate worker file. PASSIVE never waits for the
// writer and never makes it wait.
const WORKER_SOURCE = `
import { Database } from "bun:sqlite";
let db;
let timer;
self.onmessage = ({ data }) => {
  if (data.type === "start") {
    db = new Database(data.path);
    timer = setInterval(() => {
      try {
        db.query("PRAGMA wal_checkpoint(PASSIVE)").get();
      } catch (error) {
        postMessage({ type: "failed", message: String(error?.message ?? error) });
      }
    }, data.intervalMs);
  } else if (data.type === "stop") {
    clearInterval(timer);
    db?.close();
    postMessage({ type: "stopped" });
    self.close();
  }
};
`;

/**
 * SQLite checkpoints its write-ahead log inside the commit that crosses 1,000 pages: under load
 * that commit of the request log takes 10–20 ms instead of half a millisecond, and every request
 * on the event loop waits for it (measured at concurrency 1: p99 10 ms with it, 4 ms without).
 * Once the log starts writing, the main connection stops checkpointing and a worker thread with
 * its own connection to the same file does it twice a second. Started lazily: an idle gateway
 * carries no extra thread (≈ 5 MB).
 */
export class WalCheckpointer {
  private worker: Worker | undefined;
  private stopped = false;

  constructor(
    private readonly sqlite: Database,
    private readonly path: string,
  ) {}

  start(): void {
    if (this.worker || this.stopped || this.path === ":memory:" || this.path === "") return;
    try {
      const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" })));
      // Never what keeps the process alive.
      (worker as Worker & { unref(): void }).unref();
      worker.onmessage = ({ data }) => {
        if (data?.type === "failed") this.fallBack(data.message);
      };
      worker.onerror = (event) => this.fallBack(event.message);
      worker.postMessage({ type: "start", path: this.path, intervalMs: CHECKPOINT_INTERVAL_MS });
      this.worker = worker;
      this.sqlite.exec("PRAGMA wal_autocheckpoint = 0");
    } catch (error) {
      this.fallBack((error as Error).message);
    }
  }

  /** Stops the worker (its connection closed) and hands checkpoints back to SQLite, before the database closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.restoreAutocheckpoint();
    const exited = new Promise<void>((resolve) => {
      worker.addEventListener("close", () => resolve());
      worker.onmessage = ({ data }) => data?.type === "stopped" && resolve();
    });
    worker.postMessage({ type: "stop" });
    await Promise.race([exited, Bun.sleep(STOP_WAIT_MS)]);
    worker.terminate();
  }

  /** The worker failed: SQLite checkpoints in the commit again, so the log file cannot grow without bound. */
  private fallBack(message: string): void {
    logger.warn("background WAL checkpoints stopped; SQLite checkpoints inside its commits again", { error: message });
    this.worker?.terminate();
    this.worker = undefined;
    this.stopped = true;
    this.restoreAutocheckpoint();
  }

  private restoreAutocheckpoint(): void {
    try {
      this.sqlite.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // The database is already closed: nothing is left to checkpoint.
    }
  }
}
