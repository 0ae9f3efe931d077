import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLlmioSqliteFixture } from "../../../test/llmio-fixtures/llmio-sqlite-fixture.ts";
import type { LlmioFixture } from "../../../test/llmio-fixtures/fixture-types.ts";
import { adminServices } from "../admin-services.ts";
import type { AppDatabase } from "../../db/client.ts";
import { openTestDatabase } from "../../db/test-database.ts";
import { ClientKeys } from "../../auth/client-keys.ts";
import { SettingsStore } from "../../routing/settings.ts";
import { importLlmio } from "./import-llmio.ts";
import type { ImportOptions, ImportReport } from "./import-report.ts";

const DRY_RUN: ImportOptions = { dryRun: true, replace: false, withLogs: false, sinceDays: null };
const APPLY: ImportOptions = { ...DRY_RUN, dryRun: false };

let folder: string;
let fixture: LlmioFixture;
let db: AppDatabase;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), "llmio-import-"));
  fixture = createLlmioSqliteFixture(join(folder, "llmio.db"));
  db = await openTestDatabase();
});

afterEach(async () => {
  await db.close();
  rmSync(folder, { recursive: true, force: true });
});

const run = (options: ImportOptions) => importLlmio(fixture.path, { db }, options);
const names = (report: ImportReport, kind: string, action: string) => report.items.filter((item) => item.kind === kind && item.action === action).map((item) => item.name);

async function catalog() {
  const services = adminServices(db);
  return { providers: await services.providers.list(), models: await services.models.list(), associations: await services.associations.list(), keys: await services.authKeys.list() };
}

