/**
 * Issue 12, item 4: a client key with `requestQuota: 10` got 200 of 200 concurrent calls
 * through, because usage was only counted when log rows were written, after the calls.
 * Quota is now reserved at admission: exactly the quota's calls reach the upstream however
 * many arrive at once, a call that fails without cost gives its unit back, and a token quota
 * is overshot by at most one call's tokens.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createDeps } from "../../src/app-deps.ts";
import { openPostgres } from "../../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { connectSharedState } from "../../src/shared-state/index.ts";
import { deleteKeys } from "../../src/shared-state/test-support.ts";
import { configureModel, listenTestGateway, startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";

const CONCURRENT = 200;

let upstream: FakeUpstream;

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});

afterAll(async () => {
  await upstream.stop();
});

interface Setup {
  gateway: TestGateway;
  clientKey: string;
  keyId: number;
}

/**
 * A gateway whose model `slow` answers after 300 ms (so the calls overlap), `wordy` answers
 * 200 words, `trickle` streams 200 words slowly, `broken` always fails (HTTP 500, no retry) and `hanging` never
 * answers, plus one client key with the given
 * quotas, issued through the admin API.
 */
async function gatewayWithQuota(quotas: { requestQuota?: number; tokenQuota?: number }): Promise<Setup> {
  const gateway = startTestGateway();
  const baseUrl = `${upstream.url}/v1`;
  await configureModel(gateway, "slow", [{ name: "slow", baseUrl, providerModel: "fake-model+first-byte-delay=300+token-delay=5" }]);
  await configureModel(gateway, "broken", [{ name: "broken", baseUrl, providerModel: "fake-model+status=500" }], { maxRetry: 0 });
  await configureModel(gateway, "wordy", [{ name: "wordy", baseUrl, providerModel: "fake-model+first-byte-delay=100+words=200" }]);
  await configureModel(gateway, "trickle", [{ name: "trickle", baseUrl, providerModel: "fake-model+token-delay=50+words=200" }]);
  await configureModel(gateway, "hanging", [{ name: "hanging", baseUrl, providerModel: "fake-model+hang" }], { maxRetry: 0, timeoutMs: 60_000 });
  const { key, id } = await gateway.admin("POST", "/api/auth-keys", { name: "metered", ...quotas });
  return { gateway, clientKey: key as string, keyId: id as number };
}

function chat(setup: Setup, model: string, options: { stream?: boolean; maxTokens?: number; signal?: AbortSignal } = {}) {
  return fetch(`${setup.gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${setup.clientKey}`, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "Say something." }],
      ...(options.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
    }),
    signal: options.signal,
  });
}

/** One call, on whichever gateway of the setup (`via`) is given. */
function chatVia(gateway: TestGateway, clientKey: string, model: string) {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${clientKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Say something." }] }),
  });
}

/** Status and body of one call, the body read to its end (a stream included). */
async function outcome(response: Promise<Response>): Promise<{ status: number; retryAfter: string | null; body: string }> {
  const answer = await response;
  return { status: answer.status, retryAfter: answer.headers.get("retry-after"), body: await answer.text() };
}

async function keyUsage(setup: Setup): Promise<{ requestsUsed: number; tokensUsed: number }> {
  return setup.gateway.admin("GET", `/api/auth-keys/${setup.keyId}`);
}

