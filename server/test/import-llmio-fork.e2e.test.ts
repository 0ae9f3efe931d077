/**
 * Importing the LLMIO fork (raciott/llmio) from its PostgreSQL database and its MySQL one (the
 * layout of commit 4a31949, on a throwaway MariaDB): the same catalog, keys and history as from
 * LLMIO's SQLite file, plus the fork's own columns (provider RPM limits, disabled models, the
 * model_prices table, `codex` providers, millisecond timings).
 */
import { describe, expect, test } from "bun:test";
import { adminServices } from "../src/admin/admin-services.ts";
import { openDatabase, type AppDatabase } from "../src/db/client.ts";
import { ClientKeys } from "../src/auth/client-keys.ts";
import { SettingsStore } from "../src/routing/settings.ts";
import { importLlmio } from "../src/admin/llmio-import/import-llmio.ts";
import type { ImportOptions } from "../src/admin/llmio-import/import-report.ts";
import { createForkMysqlFixture, createForkPostgresFixture, createScratchMysqlDatabase, createScratchPostgresDatabase, type ForkFixture } from "./llmio-fixtures/index.ts";
import { mysqlMissing, useTestMysql } from "./llmio-fixtures/mysql-server.ts";

const APPLY: ImportOptions = { dryRun: false, replace: false, withLogs: true, sinceDays: null };

/** What every fork import must give, whichever database it came from. */
async function checkForkImport(fixture: ForkFixture) {
  const db: AppDatabase = openDatabase(":memory:");
  try {
    // The fork has no cleanup policy to bring: with llmio's default (30 days) older history stays out.
    const planned = await importLlmio(fixture.databaseUrl, { db }, { ...APPLY, dryRun: true });
    expect(planned.logs!.beyondRetention).toBeGreaterThan(0);
    await new SettingsStore(db).update({ logRetentionDays: null });
    const report = await importLlmio(fixture.databaseUrl, { db }, APPLY);
    expect(report.variant).toBe("llmio-fork");
    expect(report.source).not.toContain("@");
    const services = adminServices(db);
    const providers = await services.providers.list();
    expect(providers.map((provider) => provider.name).sort()).toEqual(fixture.providers.map((provider) => provider.name).sort());
    for (const expected of fixture.providers) {
      const provider = providers.find((row) => row.name === expected.name)!;
      expect(provider.type).toBe(expected.type === "codex" ? "openai-responses" : (expected.type as "openai" | "anthropic" | "gemini"));
      expect(provider.requestsPerMinute).toBe(expected.rpmLimit > 0 ? expected.rpmLimit : null);
      if (expected.ipLockMinutes > 0) expect(report.noEquivalent.join("\n")).toContain(`provider ${expected.name}: the fork's IP lock`);
    }
    const models = await services.models.list();
    expect(models.map((model) => model.name).sort()).toEqual(fixture.models.map((model) => model.name).sort());
    const associations = await services.associations.list();
    expect(associations).toHaveLength(fixture.associations.length);
    for (const expected of fixture.associations) {
      const modelId = models.find((model) => model.name === expected.modelName)!.id;
      const association = associations.find((row) => row.providerName === expected.providerName && row.providerModel === expected.providerModel && row.modelId === modelId)!;
      const modelEnabled = fixture.models.find((model) => model.name === expected.modelName)!.enabled !== false;
      expect(association).toMatchObject({
        enabled: expected.enabled && modelEnabled,
        toolCall: expected.toolCall,
        structuredOutput: expected.structuredOutput,
        vision: expected.image,
        forwardClientHeaders: expected.withHeader,
        extraHeaders: expected.customerHeaders,
        weight: expected.weight,
      });
      const price = fixture.modelPrices.find((row) => row.modelId === expected.modelName.toLowerCase());
      if (price) expect(association).toMatchObject({ priceInput: price.input, priceOutput: price.output, priceCachedInput: price.cacheRead, currency: "USD" });
    }
    const clientKeys = new ClientKeys({ db, logWriter: { onWritten: () => {} }, config: { token: "fork-admin-token" } });
    for (const expected of fixture.authKeys) {
      const principal = await clientKeys.authenticate(expected.key);
      if (!expected.enabled) expect(principal).toMatchObject({ rejected: "disabled" });
      else if (expected.expired) expect(principal).toMatchObject({ rejected: "expired" });
      else expect(principal).toMatchObject({ kind: "client", key: { allowedModels: expected.allowAll ? null : expected.models } });
    }
    for (const secret of Object.values(fixture.deletedKeySecrets)) expect(await clientKeys.authenticate(secret)).toBeUndefined();
    expect(report.logs).toMatchObject({ read: fixture.logs.live, created: fixture.logs.live });
    const logs = await db.orm.select().from(db.tables.requestLogs);
    expect(logs.reduce((sum, row) => sum + row.promptTokens, 0)).toBe(fixture.logs.promptTokens);
    // The fork keeps milliseconds: durations come out in the same range, not a million times off.
    expect(Math.max(...logs.map((row) => row.durationMs))).toBeLessThan(10 * 60_000);
    expect(logs.some((row) => row.durationMs > 0)).toBe(true);
    const again = await importLlmio(fixture.databaseUrl, { db }, APPLY);
    expect(again.totals).toMatchObject({ created: 0, updated: 0, conflict: 0 });
    expect(again.logs).toMatchObject({ created: 0, alreadyPresent: fixture.logs.live });
    return report;
  } finally {
    await db.close();
  }
}

const postgresServer = process.env.LLMIO_TEST_DATABASE_URL;
if (!postgresServer) console.error("import-llmio: the fork on PostgreSQL skipped (no LLMIO_TEST_DATABASE_URL)");

describe.skipIf(!postgresServer)("import from the fork on PostgreSQL", () => {
  test("catalog, prices from model_prices, a disabled model, keys with the fork's prefix, history", async () => {
    const scratch = await createScratchPostgresDatabase(postgresServer!, `llmio_fork_import_${process.pid}`);
    try {
      const fixture = await createForkPostgresFixture(scratch.url);
      const report = await checkForkImport(fixture);
      expect(report.decisions.join("\n")).toContain(`model ${fixture.disabledModelName}: disabled in the fork`);
      expect(report.noEquivalent.join("\n")).toContain("price sync");
    } finally {
      await scratch.drop();
    }
  });
});

if (mysqlMissing) console.error(`import-llmio: the fork on MySQL skipped (${mysqlMissing})`);

describe.skipIf(Boolean(mysqlMissing))("import from the fork on MySQL (MariaDB)", () => {
  const serverUrl = useTestMysql();

  test("catalog, keys and history from the MySQL layout", async () => {
    const scratch = await createScratchMysqlDatabase(serverUrl(), `llmio_fork_import_${process.pid}`);
    try {
      await checkForkImport(await createForkMysqlFixture(scratch.url));
    } finally {
      await scratch.drop();
    }
  });
});
