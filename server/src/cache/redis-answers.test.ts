/** The Redis tier of the response cache against a real Redis. Needs LLMIO_TEST_REDIS_URL. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { RedisConnection } from "../lib/redis-connection.ts";
import type { CachedAnswer } from "./cached-answer.ts";
import { RedisAnswers } from "./redis-answers.ts";

const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
if (!redisUrl) console.error("redis answers: skipped (set LLMIO_TEST_REDIS_URL to run it)");

let connection: RedisConnection;
beforeAll(async () => {
  if (redisUrl) connection = await RedisConnection.open(redisUrl, { prefix: `llmio-cache-test-${process.pid}:` });
});
afterAll(async () => {
  await connection?.close();
});

function answerOf(text: string, ttlMs = 60_000): CachedAnswer {
  const now = Date.now();
  return { response: { id: "r", model: "m", content: [{ type: "text", text }], finishReason: "stop" }, createdAt: now, expiresAt: now + ttlMs, savedTokens: 3, savedCost: null, currency: null };
}

describe.skipIf(!redisUrl)("RedisAnswers", () => {
  test("an answer set is found with its times; an unknown key or model is not", async () => {
    const answers = new RedisAnswers(connection);
    const stored = answerOf("from redis");
    answers.set("model-a", "k1", stored);
    await Bun.sleep(50);
    expect(await answers.get("model-a", "k1")).toEqual(stored);
    expect(await answers.get("model-a", "k2")).toBeUndefined();
    expect(await answers.get("model-b", "k1")).toBeUndefined();
  });

  test("keys expire with the answer", async () => {
    const answers = new RedisAnswers(connection);
    answers.set("model-a", "short", answerOf("short-lived", 100));
    await Bun.sleep(250);
    expect(await answers.get("model-a", "short")).toBeUndefined();
  });

  test("purging one model spares a model whose name is a glob matching it", async () => {
    const answers = new RedisAnswers(connection);
    answers.set("gpt-*", "k", answerOf("glob name"));
    answers.set("gpt-4o", "k", answerOf("plain name"));
    await Bun.sleep(50);
    expect(await answers.purge("gpt-*")).toBe(1);
    expect(await answers.get("gpt-4o", "k")).toBeDefined();
    expect(await answers.get("gpt-*", "k")).toBeUndefined();
    expect(await answers.purge()).toBeGreaterThanOrEqual(1);
    expect(await answers.get("gpt-4o", "k")).toBeUndefined();
  });
});