/** Waits until the call's reservations are settled (their log rows counted). */
async function settled(setup: Setup, requestsUsed: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await keyUsage(setup)).requestsUsed < requestsUsed && Date.now() < deadline) await Bun.sleep(20);
  await Bun.sleep(100);
}

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe("client key quotas under concurrency (issue 12, item 4)", () => {
  for (const stream of [false, true]) {
    test(`${CONCURRENT} concurrent ${stream ? "streaming" : "non-stream"} calls with requestQuota 10: exactly 10 get through`, async () => {
      const setup = await gatewayWithQuota({ requestQuota: 10 });
      try {
        const upstreamBefore = upstream.requests;
        const results = await Promise.all(Array.from({ length: CONCURRENT }, () => outcome(chat(setup, "slow", { stream }))));
        const statuses = countBy(results.map((result) => result.status));
        expect(statuses).toEqual({ 200: 10, 429: CONCURRENT - 10 });
        expect(upstream.requests - upstreamBefore).toBe(10);
        if (stream) for (const result of results.filter((each) => each.status === 200)) expect(result.body).toContain("data: [DONE]");

        // Refused in the client's own shape: an OpenAI rate-limit error saying why.
        const refused = results.find((result) => result.status === 429)!;
        expect(JSON.parse(refused.body).error).toMatchObject({ type: "rate_limit_error" });
        expect(JSON.parse(refused.body).error.message).toContain("quota");

        await settled(setup, 10);
        expect(await keyUsage(setup)).toMatchObject({ requestsUsed: 10 });
        // Used up now: refused without Retry-After (waiting will not help), and nothing reaches the upstream.
        const after = await outcome(chat(setup, "slow", { stream }));
        expect(after.status).toBe(429);
        expect(after.retryAfter).toBeNull();
        expect(JSON.parse(after.body).error.message).toContain("used up");
        // OpenAI's own code for it, which the SDKs do not retry.
        expect(JSON.parse(after.body).error.code).toBe("insufficient_quota");
        expect(upstream.requests - upstreamBefore).toBe(10);
      } finally {
        await setup.gateway.stop();
      }
    }, 30_000);
  }

  test("calls that fail without cost give their units back", async () => {
    const setup = await gatewayWithQuota({ requestQuota: 10 });
    try {
      // Every attempt fails: the units are back once the calls' rows are counted.
      const failed = await Promise.all(Array.from({ length: 10 }, () => outcome(chat(setup, "broken"))));
      expect(failed.every((result) => result.status >= 500)).toBe(true);
      await Bun.sleep(200);

      // Clients that leave before any answer: their units come back too.
      const aborts = Array.from({ length: 10 }, () => new AbortController());
      const hanging = aborts.map((abort) => chat(setup, "hanging", { signal: abort.signal }).catch(() => undefined));
      await Bun.sleep(300);
      // While they hang they hold every unit: an 11th call is refused, with a retry hint.
      const whileHeld = await outcome(chat(setup, "slow"));
      expect(whileHeld.status).toBe(429);
      expect(whileHeld.retryAfter).toBe("1");
      for (const abort of aborts) abort.abort();
      await Promise.all(hanging);
      await Bun.sleep(300);

      // Clients that leave in the middle of a stream: no request is counted, the units come back.
      const readers = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const abort = new AbortController();
          const response = await chat(setup, "trickle", { stream: true, signal: abort.signal });
          expect(response.status).toBe(200);
          const reader = response.body!.getReader();
          await reader.read();
          return { abort, reader };
        }),
      );
      for (const { abort, reader } of readers) {
        abort.abort();
        await reader.cancel().catch(() => {});
      }
      // Their rows come once each stream's end is logged (tokens estimated: the upstream had not reported any yet).
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const logs = await setup.gateway.admin("GET", "/api/logs?model=trickle&pageSize=100");
        if (logs.items.length >= 10) break;
        await Bun.sleep(20);
      }
      await Bun.sleep(100);

      const upstreamBefore = upstream.requests;
      const results = await Promise.all(Array.from({ length: 40 }, () => outcome(chat(setup, "slow"))));
      expect(countBy(results.map((result) => result.status))).toEqual({ 200: 10, 429: 30 });
      expect(upstream.requests - upstreamBefore).toBe(10);
      await settled(setup, 10);
      expect(await keyUsage(setup)).toMatchObject({ requestsUsed: 10 });
    } finally {
      await setup.gateway.stop();
    }
  }, 30_000);

  test("refusals in the Anthropic shape; counting tokens is free while every unit is held", async () => {
    const setup = await gatewayWithQuota({ requestQuota: 2 });
    try {
      const aborts = [new AbortController(), new AbortController()];
      const hanging = aborts.map((abort) => chat(setup, "hanging", { signal: abort.signal }).catch(() => undefined));
      await Bun.sleep(300);
      const anthropic = (path: string, body: object) =>
        outcome(
          fetch(`${setup.gateway.url}/v1/messages${path}`, {
            method: "POST",
            headers: { "x-api-key": setup.clientKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
            body: JSON.stringify({ model: "slow", max_tokens: 50, messages: [{ role: "user", content: "hi" }], ...body }),
          }),
        );
      const refused = await anthropic("", {});
      expect(refused.status).toBe(429);
      expect(refused.retryAfter).toBe("1");
      expect(JSON.parse(refused.body)).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      const counted = await anthropic("/count_tokens", { max_tokens: undefined });
      expect(counted.status).toBe(200);
      expect(JSON.parse(counted.body).input_tokens).toBeGreaterThan(0);
      for (const abort of aborts) abort.abort();
      await Promise.all(hanging);
    } finally {
      await setup.gateway.stop();
    }
  }, 30_000);

  test("a token quota is overshot by at most one call's tokens", async () => {
    const TOKEN_QUOTA = 2_000;
    const setup = await gatewayWithQuota({ tokenQuota: TOKEN_QUOTA });
    try {
      let largestCall = 0;
      // Waves of concurrent calls until the quota refuses every call of a wave as used up.
      for (let wave = 0; wave < 40; wave++) {
        const results = await Promise.all(Array.from({ length: 50 }, () => outcome(chat(setup, "wordy", { maxTokens: 400 }))));
        for (const result of results.filter((each) => each.status === 200)) {
          largestCall = Math.max(largestCall, (JSON.parse(result.body).usage as { total_tokens: number }).total_tokens);
        }
        await Bun.sleep(100);
        if (results.every((result) => result.status === 429 && JSON.parse(result.body).error.message.includes("used up"))) break;
      }
      const { tokensUsed } = await keyUsage(setup);
      console.log(`token quota ${TOKEN_QUOTA}: used ${tokensUsed}, overshoot ${tokensUsed - TOKEN_QUOTA}, largest call ${largestCall} tokens`);
      expect(largestCall).toBeGreaterThan(0);
      expect(tokensUsed).toBeGreaterThanOrEqual(TOKEN_QUOTA);
      expect(tokensUsed - TOKEN_QUOTA).toBeLessThanOrEqual(largestCall);
    } finally {
      await setup.gateway.stop();
    }
  }, 60_000);
});