describe("import-llmio from LLMIO's SQLite database", () => {
  test("a dry run reports every table, every entry and every mapping, and writes nothing", async () => {
    const report = await run(DRY_RUN);
    expect(report.variant).toBe("llmio");
    for (const table of ["providers", "models", "model_with_providers", "auth_keys", "configs"] as const) {
      expect(report.tables.find((counted) => counted.table === table)).toMatchObject({ read: fixture.tables[table].rows, deleted: fixture.tables[table].deleted });
    }
    expect(names(report, "provider", "created").sort()).toEqual(fixture.providers.map((provider) => provider.name).sort());
    expect(names(report, "model", "created").sort()).toEqual(fixture.models.map((model) => model.name).sort());
    expect(names(report, "association", "created")).toHaveLength(fixture.associations.length);
    expect(report.items.filter((item) => item.kind === "client key" && item.action === "created")).toHaveLength(fixture.authKeys.length);
    // Orphaned associations (their model soft-deleted) are skipped, with the reason.
    expect(report.items.filter((item) => item.action === "skipped")).toHaveLength(fixture.orphanRows.length);
    expect(report.warnings.join("\n")).toContain(fixture.expiredKeyName);
    expect(report.decisions.join("\n")).toContain("rotor");
    expect(report.noEquivalent.join("\n")).toContain("count_tokens");
    const stored = await catalog();
    expect([stored.providers.length, stored.models.length, stored.keys.length]).toEqual([0, 0, 0]);
  });

  test("the import carries every live provider, model, association and key with LLMIO's settings; soft-deleted rows stay out", async () => {
    await run(APPLY);
    const stored = await catalog();
    const typeOf = { openai: "openai", "openai-res": "openai-responses", anthropic: "anthropic", gemini: "gemini" } as const;
    for (const expected of fixture.providers) {
      const provider = stored.providers.find((row) => row.name === expected.name)!;
      expect(provider).toBeDefined();
      expect(provider.type).toBe(typeOf[expected.type]);
      expect(provider.baseUrl).toBe(expected.baseUrl.replace(/\/+$/, ""));
      expect(provider.apiKeys).toHaveLength(1);
      expect(provider.consoleUrl).toBe(expected.console || null);
      expect(provider.errorMatch ?? "").toBe(expected.errorMatchers.join("\n"));
      expect(provider.proxyUrl === null).toBe(expected.proxy === "");
      if (expected.version && expected.version !== "2023-06-01") expect(Object.values(provider.headers)).toContain(expected.version);
    }
    for (const name of fixture.deleted.providers) expect(stored.providers.map((row) => row.name)).not.toContain(name);
    for (const expected of fixture.models) {
      const model = stored.models.find((row) => row.name === expected.name)!;
      expect(model).toMatchObject({
        remark: expected.remark,
        strategy: expected.strategy === "rotor" ? "round-robin" : "weighted",
        maxRetry: expected.maxRetry - 1,
        timeoutMs: expected.timeOutSeconds * 1000,
        totalTimeoutMs: expected.timeOutSeconds * 1000,
      });
    }
    for (const name of fixture.deleted.models) expect(stored.models.map((row) => row.name)).not.toContain(name);
    // LLMIO lists higher display_order first; so does the import's order.
    const byOrder = [...fixture.models].sort((a, b) => b.displayOrder - a.displayOrder || a.id - b.id).map((model) => model.name);
    expect(stored.models.map((model) => model.name)).toEqual(byOrder);
    expect(stored.associations).toHaveLength(fixture.associations.length);
    for (const expected of fixture.associations) {
      const model = stored.models.find((row) => row.name === expected.modelName)!;
      const provider = stored.providers.find((row) => row.name === expected.providerName)!;
      const association = stored.associations.find((row) => row.modelId === model.id && row.providerId === provider.id && row.providerModel === expected.providerModel)!;
      expect(association).toMatchObject({
        weight: expected.weight,
        enabled: expected.enabled,
        toolCall: expected.toolCall === true,
        structuredOutput: expected.structuredOutput === true,
        vision: expected.image === true,
        forwardClientHeaders: expected.withHeader === true,
        extraHeaders: expected.customerHeaders ?? {},
        priceInput: expected.inputPrice ?? 0,
        priceCachedInput: expected.cacheReadPrice ?? 0,
        priceOutput: expected.outputPrice ?? 0,
      });
      if ((expected.inputPrice ?? 0) > 0) expect(association.currency).toBe(expected.currency as "USD" | "CNY");
      expect(Object.keys(association.extraBody).length > 0).toBe(Object.keys(expected.extraBody ?? {}).length > 0);
    }
    expect((await new SettingsStore(db).get()).logRetentionDays).toBe(fixture.configs.logCleanupPolicy.enabled ? fixture.configs.logCleanupPolicy.retentionDays : null);
  });

  test("every client keeps its key: old secrets authenticate, with the same models, switch and expiry", async () => {
    await run(APPLY);
    const clientKeys = new ClientKeys({ db, logWriter: { onWritten: () => {} }, config: { token: "admin-token-for-this-test" } });
    for (const expected of fixture.authKeys) {
      const principal = await clientKeys.authenticate(expected.key);
      if (!expected.enabled) expect(principal).toMatchObject({ rejected: "disabled" });
      else if (expected.expired) expect(principal).toMatchObject({ rejected: "expired" });
      else {
        expect(principal).toMatchObject({ kind: "client" });
        if (principal && "kind" in principal && principal.kind === "client") {
          expect(principal.key.allowedModels).toEqual(expected.allowAll ? null : (expected.models ?? []));
          expect(principal.key.expiresAt).toBe(expected.expiresAt?.getTime() ?? null);
          expect(principal.key.captureBodies).toBe(expected.ioLog === true);
          expect(principal.key.requestsUsed).toBe(expected.usageCount);
        }
      }
    }
    for (const secret of Object.values(fixture.deletedKeySecrets)) expect(await clientKeys.authenticate(secret)).toBeUndefined();
    // Only hashes are stored.
    const rows = await db.orm.select().from(db.tables.authKeys);
    expect(JSON.stringify(rows)).not.toContain(fixture.authKeys[0].key);
  });

  test("running it twice changes nothing the second time", async () => {
    await run({ ...APPLY, withLogs: true });
    const again = await run({ ...APPLY, withLogs: true });
    expect(again.totals).toMatchObject({ created: 0, updated: 0, conflict: 0 });
    expect(again.totals.unchanged).toBeGreaterThan(0);
    expect(again.logs).toMatchObject({ created: 0 });
    expect(again.logs!.alreadyPresent).toBeGreaterThan(0);
  });

  test("a conflicting name is reported and left alone; --replace overwrites it", async () => {
    const services = adminServices(db);
    const [providerName, modelName] = [fixture.providers[0].name, fixture.models[0].name];
    await services.providers.create({ name: providerName, type: "openai", baseUrl: "https://mine.example/v1", apiKeys: ["sk-mine"] });
    await services.models.create({ name: modelName, remark: "my own" });
    const report = await run(APPLY);
    expect(names(report, "provider", "conflict")).toEqual([providerName]);
    expect(names(report, "model", "conflict")).toEqual([modelName]);
    expect(report.warnings.join("\n")).toContain("--replace");
    const kept = await catalog();
    expect(kept.providers.find((row) => row.name === providerName)!.baseUrl).toBe("https://mine.example/v1");
    expect(kept.models.find((row) => row.name === modelName)!.remark).toBe("my own");
    // No new association was attached to the conflicting provider (a different account of the same name).
    const mine = kept.providers.find((row) => row.name === providerName)!;
    expect(kept.associations.filter((row) => row.providerId === mine.id)).toHaveLength(0);

    const replaced = await run({ ...APPLY, replace: true });
    expect(names(replaced, "provider", "updated")).toContain(providerName);
    const now = await catalog();
    expect(now.providers.find((row) => row.name === providerName)!.baseUrl).toBe(fixture.providers[0].baseUrl.replace(/\/+$/, ""));
    expect(now.models.find((row) => row.name === modelName)!.remark).toBe(fixture.models[0].remark);
    expect((await run(APPLY)).totals).toMatchObject({ created: 0, updated: 0, conflict: 0 });
  });

  test("a setting the operator changed is a conflict; one at its default takes LLMIO's value", async () => {
    await new SettingsStore(db).update({ logRetentionDays: 7 });
    const report = await run(APPLY);
    expect(report.items.find((item) => item.kind === "setting")).toMatchObject({ name: "logRetentionDays", action: "conflict" });
    expect((await new SettingsStore(db).get()).logRetentionDays).toBe(7);
  });

  test("request history older than the retention it brings is not imported (the next cleanup would delete it), and the report says so", async () => {
    const report = await run({ ...APPLY, withLogs: true });
    expect(report.logs!.read).toBe(fixture.logs.live);
    expect(report.logs!.beyondRetention).toBeGreaterThan(0);
    expect(report.logs!.created + report.logs!.beyondRetention).toBe(fixture.logs.live);
    expect(report.warnings.join("\n")).toContain(`${report.logs!.beyondRetention} log rows are older than llmio's log retention`);
  });

  test("request history: every live row, attempts of one trace together, keys and providers mapped, bodies kept", async () => {
    // The operator keeps logs forever: LLMIO's policy is then a conflict, and nothing is beyond retention.
    await new SettingsStore(db).update({ logRetentionDays: null });
    const report = await run({ ...APPLY, withLogs: true });
    const logs = await db.orm.select().from(db.tables.requestLogs);
    expect(report.logs).toMatchObject({ read: fixture.logs.live, created: fixture.logs.live, beyondRetention: 0 });
    expect(logs.length).toBe(fixture.logs.live);
    expect(logs.filter((row) => row.status === "success").length).toBe(fixture.logs.byStatus.success);
    expect(logs.reduce((sum, row) => sum + row.promptTokens, 0)).toBe(fixture.logs.promptTokens);
    const retried = logs.filter((row) => row.traceId === fixture.logs.retriedTraceId).map((row) => [row.attempt, row.status]);
    expect(retried.sort()).toEqual([[0, "error"], [1, "error"], [2, "success"]]);
    expect(logs.every((row) => row.createdAt > 0 && row.model !== "")).toBe(true);
    expect(logs.some((row) => row.authKeyId !== null)).toBe(true);
    expect(logs.filter((row) => row.providerName !== null).every((row) => row.providerId !== null || !fixture.providers.some((provider) => provider.name === row.providerName))).toBe(true);
    expect(logs.some((row) => (row.cost ?? 0) > 0)).toBe(true);
    const bodies = await db.orm.select().from(db.tables.requestBodies);
    expect(bodies.length).toBe(report.logs!.bodies);
    expect(bodies.length).toBeGreaterThan(0);
  });

  test("--since keeps only the last days of history", async () => {
    const report = await run({ ...APPLY, withLogs: true, sinceDays: 7 });
    const cutoff = fixture.now.getTime() - 7 * 86_400_000;
    expect(report.logs!.read).toBe(fixture.logs.liveCreatedAt.filter((created) => created.getTime() >= cutoff).length);
  });

  test("a file that is no LLMIO database is refused with a reason", async () => {
    const other = join(folder, "other.db");
    new (await import("bun:sqlite")).Database(other).run("CREATE TABLE notes (id integer)");
    expect(importLlmio(other, { db }, DRY_RUN)).rejects.toThrow("is not an LLMIO database");
    expect(importLlmio(join(folder, "missing.db"), { db }, DRY_RUN)).rejects.toThrow("no such file");
  });
});
