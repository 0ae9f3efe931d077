import { afterEach, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { AppDatabase } from "./client.ts";
import { LogWriter } from "./log-writer.ts";
import { keyHintOf, MAX_DISTINCT_REJECTIONS_PER_MINUTE, type Rejection } from "./rejection-log.ts";
import { openTestDatabase, testStorage } from "./test-database.ts";

interface StoredRow {
  status_code: number;
  reason: string;
  repeat_count: number;
  key_hint: string | null;
  client_ip: string | null;
  user_agent: string | null;
  model: string;
  path: string | null;
  trace_id: string;
}

const opened: AppDatabase[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

async function setUp() {
  const db = await openTestDatabase();
  opened.push(db);
  const writer = new LogWriter(db, { flushIntervalMs: 5 });
  return { db, writer };
}

async function rows(db: AppDatabase): Promise<StoredRow[]> {
  const read = await db.rows<StoredRow>(
    sql`SELECT status_code, reason, repeat_count, key_hint, client_ip, user_agent, model, path, trace_id FROM request_logs ORDER BY id`,
  );
  return read.map((row) => ({ ...row, status_code: Number(row.status_code), repeat_count: Number(row.repeat_count) }));
}

const unknownKey = (overrides: Partial<Rejection> = {}): Rejection => ({
  status: 401,
  reason: "unknown_key",
  message: "Invalid API key",
  protocol: "openai-chat",
  path: "/v1/chat/completions",
  clientIp: "203.0.113.7",
  userAgent: "curl/8.5.0",
  presentedKey: "sk-wrong-key-0123456789abcd",
  ...overrides,
});

describe(`rejection log (${testStorage})`, () => {
  test("1,000 identical bad calls in one minute are one row counting 1,000", async () => {
    const { db, writer } = await setUp();
    const minute = Date.UTC(2026, 10, 1, 12, 0, 0);
    const traceIds = new Set<string>();
    for (let call = 0; call < 1_000; call++) {
      traceIds.add(writer.rejections.record(unknownKey(), minute + call * 10));
      // Batches are written in between, so later calls add to a row that is already stored.
      if (call % 250 === 0) await writer.flush();
    }
    await writer.flush();
    const stored = await rows(db);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status_code: 401, reason: "unknown_key", repeat_count: 1_000, client_ip: "203.0.113.7", user_agent: "curl/8.5.0", path: "/v1/chat/completions" });
    // The row names the call by the same trace id every one of them was told.
    expect([...traceIds]).toEqual([stored[0].trace_id]);
  });

  test("the key is never stored, only a hint of it", async () => {
    const { db, writer } = await setUp();
    writer.rejections.record(unknownKey());
    writer.rejections.record(unknownKey({ presentedKey: "short-key" }));
    await writer.flush();
    const stored = await rows(db);
    expect(stored.map((row) => row.key_hint)).toEqual(["sk-…abcd", keyHintOf("short-key")]);
    expect(keyHintOf("short-key")).toMatch(/^sha256:[0-9a-f]{8}$/);
    const everything = JSON.stringify(await db.rows(sql`SELECT * FROM request_logs`));
    expect(everything).not.toContain("sk-wrong-key-0123456789abcd");
    expect(everything).not.toContain("short-key");
  });

  test("different reasons, IPs, keys, models and minutes are separate rows", async () => {
    const { db, writer } = await setUp();
    const minute = Date.UTC(2026, 10, 1, 12, 0, 0);
    const calls: Array<[Partial<Rejection>, number]> = [
      [{}, 0],
      [{}, 1],
      [{ clientIp: "203.0.113.8" }, 2],
      [{ presentedKey: "sk-another-wrong-key-zzzz" }, 3],
      [{ status: 429, reason: "ip_locked_out", presentedKey: undefined, message: "locked out" }, 4],
      [{ status: 404, reason: "unknown_model", presentedKey: undefined, authKeyId: 3, model: "gpt-nope" }, 5],
      [{ status: 404, reason: "unknown_model", presentedKey: undefined, authKeyId: 3, model: "gpt-other" }, 6],
      [{ status: 404, reason: "unknown_model", presentedKey: undefined, authKeyId: 3, model: "gpt-other" }, 7],
      [{}, 60_000],
    ];
    for (const [overrides, offset] of calls) writer.rejections.record(unknownKey(overrides), minute + offset);
    await writer.flush();
    const stored = await rows(db);
    expect(stored.map((row) => [row.status_code, row.reason, row.repeat_count, row.model])).toEqual([
      [401, "unknown_key", 2, ""],
      [401, "unknown_key", 1, ""],
      [401, "unknown_key", 1, ""],
      [429, "ip_locked_out", 1, ""],
      [404, "unknown_model", 1, "gpt-nope"],
      [404, "unknown_model", 2, "gpt-other"],
      [401, "unknown_key", 1, ""],
    ]);
  });

  test("a flood of different keys stays bounded: past the cap, new ones of a reason share one row", async () => {
    const { db, writer } = await setUp();
    const minute = Date.UTC(2026, 10, 1, 12, 0, 0);
    const calls = MAX_DISTINCT_REJECTIONS_PER_MINUTE + 500;
    for (let call = 0; call < calls; call++) {
      writer.rejections.record(unknownKey({ presentedKey: `sk-random-${call.toString().padStart(12, "0")}` }), minute + (call % 50_000));
    }
    await writer.flush();
    const stored = await rows(db);
    expect(stored).toHaveLength(MAX_DISTINCT_REJECTIONS_PER_MINUTE + 1);
    expect(stored.reduce((sum, row) => sum + row.repeat_count, 0)).toBe(calls);
    const folded = stored.at(-1)!;
    expect(folded).toMatchObject({ repeat_count: 500, key_hint: null, client_ip: null });
  });

  test("counts not yet written are flushed when the writer closes (shutdown)", async () => {
    const { db, writer } = await setUp();
    for (let call = 0; call < 300; call++) writer.rejections.record(unknownKey());
    await writer.flush();
    for (let call = 0; call < 200; call++) writer.rejections.record(unknownKey());
    expect(writer.pending).toBeGreaterThan(0);
    await writer.close();
    expect((await rows(db))[0].repeat_count).toBe(500);
    // A new process (restart) starts a new row for the same rejection rather than losing count.
    const restarted = new LogWriter(db, { flushIntervalMs: 5 });
    restarted.rejections.record(unknownKey());
    await restarted.close();
    expect((await rows(db)).map((row) => row.repeat_count)).toEqual([500, 1]);
  });
});
