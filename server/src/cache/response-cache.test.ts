import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { AppDatabase } from "../db/client.ts";
import { openTestDatabase } from "../db/test-database.ts";
import { localChangeBus, type ChangeBus } from "../lib/change-bus.ts";
import { SettingsStore } from "../routing/settings.ts";
import type { CachedAnswer } from "./cached-answer.ts";
import { DatabaseAnswers } from "./database-answers.ts";
import { ResponseCache } from "./response-cache.ts";

let db: AppDatabase;
let settings: SettingsStore;
beforeEach(async () => {
  db = await openTestDatabase();
  settings = new SettingsStore(db);
});
afterEach(() => db.close());

const NOW = Date.now();
function answerOf(text: string, ttlMs = 60_000): CachedAnswer {
  return { response: { id: "r", model: "m", content: [{ type: "text", text }], finishReason: "stop" }, createdAt: NOW, expiresAt: NOW + ttlMs, savedTokens: 10, savedCost: 0.002, currency: "USD" };
}

describe("ResponseCache", () => {
  test("an answer put is found in memory, and in the database by a new cache (a restart)", async () => {
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    cache.put("m", "k1", answerOf("hello"));
    expect((await cache.get("m", "k1", NOW))?.response.content).toEqual([{ type: "text", text: "hello" }]);
    await cache.close();
    const restarted = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    const found = await restarted.get("m", "k1", NOW);
    expect(found).toMatchObject({ savedTokens: 10, savedCost: 0.002, currency: "USD", createdAt: NOW });
    expect(await restarted.get("m", "unknown", NOW)).toBeUndefined();
  });

  test("an expired answer is not served from any tier", async () => {
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    cache.put("m", "short", answerOf("soon gone", 1000));
    await cache.close();
    expect(await cache.get("m", "short", NOW + 2000)).toBeUndefined();
    const restarted = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    expect(await restarted.get("m", "short", NOW + 2000)).toBeUndefined();
  });

  test("memory stays within cacheMaxMb; what falls out is still served from the database", async () => {
    await settings.update({ cacheMaxMb: 1 });
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    await cache.get("m", "warm-up", NOW);
    const big = "x".repeat(300 * 1024);
    for (let i = 0; i < 8; i++) cache.put("m", `big-${i}`, answerOf(`${i}${big}`));
    const stats = await cache.stats(NOW);
    expect(stats.memoryMaxBytes).toBe(1024 * 1024);
    expect(stats.memoryBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(stats.memoryEntries).toBeLessThan(8);
    await cache.close();
    expect((await cache.get("m", "big-0", NOW))?.response.content[0]).toMatchObject({ type: "text" });
    expect((await cache.stats(NOW)).entries).toBe(8);
  });

  test("purging one model leaves the others; purging all empties every tier and tells the other instances", async () => {
    const published: string[] = [];
    const bus: ChangeBus = { publish: (topic) => void published.push(topic), subscribe: () => () => {} };
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, bus);
    cache.put("a", "ka", answerOf("A"));
    cache.put("b", "kb", answerOf("B"));
    await cache.close();
    expect(await cache.purge("a")).toBe(1);
    expect(await cache.get("a", "ka", NOW)).toBeUndefined();
    expect(await cache.get("b", "kb", NOW)).toBeDefined();
    expect(await cache.purge()).toBe(1);
    expect(await cache.get("b", "kb", NOW)).toBeUndefined();
    expect(published).toEqual(["response-cache", "response-cache"]);
  });

  test("another instance's purge notice empties this one's memory", async () => {
    let notify = () => {};
    const bus: ChangeBus = { publish() {}, subscribe: (_topic, listener) => ((notify = listener), () => {}) };
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, bus);
    cache.put("m", "k", answerOf("held"));
    await cache.close();
    // The other instance deleted the shared rows; only this memory still has the answer.
    await new DatabaseAnswers(db).purge();
    expect(await cache.get("m", "k", NOW)).toBeDefined();
    notify();
    expect(await cache.get("m", "k", NOW)).toBeUndefined();
  });

  test("a failing database is a miss, never an error", async () => {
    const cache = new ResponseCache(new DatabaseAnswers(db), settings, localChangeBus);
    await cache.get("m", "warm-up", NOW);
    await db.close();
    expect(await cache.get("m", "k", NOW)).toBeUndefined();
    cache.put("m", "k", answerOf("kept in memory"));
    expect(await cache.get("m", "k", NOW)).toBeDefined();
    db = await openTestDatabase();
  });
});
