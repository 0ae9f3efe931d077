/**
 * Issue 14: Claude Code's telemetry (`{base}/api/event_logging/batch`) is answered like LLMIO's stub
 * (200 `{accepted_count, rejected_count: 0}` for a client key; 400 for a body it cannot read; 401
 * without a key), on both `/anthropic/api/…` and `/api/…`, without the admin guard: a client key
 * works there, and a Claude Code client never counts as a failed admin login.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const MAX_FAILURES = 3;
let gateway: TestGateway;
let clientKey: string;

beforeAll(async () => {
  gateway = startTestGateway({ lockout: { maxFailures: MAX_FAILURES, windowMs: 60_000, lockoutMs: 60_000 } });
  ({ key: clientKey } = await gateway.admin("POST", "/api/auth-keys", { name: "claude code" }));
});

afterAll(async () => {
  await gateway.stop();
});

/** A batch shaped like the one Claude Code's first-party event exporter sends. */
function claudeCodeBatch(count: number) {
  const events = Array.from({ length: count }, (_, index) => ({
    event_type: "ClaudeCodeInternalEvent",
    event_data: {
      event_name: index === 0 ? "tengu_init" : "tengu_api_success",
      client_timestamp: new Date().toISOString(),
      model: "claude-sonnet-4-5",
      session_id: "3f0c1a52-8d7e-4a55-9a56-1f4b7b7c2a11",
      user_type: "external",
      betas: "claude-code-20250219",
      env: { platform: "linux", node_version: "v22.12.0", terminal: "xterm-256color", version: "2.1.330", arch: "x64", is_ci: false },
      entrypoint: "cli",
      is_interactive: false,
      client_type: "cli",
      additional_metadata: "",
      device_id: "0f6b4a54c2e3",
    },
  }));
  return { events };
}

/** `key` null: sent without one. */
function postBatch(path: string, body: string, key: string | null = clientKey) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/plain, */*",
    "user-agent": "claude-code/2.1.330",
    "x-service-name": "claude-code",
  };
  if (key !== null) headers["x-api-key"] = key;
  return fetch(`${gateway.url}${path}`, { method: "POST", headers, body });
}

describe("Claude Code telemetry stub (issue 14)", () => {
  for (const path of ["/anthropic/api/event_logging/batch", "/api/event_logging/batch"]) {
    test(`${path}: a client key's batch is accepted and counted`, async () => {
      const response = await postBatch(path, JSON.stringify(claudeCodeBatch(3)));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ accepted_count: 3, rejected_count: 0 });
    });

    test(`${path}: the admin TOKEN as x-api-key works too; an empty object accepts nothing`, async () => {
      const response = await postBatch(path, "{}", TEST_TOKEN);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ accepted_count: 0, rejected_count: 0 });
    });

    test(`${path}: a body that is not a batch is a 400 in Anthropic's shape`, async () => {
      for (const body of ["not json", "[]", JSON.stringify({ events: "many" }), JSON.stringify({ events: [1] })]) {
        const response = await postBatch(path, body);
        expect(response.status).toBe(400);
        const answer = await response.json();
        expect(answer).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
        expect(answer.error.message).toStartWith("Invalid request");
      }
    });

    test(`${path}: no key is a 401`, async () => {
      const response = await postBatch(path, JSON.stringify(claudeCodeBatch(1)), null);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    });
  }

  test("many keyless telemetry posts never lock the client out, and the admin API still needs its token", async () => {
    for (let round = 0; round < MAX_FAILURES * 3; round++) {
      expect((await postBatch("/api/event_logging/batch", JSON.stringify(claudeCodeBatch(1)), null)).status).toBe(401);
    }
    expect((await postBatch("/api/event_logging/batch", JSON.stringify(claudeCodeBatch(1)))).status).toBe(200);
    // Other /api paths keep the admin guard: a client key is not an admin token there.
    const withClientKey = await fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer ${clientKey}` } });
    expect(withClientKey.status).toBe(401);
    const withoutToken = await fetch(`${gateway.url}/api/models`, { method: "POST", body: JSON.stringify({ name: "sneaky" }), headers: { "content-type": "application/json" } });
    expect(withoutToken.status).toBe(401);
    const asAdmin = await fetch(`${gateway.url}/api/status`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(asAdmin.status).toBe(200);
  });
});
