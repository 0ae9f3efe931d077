import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../app.ts";
import { createDeps, type AppDeps } from "../app-deps.ts";
import { openDatabase } from "../db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../fake-upstream/index.ts";
import { ClientKeys } from "../auth/client-keys.ts";
import { IpLockout, type IpLockoutOptions } from "../auth/ip-lockout.ts";

const TOKEN = "proxy-auth-test-token";

/** A gateway listening on 127.0.0.1, so the lockout sees a real (loopback) client address. */
function startGateway(lockoutOptions: IpLockoutOptions = {}) {
  const db = openDatabase(":memory:");
  const deps: AppDeps = createDeps({ token: TOKEN }, db, { logWriter: { flushIntervalMs: 5 } });
  const auth = { clientKeys: new ClientKeys(deps), lockout: new IpLockout(lockoutOptions) };
  const app = createApp(deps, auth);
  app.listen({ port: 0, hostname: "127.0.0.1" });
  const url = `http://127.0.0.1:${app.server!.port}`;

  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }
  const admin = (method: string, path: string, body?: unknown) => send(method, path, { authorization: `Bearer ${TOKEN}` }, body);
  const stop = async () => {
    await app.stop(true);
    await deps.logWriter.close();
    await db.close();
  };
  return { deps, auth, url, send, admin, stop };
}

describe("client keys on the proxy", () => {
  let upstream: FakeUpstream;
  let gateway: ReturnType<typeof startGateway>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    upstream = startFakeUpstream({ port: 0 });
    gateway = startGateway();
    const provider = await gateway.admin("POST", "/api/providers", { name: "fake", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-upstream-key-1234"] });
    for (const name of ["gpt-4o", "claude-sonnet", "o3"]) {
      const model = await gateway.admin("POST", "/api/models", { name, maxRetry: 0, timeoutMs: 5000 });
      await gateway.admin("POST", "/api/model-providers", { modelId: model.json.id, providerId: provider.json.id, providerModel: "fake-model" });
    }
    const issue = async (label: string, body: Record<string, unknown>) => {
      const created = await gateway.admin("POST", "/api/auth-keys", { name: label, ...body });
      keys[label] = created.json.key;
    };
    await issue("limited", { allowedModels: ["gpt-4o", "claude-*"] });
    await issue("disabled", { enabled: false });
    await issue("expired", { expiresAt: Date.now() - 1000 });
    await issue("one-request", { requestQuota: 1 });
  });

  afterAll(async () => {
    await gateway.stop();
    await upstream.stop();
  });

  const namesOf = (list: { data?: Array<{ id: string }>; models?: Array<{ name: string }> }) =>
    list.data ? list.data.map((model) => model.id) : list.models!.map((model) => model.name.replace("models/", ""));

  test("a client key lists only its allowed models, in every protocol's shape", async () => {
    const openai = await gateway.send("GET", "/v1/models", { authorization: `Bearer ${keys.limited}` });
    expect(openai.status).toBe(200);
    expect(namesOf(openai.json)).toEqual(["gpt-4o", "claude-sonnet"]);
    const anthropic = await gateway.send("GET", "/anthropic/v1/models", { "x-api-key": keys.limited });
    expect(namesOf(anthropic.json)).toEqual(["gpt-4o", "claude-sonnet"]);
    const gemini = await gateway.send("GET", `/v1beta/models?key=${keys.limited}`);
    expect(namesOf(gemini.json)).toEqual(["gpt-4o", "claude-sonnet"]);
    const forbidden = await gateway.send("GET", "/v1beta/models/o3", { "x-goog-api-key": keys.limited });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error).toMatchObject({ status: "PERMISSION_DENIED" });
  });

  test("the admin TOKEN and an unrestricted key list every model", async () => {
    const all = ["gpt-4o", "claude-sonnet", "o3"];
    expect(namesOf((await gateway.send("GET", "/v1/models", { authorization: `Bearer ${TOKEN}` })).json)).toEqual(all);
    expect(namesOf((await gateway.send("GET", "/v1/models", { authorization: `Bearer ${keys["one-request"]}` })).json)).toEqual(all);
  });

  test("a disabled key is a 401 in OpenAI's shape", async () => {
    const response = await gateway.send("GET", "/v1/models", { authorization: `Bearer ${keys.disabled}` });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: { message: "This API key is disabled", type: "invalid_request_error", code: "invalid_api_key" } });
    const chat = await gateway.send("POST", "/v1/chat/completions", { authorization: `Bearer ${keys.disabled}` }, { model: "gpt-4o", messages: [] });
    expect(chat.status).toBe(401);
  });

  test("expired and unknown keys on /v1/messages are 401s in Anthropic's shape", async () => {
    const body = { model: "claude-sonnet", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    const expired = await gateway.send("POST", "/v1/messages", { "x-api-key": keys.expired, "anthropic-version": "2023-06-01" }, body);
    expect(expired.status).toBe(401);
    expect(expired.json).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect(expired.json.error.message).toStartWith("This API key expired at ");
    const unknown = await gateway.send("POST", "/v1/messages", { "x-api-key": "sk-llmio-not-a-real-key", "anthropic-version": "2023-06-01" }, body);
    expect(unknown.status).toBe(401);
    expect(unknown.json).toMatchObject({ type: "error", error: { type: "authentication_error", message: "Invalid API key" } });
    const missing = await gateway.send("POST", "/v1/messages", { "anthropic-version": "2023-06-01" }, body);
    expect(missing.status).toBe(401);
    expect(missing.json.error.message).toStartWith("Missing API key");
  });

  test("a client key calls its allowed models; others are 403s", async () => {
    const headers = { authorization: `Bearer ${keys.limited}` };
    const allowed = await gateway.send("POST", "/v1/chat/completions", headers, { model: "claude-sonnet", messages: [{ role: "user", content: "hello" }] });
    expect(allowed.status).toBe(200);
    expect(allowed.json.choices[0].message.content.length).toBeGreaterThan(0);
    const denied = await gateway.send("POST", "/v1/chat/completions", headers, { model: "o3", messages: [{ role: "user", content: "hello" }] });
    expect(denied.status).toBe(403);
    expect(denied.json.error).toMatchObject({ type: "permission_error" });
  });

  test("a used-up request quota is a 429 naming the quota; usage is counted from the logs", async () => {
    const headers = { authorization: `Bearer ${keys["one-request"]}` };
    const body = { model: "o3", messages: [{ role: "user", content: "hello" }] };
    expect((await gateway.send("POST", "/v1/chat/completions", headers, body)).status).toBe(200);
    await Bun.sleep(30);
    await gateway.deps.logWriter.flush();
    const listed = (await gateway.admin("GET", "/api/auth-keys")).json.find((item: { name: string }) => item.name === "one-request");
    expect(listed).toMatchObject({ requestsUsed: 1, status: "quota_exhausted" });
    expect(listed.tokensUsed).toBeGreaterThan(0);
    expect(listed.lastUsedAt).toBeGreaterThan(0);

    const refused = await gateway.send("POST", "/v1/chat/completions", headers, body);
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toBe("This API key's request quota is used up (1 of 1 requests)");
    expect(refused.headers.get("retry-after")).toBeNull();
    // Listing models costs nothing and stays allowed.
    expect((await gateway.send("GET", "/v1/models", headers)).status).toBe(200);
  });
});

