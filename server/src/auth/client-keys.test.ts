import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { LogWriter } from "../db/log-writer.ts";
import { first as firstRow } from "../db/query.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { openTestDatabase } from "../db/test-database.ts";
import { GatewayError } from "../core/errors.ts";
import { wireProtocols } from "../protocols/index.ts";
import { connectSharedState, localChangeBus } from "../shared-state/index.ts";
import { deleteKeys } from "../shared-state/test-support.ts";
import { ClientKeys, generateKey, hashKey, type Principal } from "./client-keys.ts";
import type { QuotaTicket } from "./quota-reservations.ts";

const TOKEN = "admin-token-0123456789";

async function setup() {
  const db = await openTestDatabase();
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

async function principalOf(clientKeys: ClientKeys, key: string, now?: number): Promise<Principal> {
  const result = await clientKeys.authenticate(key, now);
  if (!result || "rejected" in result) throw new Error(`expected a principal, got ${JSON.stringify(result)}`);
  return result;
}

describe("keys", () => {
  test("sk-llmio- and 32 base64url characters, different every time", () => {
    const key = generateKey();
    expect(key).toMatch(/^sk-llmio-[A-Za-z0-9_-]{32}$/);
    expect(generateKey()).not.toBe(key);
  });

  test("only the SHA-256 hex hash and a masked hint are stored", async () => {
    const { db, clientKeys } = await setup();
    const { key, row } = await clientKeys.create({ name: "ci" });
    expect(row.keyHash).toBe(createHash("sha256").update(key).digest("hex"));
    expect(row.keyHash).toBe(hashKey(key));
    expect(row.keyHint).toBe(`sk-…${key.slice(-4)}`);
    const stored = JSON.stringify(await db.orm.select().from(db.tables.authKeys));
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(9));
  });
});

describe("authenticate", () => {
  test("the admin TOKEN, an active key, and an unknown key", async () => {
    const { clientKeys } = await setup();
    const { key, row } = await clientKeys.create({ name: "app" });
    expect(await clientKeys.authenticate(TOKEN)).toEqual({ kind: "admin" });
    expect(await clientKeys.authenticate(key)).toMatchObject({ kind: "client", key: { id: row.id, name: "app" } });
    expect(await clientKeys.authenticate(`${key}x`)).toBeUndefined();
    expect(await clientKeys.authenticate("")).toBeUndefined();
  });

  test("disabled and expired keys are rejected with the reason", async () => {
    const { clientKeys } = await setup();
    const disabled = await clientKeys.create({ name: "off", enabled: false });
    const expiring = await clientKeys.create({ name: "soon", expiresAt: 5_000 });
    expect(await clientKeys.authenticate(disabled.key)).toMatchObject({ rejected: "disabled", key: { id: disabled.row.id } });
    expect(await clientKeys.authenticate(expiring.key, 4_999)).toMatchObject({ kind: "client" });
    expect(await clientKeys.authenticate(expiring.key, 5_000)).toMatchObject({ rejected: "expired" });
  });

  test("admin writes take effect at once (the memory copy is reloaded)", async () => {
    const { clientKeys } = await setup();
    const { key, row } = await clientKeys.create({ name: "app" });
    expect(await clientKeys.authenticate(key)).toMatchObject({ kind: "client" });
    await clientKeys.update(row.id, { enabled: false });
    expect(await clientKeys.authenticate(key)).toMatchObject({ rejected: "disabled" });
    await clientKeys.update(row.id, { enabled: true, allowedModels: ["gpt-4o"] });
    expect(await principalOf(clientKeys, key)).toMatchObject({ key: { allowedModels: ["gpt-4o"] } });
    expect(await clientKeys.remove(row.id)).toBe(true);
    expect(await clientKeys.authenticate(key)).toBeUndefined();
    expect(await clientKeys.remove(row.id)).toBe(false);
    expect(await clientKeys.update(row.id, { name: "gone" })).toBeUndefined();
  });
});

