import { describe, expect, test } from "bun:test";
import { suiteHarness } from "./test-support.ts";

describe("/api/auth-keys", () => {
  const harness = suiteHarness();
  const { call } = harness;
  let id = 0;
  let key = "";

  test("POST issues a key, shown once, with defaults", async () => {
    const response = await call("POST", "/api/auth-keys", { name: "  laptop  " });
    expect(response.status).toBe(201);
    ({ id, key } = response.json);
    expect(key).toMatch(/^sk-llmio-[A-Za-z0-9_-]{32}$/);
    expect(response.json).toMatchObject({
      name: "laptop",
      keyHint: `sk-…${key.slice(-4)}`,
      allowedModels: null,
      expiresAt: null,
      requestQuota: null,
      tokenQuota: null,
      requestsUsed: 0,
      tokensUsed: 0,
      enabled: true,
      captureBodies: false,
      lastUsedAt: null,
      status: "active",
    });
    expect(response.json).not.toHaveProperty("keyHash");
  });

  test("POST takes every field", async () => {
    const body = { name: "ci", allowedModels: ["gpt-4o", "claude-*"], expiresAt: 4_102_444_800_000, requestQuota: 100, tokenQuota: 50_000, enabled: false, captureBodies: true };
    const response = await call("POST", "/api/auth-keys", body);
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ ...body, status: "disabled" });
  });

  test("GET lists and reads one, never with the key or its hash", async () => {
    const list = await call("GET", "/api/auth-keys");
    expect(list.status).toBe(200);
    expect(list.json.map((item: { name: string }) => item.name)).toEqual(["laptop", "ci"]);
    expect(list.text).not.toContain(key);
    expect(list.text).not.toContain(key.slice(9, 30));
    expect(list.text).not.toContain("keyHash");
    const one = await call("GET", `/api/auth-keys/${id}`);
    expect(one.json).toMatchObject({ id, name: "laptop", keyHint: `sk-…${key.slice(-4)}` });
    expect(one.json).not.toHaveProperty("key");
  });

  test("PUT changes only the given fields; null clears a restriction", async () => {
    const response = await call("PUT", `/api/auth-keys/${id}`, { allowedModels: ["gpt-4o"], requestQuota: 10, expiresAt: 1_000 });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ name: "laptop", allowedModels: ["gpt-4o"], requestQuota: 10, expiresAt: 1_000, enabled: true, status: "expired" });
    const cleared = await call("PUT", `/api/auth-keys/${id}`, { expiresAt: null, allowedModels: null });
    expect(cleared.json).toMatchObject({ allowedModels: null, expiresAt: null, requestQuota: 10, status: "active" });
  });

  test("captureBodies turns per-key body capture on and off", async () => {
    const on = await call("PUT", `/api/auth-keys/${id}`, { captureBodies: true });
    expect(on.json).toMatchObject({ name: "laptop", captureBodies: true });
    expect((await call("GET", `/api/auth-keys/${id}`)).json.captureBodies).toBe(true);
    expect((await call("PUT", `/api/auth-keys/${id}`, { captureBodies: false })).json.captureBodies).toBe(false);
    expect(await call("PUT", `/api/auth-keys/${id}`, { captureBodies: "yes" })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /captureBodies must be a boolean" },
    });
  });

  test("usage from the request log shows up, and resetUsage zeroes it", async () => {
    const { logWriter } = harness.deps;
    for (const totalTokens of [30, 12]) {
      logWriter.write({ traceId: crypto.randomUUID(), model: "gpt-4o", clientProtocol: "openai-chat", status: "success", totalTokens, authKeyId: id, createdAt: 5_000 });
    }
    await logWriter.flush();
    expect((await call("GET", `/api/auth-keys/${id}`)).json).toMatchObject({ requestsUsed: 2, tokensUsed: 42, lastUsedAt: 5_000 });
    const exhausted = await call("PUT", `/api/auth-keys/${id}`, { requestQuota: 2 });
    expect(exhausted.json.status).toBe("quota_exhausted");
    const reset = await call("PUT", `/api/auth-keys/${id}`, { resetUsage: true });
    expect(reset.json).toMatchObject({ requestsUsed: 0, tokensUsed: 0, lastUsedAt: 5_000, status: "active" });
  });

  test("invalid fields are 400s naming them", async () => {
    expect(await call("POST", "/api/auth-keys", {})).toMatchObject({ status: 400, json: { error: "Invalid body: /name is required" } });
    expect(await call("POST", "/api/auth-keys", { name: " " })).toMatchObject({ status: 400, json: { error: "Invalid body: /name must not be empty" } });
    expect(await call("POST", "/api/auth-keys", { name: "x", requestQuota: 0 })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /requestQuota must be an integer ≥ 1 or null" },
    });
    expect(await call("PUT", `/api/auth-keys/${id}`, { expiresAt: "tomorrow" })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /expiresAt must be an integer ≥ 0 or null" },
    });
    expect(await call("PUT", `/api/auth-keys/${id}`, { allowedModels: "gpt-4o" })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /allowedModels must be an array or null" },
    });
    expect(await call("PUT", `/api/auth-keys/${id}`, { allowedModels: [] })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /allowedModels must list at least one model (null allows every model)" },
    });
    expect(await call("PUT", `/api/auth-keys/${id}`, { allowedModels: ["gpt-4o", " "] })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /allowedModels/1 must not be empty" },
    });
    expect(await call("PUT", `/api/auth-keys/${id}`, { enabled: "yes" })).toMatchObject({
      status: 400,
      json: { error: "Invalid body: /enabled must be a boolean" },
    });
  });

  test("client keys are not admin credentials", async () => {
    const response = await call("GET", "/api/auth-keys", undefined, key);
    expect(response.status).toBe(401);
  });

  test("DELETE removes the key; unknown ids are 404s", async () => {
    expect((await call("DELETE", `/api/auth-keys/${id}`)).json).toEqual({ id, deleted: true });
    expect(await call("GET", `/api/auth-keys/${id}`)).toMatchObject({ status: 404, json: { error: `auth key ${id} not found` } });
    expect((await call("PUT", `/api/auth-keys/${id}`, { name: "x" })).status).toBe(404);
    expect((await call("DELETE", `/api/auth-keys/${id}`)).status).toBe(404);
    expect((await call("GET", "/api/auth-keys")).json).toHaveLength(1);
  });
});
