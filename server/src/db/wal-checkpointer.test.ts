import { expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "./client.ts";
import { LogWriter } from "./log-writer.ts";
import { WalCheckpointer } from "./wal-checkpointer.ts";

test("SQLite: once the log writes, a worker checkpoints the WAL and the commits no longer do; close stops it cleanly", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmio-wal-"));
  try {
    const path = join(dir, "llmio.db");
    const db = openDatabase(path);
    const autocheckpoint = () => (db.sqlite!.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint;
    // Idle: SQLite's own checkpoints, no thread.
    expect(autocheckpoint()).toBe(1000);
    const writer = new LogWriter(db, { flushIntervalMs: 1 });
    const mainFileBefore = statSync(path).size;
    for (let index = 0; index < 3000; index++) {
      writer.write({ traceId: `w${index}`, model: "m", clientProtocol: "openai-chat", status: "success", createdAt: Date.now() });
    }
    await writer.flush();
    expect(autocheckpoint()).toBe(0);
    // The worker copies the log into the database file on its own.
    const deadline = Date.now() + 3000;
    while (statSync(path).size <= mainFileBefore && Date.now() < deadline) await Bun.sleep(50);
    expect(statSync(path).size).toBeGreaterThan(mainFileBefore);
    await writer.close();
    await db.close();
    // Nothing holds the file any more: a new connection checkpoints the whole log and finds every row.
    const reopened = new Database(path);
    expect(reopened.query("PRAGMA wal_checkpoint(TRUNCATE)").get()).toMatchObject({ busy: 0 });
    expect(reopened.query("SELECT COUNT(*) AS n FROM request_logs").get()).toEqual({ n: 3000 });
    reopened.close();
    const wal = `${path}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a worker that cannot open the database hands checkpoints back to SQLite (the log file never grows unchecked)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmio-wal-"));
  try {
    const db = openDatabase(join(dir, "llmio.db"));
    const autocheckpoint = () => (db.sqlite!.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint;
    // The worker gets a path it cannot open: it fails as it would on a deleted or unreadable file.
    const broken = new WalCheckpointer(db.sqlite!, join(dir, "missing-folder", "llmio.db"));
    broken.start();
    expect(autocheckpoint()).toBe(0);
    const deadline = Date.now() + 5000;
    while (autocheckpoint() !== 1000 && Date.now() < deadline) await Bun.sleep(20);
    expect(autocheckpoint()).toBe(1000);
    await broken.stop();
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
