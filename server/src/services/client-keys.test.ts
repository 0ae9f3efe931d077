import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { openDatabase } from "../db/client.ts";
import { LogWriter } from "../db/log-writer.ts";
import { authKeys, type NewRequestLog } from "../db/schema.ts";
import { ClientKeys, generateKey, hashKey, type Principal } from "./client-keys.ts";

const TOKEN = "admin-token-0123456789";

function setup() {
  const db = openDatabase(":memory:");
  const logWriter = new LogWriter(db);
  const clientKeys = new ClientKeys({ db, logWriter, config: { token: TOKEN } });
  return { db, logWriter, clientKeys };
}

function logRow(authKeyId: number | null, fields: Partial<NewRequestLog> = {}): NewRequestLog {
  return {
    traceId: crypto.randomUUID(),
    model: "gpt-4o",
    clientProtocol: "openai-chat",
    status: "success",
    attempt: 0,
    totalTokens: 0,
    authKeyId,
    createdAt: 1_000,
    ...fields,
  };
}

function principalOf(clientKeys: ClientKeys, key: string, now?: number): Principal {
  const result = clientKeys.authenticate(key, now);
  if (!result || "rejected" in result) throw new Error(`expected a principal, got ${JSON.stringify(result)}`);
  return result;
}

describe("keys", () => {
  test("sk-llmio- and 32 base64url characters, different every time", () => {
    const key = generateKey();
    expect(key).toMatch(/^sk-llmio-[A-Za-z0-9_-]{32}$/);
    expect(generateKey()).not.toBe(key);
  });

  test("only the SHA-256 hex hash and a masked hint are stored", () => {
    const { db, clientKeys } = setup();
    const { key, row } = clientKeys.create({ name: "ci" });
    expect(row.keyHash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(row.keyHash).toBe(hashKey(key));
    expect(row.keyHint).toBe(`sk-…${key.slice(-4)}`);
    const stored = JSON.stringify(db.select().from(authKeys).all());
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(9));
  });
});

describe("authenticate", () => {
  test("the admin TOKEN, an active key, and an unknown key", () => {
    const { clientKeys } = setup();
    const { key, row } = clientKeys.create({ name: "app" });
    expect(clientKeys.authenticate(TOKEN)).toEqual({ kind: "admin" });
    expect(clientKeys.authenticate(key)).toMatchObject({ kind: "client", key: { id: row.id, name: "app" } });
    expect(clientKeys.authenticate(`${key}x`)).toBeUndefined();
    expect(clientKeys.authenticate("")).toBeUndefined();
  });

  test("disabled and expired keys are rejected with the reason", () => {
    const { clientKeys } = setup();
    const disabled = clientKeys.create({ name: "off", enabled: false });
    const expiring = clientKeys.create({ name: "soon", expiresAt: 5_000 });
    expect(clientKeys.authenticate(disabled.key)).toMatchObject({ rejected: "disabled", key: { id: disabled.row.id } });
    expect(clientKeys.authenticate(expiring.key, 4_999)).toMatchObject({ kind: "client" });
    expect(clientKeys.authenticate(expiring.key, 5_000)).toMatchObject({ rejected: "expired" });
  });

  test("admin writes take effect at once (the memory copy is reloaded)", () => {
    const { clientKeys } = setup();
    const { key, row } = clientKeys.create({ name: "app" });
    expect(clientKeys.authenticate(key)).toMatchObject({ kind: "client" });
    clientKeys.update(row.id, { enabled: false });
    expect(clientKeys.authenticate(key)).toMatchObject({ rejected: "disabled" });
    clientKeys.update(row.id, { enabled: true, allowedModels: ["gpt-4o"] });
    expect(principalOf(clientKeys, key)).toMatchObject({ key: { allowedModels: ["gpt-4o"] } });
    expect(clientKeys.remove(row.id)).toBe(true);
    expect(clientKeys.authenticate(key)).toBeUndefined();
    expect(clientKeys.remove(row.id)).toBe(false);
    expect(clientKeys.update(row.id, { name: "gone" })).toBeUndefined();
  });
});