const databaseServer = process.env.LLMIO_TEST_DATABASE_URL;
const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
if (!databaseServer || !redisUrl) console.error("quotas e2e: the two-instance case is skipped (no LLMIO_TEST_DATABASE_URL / LLMIO_TEST_REDIS_URL)");

/** A gateway on a shared PostgreSQL database and Redis (another instance of the same deployment). */
async function sharedGateway(databaseUrl: string, prefix: string): Promise<TestGateway> {
  const db = await openPostgres(databaseUrl, { max: 8 });
  const sharedState = await connectSharedState(redisUrl, { prefix });
  const deps = createDeps({ token: TEST_TOKEN }, db, { logWriter: { flushIntervalMs: 10 }, sharedState });
  return listenTestGateway(deps);
}

describe.skipIf(!databaseServer || !redisUrl)("client key quotas on two instances sharing PostgreSQL and Redis (issue 12, item 4)", () => {
  test(`${CONCURRENT} concurrent calls spread over both instances with requestQuota 10: exactly 10 get through`, async () => {
    const databaseName = `llmio_quotas_${process.pid}`;
    const server = new SQL(databaseServer!);
    await server.unsafe(`DROP DATABASE IF EXISTS ${databaseName}`);
    await server.unsafe(`CREATE DATABASE ${databaseName}`);
    const databaseUrl = databaseServer!.replace(/\/[^/]*$/, `/${databaseName}`);
    const prefix = `llmio-quotas-${process.pid}:`;
    const a = await sharedGateway(databaseUrl, prefix);
    const b = await sharedGateway(databaseUrl, prefix);
    try {
      await configureModel(a, "slow", [{ name: "slow", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+first-byte-delay=300" }]);
      const { key, id } = await a.admin("POST", "/api/auth-keys", { name: "metered", requestQuota: 10 });
      // Both instances know the key and the model (B learns them over the change bus).
      await Promise.all([a, b].map(async (gateway) => (await chatVia(gateway, TEST_TOKEN, "slow")).text()));

      const upstreamBefore = upstream.requests;
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, index) => outcome(chatVia(index % 2 === 0 ? a : b, key, "slow"))),
      );
      expect(countBy(results.map((result) => result.status))).toEqual({ 200: 10, 429: CONCURRENT - 10 });
      expect(upstream.requests - upstreamBefore).toBe(10);

      // Counted once both have written their rows; then refused on either instance as used up.
      const deadline = Date.now() + 5_000;
      while ((await a.admin("GET", `/api/auth-keys/${id}`)).requestsUsed < 10 && Date.now() < deadline) await Bun.sleep(20);
      for (const gateway of [a, b]) {
        const after = await outcome(chatVia(gateway, key, "slow"));
        expect(after.status).toBe(429);
        expect(JSON.parse(after.body).error.message).toContain("used up");
      }
      expect(await a.admin("GET", `/api/auth-keys/${id}`)).toMatchObject({ requestsUsed: 10 });
    } finally {
      await a.stop();
      await b.stop();
      await server.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await server.close();
      await deleteKeys(redisUrl!, prefix);
    }
  }, 60_000);
});