describe("checkModel", () => {
  test("null allows every model; the admin TOKEN may use anything", async () => {
    const { clientKeys } = await setup();
    const open = await clientKeys.create({ name: "open" });
    expect(clientKeys.checkModel(await principalOf(clientKeys, open.key), "anything")).toBe(true);
    expect(clientKeys.checkModel({ kind: "admin" }, "anything")).toBe(true);
  });

  test("exact names and globs", async () => {
    const { clientKeys } = await setup();
    const { key } = await clientKeys.create({ name: "limited", allowedModels: ["gpt-4o", "claude-*", "gemini-2.?-pro"] });
    const principal = await principalOf(clientKeys, key);
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
  test("request and token quotas are named when used up", async () => {
    const { clientKeys, logWriter } = await setup();
    const { key, row } = await clientKeys.create({ name: "metered", requestQuota: 2, tokenQuota: 1_000 });
    expect(clientKeys.checkQuota(await principalOf(clientKeys, key))).toBeUndefined();
    expect(clientKeys.checkQuota({ kind: "admin" })).toBeUndefined();

    logWriter.write(logRow(row.id, { totalTokens: 100 }));
    logWriter.write(logRow(row.id, { totalTokens: 100 }));
    await logWriter.flush();
    expect(clientKeys.checkQuota(await principalOf(clientKeys, key))).toBe("This API key's request quota is used up (2 of 2 requests)");

    await clientKeys.update(row.id, { requestQuota: null });
    logWriter.write(logRow(row.id, { totalTokens: 900 }));
    await logWriter.flush();
    expect(clientKeys.checkQuota(await principalOf(clientKeys, key))).toBe("This API key's token quota is used up (1100 of 1000 tokens)");

    await clientKeys.update(row.id, { resetUsage: true });
    expect(await principalOf(clientKeys, key)).toMatchObject({ key: { requestsUsed: 0, tokensUsed: 0 } });
    expect(clientKeys.checkQuota(await principalOf(clientKeys, key))).toBeUndefined();
  });

  test("a batch counts each succeeded request once, sums tokens of every attempt, and skips count_tokens", async () => {
    const { db, clientKeys, logWriter } = await setup();
    const first = await clientKeys.create({ name: "first" });
    const second = await clientKeys.create({ name: "second" });
    // Load the memory copy first, so the test also proves it is kept in step.
    const principal = await principalOf(clientKeys, first.key);
    const failover = "trace-failover";
    logWriter.write(logRow(first.row.id, { traceId: failover, status: "error", attempt: 0, totalTokens: 0, createdAt: 2_000 }));
    logWriter.write(logRow(first.row.id, { traceId: failover, status: "success", attempt: 1, totalTokens: 50, createdAt: 2_100 }));
    logWriter.write(logRow(first.row.id, { status: "error", totalTokens: 7, createdAt: 2_200 }));
    logWriter.write(logRow(first.row.id, { endpoint: "count_tokens", totalTokens: 500, createdAt: 9_000 }));
    logWriter.write(logRow(second.row.id, { totalTokens: 3, createdAt: 1_500 }));
    logWriter.write(logRow(null, { totalTokens: 1_000 }));
    logWriter.write(logRow(999, { totalTokens: 1_000 }));

    const updates: string[] = [];
    // Counted on SQLite, where statements can be watched: one UPDATE per key in the batch (999 included), not one per row.
    const sqlite = db.sqlite;
    const prepare = sqlite?.prepare.bind(sqlite);
    if (sqlite && prepare) {
      sqlite.prepare = ((query: string) => {
        if (/^update "auth_keys"/i.test(query)) updates.push(query);
        return prepare(query);
      }) as typeof sqlite.prepare;
    }
    await logWriter.flush();
    if (sqlite && prepare) {
      sqlite.prepare = prepare;
      expect(updates).toHaveLength(3);
    }
    const { authKeys } = db.tables;
    const stored = async (id: number) => (await firstRow(db.orm.select().from(authKeys).where(eq(authKeys.id, id))))!;
    expect(await stored(first.row.id)).toMatchObject({ requestsUsed: 1, tokensUsed: 57, lastUsedAt: 2_200 });
    expect(await stored(second.row.id)).toMatchObject({ requestsUsed: 1, tokensUsed: 3, lastUsedAt: 1_500 });
    expect(principal).toMatchObject({ key: { requestsUsed: 1, tokensUsed: 57, lastUsedAt: 2_200 } });

    // lastUsedAt never goes back when an older row arrives later.
    logWriter.write(logRow(first.row.id, { createdAt: 1_000 }));
    await logWriter.flush();
    expect(await stored(first.row.id)).toMatchObject({ requestsUsed: 2, lastUsedAt: 2_200 });
  });
});

describe("other instances", () => {
  test("usage of a key with a quota is announced (so every instance's count holds), usage of unmetered keys is not", async () => {
    const db = await openTestDatabase();
    const logWriter = new LogWriter(db);
    const published: string[] = [];
    const changes = { publish: (topic: string) => void published.push(topic), subscribe: () => () => {} };
    const clientKeys = new ClientKeys({ db, logWriter, config: { token: TOKEN }, sharedState: { changes } });
    const open = await clientKeys.create({ name: "open" });
    const metered = await clientKeys.create({ name: "metered", tokenQuota: 1_000 });
    await clientKeys.authenticate(open.key);
    published.length = 0;

    logWriter.write(logRow(open.row.id, { totalTokens: 5 }));
    await logWriter.flush();
    expect(published).toEqual([]);
    logWriter.write(logRow(metered.row.id, { totalTokens: 5 }));
    await logWriter.flush();
    expect(published).toEqual(["client-keys"]);
    await db.close();
  });
});

describe("quota reservations", () => {
  const protocol = wireProtocols["openai-chat"];
  const callBody = { model: "gpt-4o", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
  const metered = { protocol, body: callBody, context: {} };

  test("nothing to reserve for the admin token or a key without quotas", async () => {
    const { clientKeys } = await setup();
    const open = await clientKeys.create({ name: "open" });
    expect(await clientKeys.reserve({ kind: "admin" }, metered)).toBeUndefined();
    expect(await clientKeys.reserve(await principalOf(clientKeys, open.key), metered)).toBeUndefined();
  });

  test("50 calls at once against a request quota of 5: 5 admitted, the rest refused while those run", async () => {
    const { clientKeys } = await setup();
    const { key } = await clientKeys.create({ name: "metered", requestQuota: 5 });
    const principal = await principalOf(clientKeys, key);
    const results = await Promise.all(Array.from({ length: 50 }, () => clientKeys.reserve(principal, metered)));
    const refusals = results.filter((result) => result instanceof GatewayError);
    expect(results.length - refusals.length).toBe(5);
    expect(refusals).toHaveLength(45);
    expect(refusals[0]).toMatchObject({ kind: "rate_limit", status: 429, retryAfterSeconds: 1 });
    expect(refusals[0].message).toContain("held by its calls in flight (0 used and 5 in flight of 5 requests)");
  });

  /**
   * Calls that succeed, with the cache reloaded all the while (admin writes elsewhere): at no
   * moment may neither the reservation nor the counted usage hold a unit, so exactly the quota's
   * calls are ever admitted.
   */
  test("exact under reloads: the quota's calls are admitted, never one more", async () => {
    const db = await openTestDatabase();
    const logWriter = new LogWriter(db, { flushIntervalMs: 1 });
    const clientKeys = new ClientKeys({ db, logWriter, config: { token: TOKEN } });
    const { key, row } = await clientKeys.create({ name: "metered", requestQuota: 200, tokenQuota: 1_000_000 });
    const principal = await principalOf(clientKeys, key);
    let admitted = 0;
    const churn = setInterval(() => clientKeys.invalidate(), 1);
    const deadline = Date.now() + 3_000;
    try {
      const caller = async () => {
        while (Date.now() < deadline) {
          const ticket = await clientKeys.reserve(principal, metered);
          if (ticket instanceof GatewayError) {
            if (ticket.message.includes("used up")) return;
            await Bun.sleep(Math.random() * 3);
            continue;
          }
          if (!ticket) throw new Error("expected a reservation");
          admitted++;
          await Bun.sleep(Math.random() * 3);
          logWriter.write(logRow(row.id, { traceId: ticket.traceId, totalTokens: 10 }));
          ticket.answered({ status: 200 });
          ticket.ended();
        }
      };
      await Promise.all(Array.from({ length: 8 }, caller));
    } finally {
      clearInterval(churn);
    }
    expect(admitted).toBe(200);
    await logWriter.flush();
    expect(await clientKeys.get(row.id)).toMatchObject({ requestsUsed: 200, tokensUsed: 2_000 });
    expect(clientKeys.reservationsHeld).toBe(0);
    await db.close();
  });

  test("a token quota: calls run together while their bounds fit; the last one alone; then used up", async () => {
    const { clientKeys, logWriter } = await setup();
    const bound = Buffer.byteLength(JSON.stringify(callBody)) + 10;
    const { key, row } = await clientKeys.create({ name: "metered", tokenQuota: 3 * bound });
    const principal = await principalOf(clientKeys, key);
    const results = await Promise.all(Array.from({ length: 10 }, () => clientKeys.reserve(principal, metered)));
    const tickets = results.filter((result): result is QuotaTicket => result !== undefined && !(result instanceof GatewayError));
    expect(tickets).toHaveLength(3);
    // They use more than they seemed to (an upstream counting differently): the quota is nearly gone.
    for (const ticket of tickets) {
      logWriter.write(logRow(row.id, { traceId: ticket.traceId, totalTokens: bound - 5 }));
      ticket.answered({ status: 200 });
      ticket.ended();
    }
    await logWriter.flush();
    // 15 tokens left, the bound does not fit, nothing in flight: one call is admitted alone.
    const last = await clientKeys.reserve(principal, metered);
    expect(last).not.toBeInstanceOf(GatewayError);
    expect(await clientKeys.reserve(principal, metered)).toBeInstanceOf(GatewayError);
    if (!last || last instanceof GatewayError) throw new Error("expected a reservation");
    logWriter.write(logRow(row.id, { traceId: last.traceId, totalTokens: 40 }));
    last.answered({ status: 200 });
    last.ended();
    await logWriter.flush();
    const refused = await clientKeys.reserve(principal, metered);
    expect(refused).toBeInstanceOf(GatewayError);
    expect((refused as GatewayError).message).toContain("token quota is used up");
    expect((refused as GatewayError).retryAfterSeconds).toBeUndefined();
    // The overshoot is the last call's tokens at most.
    expect((await clientKeys.get(row.id))!.tokensUsed - 3 * bound).toBeLessThanOrEqual(40);
  });
});

const redisUrl = process.env.LLMIO_TEST_REDIS_URL;

describe.skipIf(!redisUrl)("quota reservations on two instances (Redis)", () => {
  /**
   * Instance B never hears of A's usage (no change notices, its copy of the key is never
   * reloaded): the shared ledger alone must make B count it, from the moment A's calls settle.
   */
  test("usage counted on one instance holds on the other at once, without a reload", async () => {
    const prefix = `llmio-test:${process.pid}-${crypto.randomUUID().slice(0, 8)}:`;
    const db = await openTestDatabase();
    const states = [await connectSharedState(redisUrl, { prefix }), await connectSharedState(redisUrl, { prefix })];
    const instances = states.map((state) => {
      const logWriter = new LogWriter(db, { flushIntervalMs: 1 });
      return { logWriter, clientKeys: new ClientKeys({ db, logWriter, config: { token: TOKEN }, sharedState: { changes: localChangeBus, quotas: state.quotas } }) };
    });
    try {
      const [a, b] = instances;
      const { key, row } = await a.clientKeys.create({ name: "metered", requestQuota: 5 });
      const call = { protocol: wireProtocols["openai-chat"], body: { model: "m", messages: [] }, context: {} };
      const onB = await principalOf(b.clientKeys, key);
      const onA = await principalOf(a.clientKeys, key);

      const tickets = await Promise.all(Array.from({ length: 5 }, () => a.clientKeys.reserve(onA, call)));
      // All five units are A's now: B is refused while they run.
      expect(await b.clientKeys.reserve(onB, call)).toMatchObject({ retryAfterSeconds: 1 });
      for (const ticket of tickets) {
        if (!ticket || ticket instanceof GatewayError) throw new Error("expected a reservation");
        a.logWriter.write(logRow(row.id, { traceId: ticket.traceId, totalTokens: 1 }));
        ticket.answered({ status: 200 });
        ticket.ended();
      }
      await a.logWriter.flush();
      // B's copy still says 0 used; the ledger's totals say 5. Ending a ticket settles in Redis
      // asynchronously: on a loaded machine B can still see the units in flight for a moment.
      let refused = await b.clientKeys.reserve(onB, call);
      for (let tries = 0; tries < 40 && refused instanceof GatewayError && refused.message.includes("in flight"); tries++) {
        await Bun.sleep(50);
        refused = await b.clientKeys.reserve(onB, call);
      }
      expect(refused).toBeInstanceOf(GatewayError);
      expect((refused as GatewayError).message).toContain("request quota is used up (5 of 5 requests)");
    } finally {
      for (const instance of instances) await instance.logWriter.close();
      for (const state of states) await state.close();
      await deleteKeys(redisUrl!, prefix);
      await db.close();
    }
  });
});