describe("IP lockout on 127.0.0.1", () => {
  test("repeated bad keys lock the IP out of the proxy and the admin API", async () => {
    const gateway = startGateway({ maxFailures: 3, windowMs: 60_000, lockoutMs: 120_000 });
    try {
      // Requests without any key are not guesses and do not count.
      for (let attempt = 0; attempt < 5; attempt++) expect((await gateway.send("GET", "/v1/models")).status).toBe(401);
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await gateway.send("GET", "/v1/models", { authorization: `Bearer wrong-key-${attempt}` });
        expect(response.status).toBe(401);
      }
      const locked = await gateway.send("GET", "/v1/models", { authorization: `Bearer ${TOKEN}` });
      expect(locked.status).toBe(429);
      // Why (the rule), for how long and until when, in the client's own error shape.
      const lockedFor = Number(locked.headers.get("retry-after"));
      expect(lockedFor).toBeWithin(119, 121);
      expect(locked.json.error.message).toMatch(
        /^Too many failed authentication attempts from this IP address \(3 within 1 minute\); it is locked out: try again in 2 minutes, after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      const until = Date.parse(/after (\S+)$/.exec(locked.json.error.message)![1]);
      expect(Math.abs(until - (Date.now() + lockedFor * 1000))).toBeLessThan(3000);

      const anthropic = await gateway.send("POST", "/v1/messages", { "x-api-key": TOKEN }, { model: "x", max_tokens: 1, messages: [] });
      expect(anthropic.status).toBe(429);
      expect(anthropic.json).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
      expect(anthropic.json.error.message).toContain("(3 within 1 minute); it is locked out: try again in 2 minutes, after ");

      const admin = await gateway.admin("GET", "/api/status");
      expect(admin.status).toBe(429);
      expect(admin.json.error).toMatch(/^Too many failed authentication attempts from this IP address \(3 within 1 minute\); it is locked out: try again in 2 minutes, after \S+Z$/);
      expect(admin.headers.get("retry-after")).not.toBeNull();
    } finally {
      await gateway.stop();
    }
  });

  test("failed admin logins count too", async () => {
    const gateway = startGateway({ maxFailures: 2 });
    try {
      for (const token of ["guess-1", "guess-2"]) {
        expect((await gateway.send("GET", "/api/status", { authorization: `Bearer ${token}` })).status).toBe(401);
      }
      expect((await gateway.admin("GET", "/api/status")).status).toBe(429);
      expect((await gateway.send("GET", "/v1/models", { authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  });

  test("/metrics and /health/detail are under the same lockout as the admin API", async () => {
    const gateway = startGateway({ maxFailures: 2 });
    try {
      expect((await gateway.send("GET", "/metrics", { authorization: "Bearer guess-1" })).status).toBe(401);
      expect((await gateway.send("GET", "/health/detail", { authorization: "Bearer guess-2" })).status).toBe(401);
      const metrics = await fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(metrics.status).toBe(429);
      expect(Number(metrics.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await metrics.json()) as { error: string }).error).toContain("(2 within 5 minutes); it is locked out: try again in 15 minutes, after ");
      expect((await gateway.admin("GET", "/api/status")).status).toBe(429);
      // Liveness and readiness stay open for load balancers.
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  test("a success in between does not forget other keys' failures", async () => {
    const gateway = startGateway({ maxFailures: 2 });
    try {
      expect((await gateway.send("GET", "/v1/models", { authorization: "Bearer guess-1" })).status).toBe(401);
      expect((await gateway.send("GET", "/v1/models", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      expect((await gateway.send("GET", "/v1/models", { authorization: "Bearer guess-2" })).status).toBe(401);
      expect((await gateway.send("GET", "/v1/models", { authorization: `Bearer ${TOKEN}` })).status).toBe(429);
    } finally {
      await gateway.stop();
    }
  });
});
