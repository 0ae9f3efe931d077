/**
 * Issue 13, "Logs that explain": a user debugging a misconfigured client sees every rejected call
 * in the Logs (status, reason, protocol, IP, user agent, key hint), a flood of them stays a few rows,
 * the dashboard counts them, a "no healthy provider" answer names each provider with why and until
 * when, and rows carry the client's session id. Real SDKs make the calls.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { Database } from "bun:sqlite";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { startServeProcess } from "./serve-process.ts";

interface Row {
  traceId: string;
  model: string;
  clientProtocol: string;
  status: string;
  statusCode: number | null;
  reason: string | null;
  error: string | null;
  repeatCount: number;
  keyHint: string | null;
  clientIp: string | null;
  userAgent: string | null;
  authKeyId: number | null;
  sessionId: string | null;
  path: string | null;
  attempt: number;
}

const WRONG_KEY = "sk-typo-in-my-config-0123456789abcd";
const BAD_CALLS = 37;
const SESSION_CLAUDE = "5c3b2a1e-0000-4000-8000-claudecode01";
const SESSION_CODEX = "019a0000-0000-7000-8000-codexsession1";

let upstream: FakeUpstream;
let gateway: TestGateway;
let limitedKey: { id: number; key: string };
let quotaKey: { id: number; key: string };

async function rows(query = ""): Promise<Row[]> {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
  return (await gateway.admin("GET", `/api/logs?range=all&pageSize=200${query}`)).items;
}

/** The SDK error a call ended with (the call must fail). */
async function failure<T>(call: Promise<T>): Promise<{ status?: number; message: string; headers?: Headers | Record<string, string> }> {
  try {
    await call;
  } catch (error) {
    return error as { status?: number; message: string };
  }
  throw new Error("the call succeeded");
}

function headerOf(headers: Headers | Record<string, string> | undefined, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  return headers[name] ?? null;
}

beforeAll(async () => {
  upstream = startFakeUpstream({ port: 0 });
  // One failure opens a breaker for a minute: the "no healthy provider" answer has something to say.
  gateway = startTestGateway({ breaker: { failureThreshold: 1, openMs: 60_000 }, http: { maxRequestBodyBytes: 64 * 1024 } });
  const baseUrl = `${upstream.url}/v1`;
  await configureModel(gateway, "echo", [{ name: "fake", baseUrl, providerModel: "fake-model" }]);
  await configureModel(gateway, "other", [{ name: "fake-other", baseUrl, providerModel: "fake-model" }]);
  const broken = await configureModel(
    gateway,
    "broken",
    [
      { name: "refusing", baseUrl: "http://127.0.0.1:9/v1", providerModel: "gpt-refused" },
      { name: "rate-limited", baseUrl, providerModel: "fake-model+status=429+retry-after=45" },
    ],
    { maxRetry: 1, strategy: "priority" },
  );
  // A cooling key would be waited for up to the model's total time: keep that short.
  await gateway.admin("PUT", `/api/models/${broken.id}`, { totalTimeoutMs: 1_000 });
  limitedKey = await gateway.admin("POST", "/api/auth-keys", { name: "echo-only", allowedModels: ["echo"] });
  quotaKey = await gateway.admin("POST", "/api/auth-keys", { name: "one-call", requestQuota: 1 });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
});

