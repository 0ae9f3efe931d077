/**
 * Issue 14, trusted proxies: behind a reverse proxy the gateway is told who the client is in
 * `X-Forwarded-For`, but only a trusted peer may say it. Trusted (127.0.0.1 here): the forwarded
 * client is the one in the log row and the one the lockout locks, each client on its own. Not
 * trusted (the default): the header is ignored, so a caller cannot forge it to pose as someone else
 * and dodge its own lockout.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDeps } from "../../src/app-deps.ts";
import { openDatabase } from "../../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../../src/fake-upstream/index.ts";
import { ClientKeys } from "../../src/auth/client-keys.ts";
import { TrustedProxies } from "../../src/lib/trusted-proxies.ts";
import { configureModel, listenTestGateway, TEST_TOKEN, type TestGateway } from "../harness.ts";

const MAX_FAILURES = 3;
const CLIENT_A = "198.51.100.10";
const CLIENT_B = "198.51.100.20";

let upstream: FakeUpstream;

beforeAll(() => {
  upstream = startFakeUpstream({ port: 0 });
});

afterAll(async () => {
  await upstream.stop();
});

/** A gateway trusting `trusted` (a CIDR list; "" for nobody), a model on the fake upstream, one client key. */
async function gatewayTrusting(trusted: string): Promise<{ gateway: TestGateway; clientKey: string }> {
  const folder = mkdtempSync(join(tmpdir(), "llmio-trusted-proxies-"));
  const db = openDatabase(join(folder, "llmio.db"));
  const deps = createDeps({ token: TEST_TOKEN, trustedProxies: TrustedProxies.parse(trusted) }, db, { logWriter: { flushIntervalMs: 10 } });
  const lockout = deps.sharedState.lockout({ maxFailures: MAX_FAILURES, windowMs: 60_000, lockoutMs: 60_000 });
  const gateway = listenTestGateway(deps, { auth: { clientKeys: new ClientKeys(deps), lockout } }, () => rmSync(folder, { recursive: true, force: true }));
  await configureModel(gateway, "chat", [{ name: "fake", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
  const { key } = await gateway.admin("POST", "/api/auth-keys", { name: "app" });
  return { gateway, clientKey: key as string };
}

/** `forwardedFor` undefined: no header. */
async function chat(gateway: TestGateway, clientKey: string, forwardedFor?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${clientKey}`, "content-type": "application/json" };
  if (forwardedFor !== undefined) headers["x-forwarded-for"] = forwardedFor;
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.arrayBuffer();
  return response;
}

const guessAdminToken = (gateway: TestGateway, forwardedFor: string, guess: number) =>
  fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer wrong-${guess}`, "x-forwarded-for": forwardedFor } });

async function logRow(gateway: TestGateway, traceId: string | null): Promise<{ clientIp: string | null }> {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  const { items } = await gateway.admin("GET", "/api/logs?range=all&pageSize=200");
  const row = items.find((item: { traceId: string }) => item.traceId === traceId);
  expect(row).toBeDefined();
  return row;
}

async function lockOut(gateway: TestGateway, forwardedFor: string) {
  for (let guess = 1; guess <= MAX_FAILURES; guess++) expect((await guessAdminToken(gateway, forwardedFor, guess)).status).toBe(401);
  expect((await guessAdminToken(gateway, forwardedFor, 0)).status).toBe(429);
}

describe("trusted proxies (issue 14)", () => {
  test("from a trusted peer the forwarded client is logged and locked out, each client on its own", async () => {
    const { gateway, clientKey } = await gatewayTrusting("127.0.0.1/32,::1/128");
    try {
      // The client forged the first entry; the proxy appended the address it saw.
      const ok = await chat(gateway, clientKey, `203.0.113.66, ${CLIENT_A}`);
      expect(ok.status).toBe(200);
      expect((await logRow(gateway, ok.headers.get("x-llmio-trace-id"))).clientIp).toBe(CLIENT_A);

      await lockOut(gateway, `203.0.113.66, ${CLIENT_A}`);
      // A is locked out on the proxy routes too; B, behind the same proxy, is not, nor the proxy itself.
      expect((await chat(gateway, clientKey, CLIENT_A)).status).toBe(429);
      const fromB = await chat(gateway, clientKey, CLIENT_B);
      expect(fromB.status).toBe(200);
      expect((await logRow(gateway, fromB.headers.get("x-llmio-trace-id"))).clientIp).toBe(CLIENT_B);
      expect((await chat(gateway, clientKey)).status).toBe(200);
      const asAdmin = await fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer ${TEST_TOKEN}`, "x-real-ip": CLIENT_B } });
      expect(asAdmin.status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  test("from an untrusted peer X-Forwarded-For is ignored: the socket's address is logged and locked", async () => {
    const { gateway, clientKey } = await gatewayTrusting("");
    try {
      const ok = await chat(gateway, clientKey, CLIENT_A);
      expect(ok.status).toBe(200);
      expect((await logRow(gateway, ok.headers.get("x-llmio-trace-id"))).clientIp).toBe("127.0.0.1");

      await lockOut(gateway, CLIENT_A);
      // Posing as another client does not dodge the lockout: the caller is still 127.0.0.1.
      expect((await chat(gateway, clientKey, CLIENT_B)).status).toBe(429);
      expect((await guessAdminToken(gateway, CLIENT_B, 99)).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  });

  test("a trusted list that does not include the peer ignores the header too", async () => {
    const { gateway, clientKey } = await gatewayTrusting("10.0.0.0/8");
    try {
      const ok = await chat(gateway, clientKey, CLIENT_A);
      expect((await logRow(gateway, ok.headers.get("x-llmio-trace-id"))).clientIp).toBe("127.0.0.1");
    } finally {
      await gateway.stop();
    }
  });
});