describe("checkModel", () => {
  test("null allows every model; the admin TOKEN may use anything", () => {
    const { clientKeys } = setup();
    const open = clientKeys.create({ name: "open" });
    expect(clientKeys.checkModel(principalOf(clientKeys, open.key), "anything")).toBe(true);
    expect(clientKeys.checkModel({ kind: "admin" }, "anything")).toBe(true);
  });

  test("exact names and globs", () => {
    const { clientKeys } = setup();
    const { key } = clientKeys.create({ name: "limited", allowedModels: ["gpt-4o", "claude-*", "gemini-2.?-pro"] });
    const principal = principalOf(clientKeys, key);
    expect(clientKeys.checkModel(principal, "gpt-4o")).toBe(true);
    expect(clientKeys.checkModel(principal, "gpt-4o-mini")).toBe(false);
    expect(clientKeys.checkModel(principal, "claude-sonnet-4")).toBe(true);
    expect(clientKeys.checkModel(principal, "claude-")).toBe(true);
    expect(clientKeys.checkModel(principal, "my-claude-sonnet")).toBe(false);
    expect(clientKeys.checkModel(principal, "gemini-2.5-pro")).toBe(true);
    expect(clientKeys.checkModel(principal, "gemini-2x5-pro")).toBe(false);
    // Regular-expression characters in a name are literal.
    expect(clientKeys.checkModel(principal, "gpt-4oX")).toBe(false);
    expect(clientKeys.permittedModels(principal, [{ name: "gpt-4o" }, { name: "o3" }, { name: "claude-haiku" }])).toEqual([
      { name: "gpt-4o" },
      { name: "claude-haiku" },
    ]);
  });
});

describe("quotas and usage", () => {
  test("request and token quotas are named when used up", () => {
    const { clientKeys, logWriter } = setup();
    const { key, row } = clientKeys.create({ name: "metered", requestQuota: 2, tokenQuota: 1_000 });
    expect(clientKeys.checkQuota(principalOf(clientKeys, key))).toBeUndefined();
    expect(clientKeys.checkQuota({ kind: "admin" })).toBeUndefined();

    logWriter.write(logRow(row.id, { totalTokens: 100 }));
    logWriter.write(logRow(row.id, { totalTokens: 100 }));
    logWriter.flush();
    expect(clientKeys.checkQuota(principalOf(clientKeys, key))).toBe("This API key's request quota is used up (2 of 2 requests)");

    clientKeys.update(row.id, { requestQuota: null });
    logWriter.write(logRow(row.id, { totalTokens: 900 }));
    logWriter.flush();
    expect(clientKeys.checkQuota(principalOf(clientKeys, key))).toBe("This API key's token quota is used up (1100 of 1000 tokens)");

    clientKeys.update(row.id, { resetUsage: true });
    expect(principalOf(clientKeys, key)).toMatchObject({ key: { requestsUsed: 0, tokensUsed: 0 } });
    expect(clientKeys.checkQuota(principalOf(clientKeys, key))).toBeUndefined();
  });

  test("a batch counts each succeeded request once, sums tokens of every attempt, and skips count_tokens", () => {
    const { db, clientKeys, logWriter } = setup();
    const first = clientKeys.create({ name: "first" });
    const second = clientKeys.create({ name: "second" });
    // Load the memory copy first, so the test also proves it is kept in step.
    const principal = principalOf(clientKeys, first.key);
    const failover = "trace-failover";
    logWriter.write(logRow(first.row.id, { traceId: failover, status: "error", attempt: 0, totalTokens: 0, createdAt: 2_000 }));
    logWriter.write(logRow(first.row.id, { traceId: failover, status: "success", attempt: 1, totalTokens: 50, createdAt: 2_100 }));
    logWriter.write(logRow(first.row.id, { status: "error", totalTokens: 7, createdAt: 2_200 }));
    logWriter.write(logRow(first.row.id, { endpoint: "count_tokens", totalTokens: 500, createdAt: 9_000 }));
    logWriter.write(logRow(second.row.id, { totalTokens: 3, createdAt: 1_500 }));
    logWriter.write(logRow(null, { totalTokens: 1_000 }));
    logWriter.write(logRow(999, { totalTokens: 1_000 }));

    const updates: string[] = [];
    const sqlite = db.$client;
    const prepare = sqlite.prepare.bind(sqlite);
    sqlite.prepare = ((query: string) => {
      if (/^update "auth_keys"/i.test(query)) updates.push(query);
      return prepare(query);
    }) as typeof sqlite.prepare;
    logWriter.flush();
    sqlite.prepare = prepare;

    // One UPDATE for each key in the batch (the unknown id 999 included), not one per row.
    expect(updates).toHaveLength(3);
    const stored = (id: number) => db.select().from(authKeys).where(eq(authKeys.id, id)).get()!;
    expect(stored(first.row.id)).toMatchObject({ requestsUsed: 1, tokensUsed: 57, lastUsedAt: 2_200 });
    expect(stored(second.row.id)).toMatchObject({ requestsUsed: 1, tokensUsed: 3, lastUsedAt: 1_500 });
    expect(principal).toMatchObject({ key: { requestsUsed: 1, tokensUsed: 57, lastUsedAt: 2_200 } });

    // lastUsedAt never goes back when an older row arrives later.
    logWriter.write(logRow(first.row.id, { createdAt: 1_000 }));
    logWriter.flush();
    expect(stored(first.row.id)).toMatchObject({ requestsUsed: 2, lastUsedAt: 2_200 });
  });
});