describe("rejected calls are logged, bounded and counted", () => {
  test(`401 unknown key: ${BAD_CALLS} identical calls from the OpenAI SDK are one row counting ${BAD_CALLS}, with a hint of the key, never the key`, async () => {
    const client = new OpenAI({ apiKey: WRONG_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const traceIds = new Set<string | null>();
    for (let call = 0; call < BAD_CALLS; call++) {
      const error = await failure(client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] }));
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      traceIds.add(headerOf(error.headers, "x-llmio-trace-id"));
    }
    const rejected = (await rows("&reason=unknown_key")).filter((row) => row.keyHint === "sk-…abcd");
    expect(rejected).toHaveLength(1);
    const [row] = rejected;
    expect(row).toMatchObject({
      status: "error",
      statusCode: 401,
      reason: "unknown_key",
      repeatCount: BAD_CALLS,
      clientProtocol: "openai-chat",
      clientIp: "127.0.0.1",
      path: "/v1/chat/completions",
      authKeyId: null,
      error: "Invalid API key",
    });
    expect(row.userAgent).toStartWith("OpenAI/JS");
    expect([...traceIds]).toEqual([row.traceId]);
    const everything = JSON.stringify(await gateway.db.rows(await import("drizzle-orm").then(({ sql }) => sql`SELECT * FROM request_logs`)));
    expect(everything).not.toContain(WRONG_KEY);
  });

  test("401 missing key (a hand-written curl call)", async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "curl/8.5.0" },
      body: JSON.stringify({ model: "echo", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(401);
    const [row] = await rows("&reason=missing_key");
    expect(row).toMatchObject({ statusCode: 401, clientProtocol: "anthropic", userAgent: "curl/8.5.0", keyHint: null, path: "/v1/messages", traceId: response.headers.get("x-llmio-trace-id") });
  });

  test("403 model not allowed (Anthropic SDK, a key limited to `echo`), with the Claude Code session it came from", async () => {
    const client = new Anthropic({ apiKey: limitedKey.key, baseURL: gateway.url, maxRetries: 0 });
    const metadata = { user_id: JSON.stringify({ device_id: "d".repeat(64), account_uuid: "", session_id: SESSION_CLAUDE }) };
    const error = await failure(client.messages.create({ model: "other", max_tokens: 16, metadata, messages: [{ role: "user", content: "hi" }] }));
    expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const [row] = await rows("&reason=model_not_allowed");
    expect(row).toMatchObject({ statusCode: 403, clientProtocol: "anthropic", model: "other", authKeyId: limitedKey.id, sessionId: SESSION_CLAUDE, path: "/v1/messages" });
    expect(row.userAgent).toStartWith("Anthropic/JS");
  });

  test("404 unknown model (Gemini SDK)", async () => {
    const client = new GoogleGenAI({ apiKey: TEST_TOKEN, httpOptions: { baseUrl: gateway.url } });
    const error = await failure(client.models.generateContent({ model: "no-such-model", contents: "hi" }));
    expect(error.status).toBe(404);
    const [row] = await rows("&reason=unknown_model");
    expect(row).toMatchObject({ statusCode: 404, clientProtocol: "gemini", model: "no-such-model", clientIp: "127.0.0.1" });
    expect(row.path).toMatch(/^\/v1(beta)?\/models\/no-such-model:generateContent$/);
    expect(row.userAgent).toContain("google-genai-sdk");
    // The embeddings relay refuses the same way, logged under its endpoint.
    const openai = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    expect((await failure(openai.embeddings.create({ model: "no-such-embedder", input: "hi" }))).status).toBe(404);
    const [embedding] = (await rows("&reason=unknown_model")).filter((entry) => entry.model === "no-such-embedder");
    expect(embedding).toMatchObject({ statusCode: 404, clientProtocol: "openai-chat", path: "/v1/embeddings" });
  });

  test("400 malformed: invalid JSON and a body its protocol cannot read", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", "user-agent": "my-script/1" },
      body: "{ not json",
    });
    expect(response.status).toBe(400);
    const client = new Anthropic({ apiKey: TEST_TOKEN, baseURL: gateway.url, maxRetries: 0 });
    const error = await failure(client.messages.create({ model: "echo", max_tokens: 16 } as unknown as Anthropic.MessageCreateParamsNonStreaming));
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const malformed = await rows("&reason=malformed_request");
    expect(malformed.map((row) => [row.statusCode, row.clientProtocol, row.userAgent?.split("/")[0]]).sort()).toEqual([
      [400, "anthropic", "Anthropic"],
      [400, "openai-chat", "my-script"],
    ]);
    expect(malformed.find((row) => row.clientProtocol === "anthropic")!.error).toContain("messages");
  });

  test("413 too large (OpenAI SDK)", async () => {
    const client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const error = await failure(client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "x".repeat(100 * 1024) }] }));
    expect(error.status).toBe(413);
    const [row] = await rows("&reason=body_too_large");
    expect(row).toMatchObject({ statusCode: 413, clientProtocol: "openai-chat", authKeyId: null });
  });

  test("429 quota used up (a key with a one-request quota)", async () => {
    const client = new OpenAI({ apiKey: quotaKey.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "first" }] });
    await rows();
    const error = await failure(client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "second" }] }));
    expect(error.status).toBe(429);
    const [row] = await rows("&reason=quota_used_up");
    expect(row).toMatchObject({ statusCode: 429, authKeyId: quotaKey.id });
    expect(row.error).toContain("quota is used up");
  });

  test("429 lockout: an IP locked out after guessing keys sees its refusals logged", async () => {
    const locked = startTestGateway({ lockout: { maxFailures: 2 } });
    try {
      for (const guess of ["sk-guess-000000000000001", "sk-guess-000000000000002"]) {
        const client = new OpenAI({ apiKey: guess, baseURL: `${locked.url}/v1`, maxRetries: 0 });
        await failure(client.models.list());
      }
      const client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${locked.url}/v1`, maxRetries: 0 });
      for (let call = 0; call < 3; call++) {
        const error = await failure(client.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] }));
        expect(error.status).toBe(429);
      }
      await Bun.sleep(30);
      await locked.logWriter.flush();
      // The lockout also shuts the admin API for this IP: read the rows from the database.
      const stored = locked.db.sqlite!.query("SELECT status_code, reason, repeat_count, key_hint, path FROM request_logs ORDER BY id").all();
      expect(stored).toEqual([
        { status_code: 401, reason: "unknown_key", repeat_count: 1, key_hint: "sk-…0001", path: "/v1/models" },
        { status_code: 401, reason: "unknown_key", repeat_count: 1, key_hint: "sk-…0002", path: "/v1/models" },
        { status_code: 429, reason: "ip_locked_out", repeat_count: 3, key_hint: null, path: "/v1/chat/completions" },
      ]);
    } finally {
      await locked.stop();
    }
  });

  test("the dashboard's error figures and the metrics count every rejected call", async () => {
    const all = await rows();
    const rejected = all.filter((row) => ["missing_key", "unknown_key", "model_not_allowed", "unknown_model", "malformed_request", "body_too_large", "quota_used_up"].includes(row.reason ?? ""));
    const calls = rejected.reduce((sum, row) => sum + row.repeatCount, 0);
    expect(calls).toBe(BAD_CALLS + 1 + 1 + 2 + 2 + 1 + 1);
    const dashboard = await gateway.admin("GET", "/api/dashboard?range=today");
    expect(dashboard.totals.rejected).toBe(calls);
    expect(dashboard.totals.errors).toBeGreaterThanOrEqual(calls);
    expect(dashboard.series.reduce((sum: number, point: { errors: number }) => sum + point.errors, 0)).toBe(dashboard.totals.errors);
    const metrics = await (await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
    expect(metrics).toContain(`llmio_rejected_requests_total{status="401",reason="unknown_key",protocol="openai-chat"} ${BAD_CALLS}`);
  });
});

describe("a \"no healthy provider\" answer explains itself", () => {
  test("lists each skipped provider with why and until when, to the client and in the log detail", async () => {
    const client = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    // The first call breaks both: a refused connection opens one breaker, a 429 cools the other's key.
    await failure(client.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "hi" }] }));
    const error = await failure(client.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "hi" }] }));
    expect(error.status).toBe(503);
    expect(error.message).toContain("No attempt could be made: no healthy provider became available in time: ");
    expect(error.message).toMatch(/refusing \(gpt-refused\): circuit breaker open until \S+Z \(in (59|60) s\) \(1 failure in a row; last: connection refused: connection failed/);
    expect(error.message).toMatch(/rate-limited \(fake-model\+status=429\+retry-after=45\): no usable key until \S+Z \(in (44|45) s\) \(1 key: 1 cooling down/);

    const traceId = headerOf(error.headers, "x-llmio-trace-id")!;
    await rows();
    const detail = await gateway.admin("GET", `/api/logs/trace/${traceId}`);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ statusCode: 503, reason: "no_healthy_provider", providerName: null });
    expect(detail.attempts[0].error).toContain("refusing (gpt-refused): circuit breaker open until");
    expect(detail.attempts[0].error).toContain("rate-limited (fake-model+status=429+retry-after=45): no usable key until");
  });

  test("failed attempts carry their reason (the cause, not just 502)", async () => {
    const failed = (await rows("&model=broken&status=error")).filter((row) => row.attempt >= 0 && row.reason !== "no_healthy_provider");
    expect(failed.map((row) => row.reason).sort()).toEqual(["connection", "rate_limit"]);
  });
});

describe("session ids", () => {
  test("Claude Code's metadata session and Codex's session header are recorded and filterable", async () => {
    const anthropic = new Anthropic({ apiKey: TEST_TOKEN, baseURL: gateway.url, maxRetries: 0 });
    const metadata = { user_id: JSON.stringify({ device_id: "d".repeat(64), account_uuid: "", session_id: SESSION_CLAUDE }) };
    await anthropic.messages.create({ model: "echo", max_tokens: 16, metadata, messages: [{ role: "user", content: "from claude code" }] });
    const openai = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0, defaultHeaders: { "session-id": SESSION_CODEX } });
    await openai.responses.create({ model: "echo", input: "from codex", prompt_cache_key: SESSION_CODEX });
    await openai.responses.create({ model: "echo", input: "second turn" });

    const claude = await rows(`&sessionId=${SESSION_CLAUDE}`);
    // This session's served call and its refused one (the 403 above).
    expect(claude.map((row) => [row.clientProtocol, row.status, row.statusCode]).sort()).toEqual([
      ["anthropic", "error", 403],
      ["anthropic", "success", 200],
    ]);
    const codex = await rows(`&sessionId=${SESSION_CODEX}`);
    expect(codex.map((row) => [row.clientProtocol, row.status])).toEqual([
      ["openai-responses", "success"],
      ["openai-responses", "success"],
    ]);
    expect((await rows(`&sessionId=no-such-session`)).length).toBe(0);
  });
});

describe("folded counts survive a shutdown", () => {
  test("SIGTERM right after a burst of bad calls: the row counts every one", async () => {
    const served = await startServeProcess({ token: TEST_TOKEN });
    try {
      const burst = 50;
      const calls = Array.from({ length: burst }, () =>
        fetch(`${served.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${WRONG_KEY}`, "content-type": "application/json" }, body: "{}" }),
      );
      expect((await Promise.all(calls)).map((response) => response.status)).toEqual(Array(burst).fill(401));
      served.child.kill("SIGTERM");
      expect(await served.child.exited).toBe(0);
      const db = new Database(served.dbPath, { readonly: true });
      const stored = db.query("SELECT reason, repeat_count, key_hint FROM request_logs").all();
      db.close();
      // One minute boundary may fall inside the burst: the counts add up either way.
      expect(stored.reduce((sum: number, row) => sum + (row as { repeat_count: number }).repeat_count, 0)).toBe(burst);
      expect(stored.length).toBeLessThanOrEqual(2);
      expect(stored[0]).toMatchObject({ reason: "unknown_key", key_hint: "sk-…abcd" });
    } finally {
      await served.stop();
    }
  });
});
