/**
 * Issue 12, item 3: an attacker holding one valid client key must not be able to guess the
 * admin token forever by slipping a valid call in between guesses. Failures count per
 * address and fade with time, not with another credential's success.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";

const MAX_FAILURES = 10;
const LOCKOUT_MS = 120_000;

let upstream: FakeUpstream;

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});

afterAll(async () => {
  await upstream.stop();
});

/** A gateway with one model on the fake upstream and one client key issued through the admin API. */
async function gatewayWithClientKey(windowMs: number): Promise<{ gateway: TestGateway; clientKey: string }> {
  const gateway = startTestGateway({ lockout: { maxFailures: MAX_FAILURES, windowMs, lockoutMs: LOCKOUT_MS } });
  await configureModel(gateway, "chat", [{ name: "fake", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
  const { key } = await gateway.admin("POST", "/api/auth-keys", { name: "attacker's own key" });
  return { gateway, clientKey: key as string };
}

const guessAdminToken = (gateway: TestGateway, guess: number) =>
  fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer wrong-admin-token-${guess}` } });

const chatWithClientKey = (gateway: TestGateway, clientKey: string) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${clientKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
  });

describe("IP lockout under attack (issue 12, item 3)", () => {
  test("valid client-key calls between wrong admin-token guesses do not reset the count", async () => {
    const { gateway, clientKey } = await gatewayWithClientKey(5 * 60_000);
    try {
      // The attack from the review: a valid client-key call after every few guesses (here every 3).
      const statuses: number[] = [];
      for (let guess = 1; guess <= 60 && statuses.at(-1) !== 429; guess++) {
        statuses.push((await guessAdminToken(gateway, guess)).status);
        if (guess % 3 === 0) {
          const valid = await chatWithClientKey(gateway, clientKey);
          await valid.text();
          if (guess < MAX_FAILURES) expect(valid.status).toBe(200);
        }
      }
      // The first maxFailures guesses are answered 401; the IP is locked after the last of them.
      expect(statuses.slice(0, MAX_FAILURES)).toEqual(Array(MAX_FAILURES).fill(401));
      expect(statuses).toHaveLength(MAX_FAILURES + 1);
      expect(statuses.at(-1)).toBe(429);

      // Locked means locked: the valid client key and the right admin token are refused too.
      const refused = await chatWithClientKey(gateway, clientKey);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeWithin(LOCKOUT_MS / 1000 - 5, LOCKOUT_MS / 1000 + 1);
      expect((await refused.json()).error).toMatchObject({ type: "rate_limit_error" });
      const admin = await fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(admin.status).toBe(429);
      expect(Number(admin.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await gateway.stop();
    }
  });

  test("failures older than the window no longer count", async () => {
    const windowMs = 1_000;
    const { gateway, clientKey } = await gatewayWithClientKey(windowMs);
    try {
      for (let guess = 1; guess < MAX_FAILURES; guess++) expect((await guessAdminToken(gateway, guess)).status).toBe(401);
      await Bun.sleep(windowMs + 200);
      // The earlier guesses have faded: a full fresh series is needed to lock the IP again.
      for (let guess = MAX_FAILURES; guess < 2 * MAX_FAILURES - 1; guess++) {
        expect((await guessAdminToken(gateway, guess)).status).toBe(401);
      }
      const valid = await chatWithClientKey(gateway, clientKey);
      expect(valid.status).toBe(200);
      expect((await guessAdminToken(gateway, 2 * MAX_FAILURES)).status).toBe(401);
      expect((await guessAdminToken(gateway, 2 * MAX_FAILURES + 1)).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  });

  test("retrying one and the same wrong token counts once", async () => {
    const { gateway } = await gatewayWithClientKey(5 * 60_000);
    try {
      for (let attempt = 0; attempt < 3 * MAX_FAILURES; attempt++) {
        const response = await fetch(`${gateway.url}/api/status`, { headers: { authorization: "Bearer stale-admin-token" } });
        expect(response.status).toBe(401);
      }
    } finally {
      await gateway.stop();
    }
  });
});
