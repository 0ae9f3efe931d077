/**
 * Proves the LLMIO fixtures themselves (not the importer): each is created, read back with plain
 * SQL, and holds the counts, soft-deleted rows, unicode names and expired key its description says.
 * The fork on PostgreSQL runs when LLMIO_TEST_DATABASE_URL is set; on MySQL it starts a throwaway
 * MariaDB (or uses LLMIO_TEST_MYSQL_URL), skipped only when mariadbd is not installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mysqlMissing, useTestMysql } from "./mysql-server.ts";
import {
  buildForkFixtureRows,
  buildLlmioFixtureRows,
  createForkMysqlFixture,
  createForkPostgresFixture,
  createLlmioSqliteFixture,
  createScratchMysqlDatabase,
  createScratchPostgresDatabase,
  FORK_KEY_PREFIX,
  LLMIO_COLUMNS,
  LLMIO_SQLITE_SCHEMA,
  LLMIO_TABLES,
  type ForkFixture,
  type LlmioFixture,
} from "./index.ts";

const NOW = new Date("2026-03-05T06:07:09.123Z");
const GO_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})?[+-]\d\d:\d\d$/;

/** Go's `2006-01-02 15:04:05.999999999-07:00` → Date (to the millisecond). */
function parseGoTime(text: string): Date {
  const [, date, time, fraction = "", offset] = text.match(/^(\S+) (\d\d:\d\d:\d\d)(?:\.(\d+))?([+-]\d\d:\d\d)$/)!;
  return new Date(`${date}T${time}.${fraction.padEnd(3, "0").slice(0, 3)}${offset}`);
}

describe("LLMIO SQLite fixture", () => {
  let folder: string;
  let fixture: LlmioFixture;
  let db: Database;
  const upstreamUrl = "http://127.0.0.1:45678";
  const proxyUrl = "http://user:pass@127.0.0.1:45679";

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "llmio-fixture-"));
    fixture = createLlmioSqliteFixture(join(folder, "llmio.db"), { now: NOW, upstreamUrl, proxyUrl });
    db = new Database(fixture.path, { readonly: true });
  });
  afterAll(() => {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const all = <T = Record<string, unknown>>(query: string, ...params: Array<string | number>) => db.query(query).all(...params) as T[];
  const one = <T = Record<string, unknown>>(query: string, ...params: Array<string | number>) => db.query(query).get(...params) as T;

  test("the schema is GORM's, statement for statement", () => {
    const stored = all<{ sql: string }>("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'sqlite_sequence'").map((row) => row.sql);
    expect(new Set(stored)).toEqual(new Set(LLMIO_SQLITE_SCHEMA));
    expect(stored).toContain(
      "CREATE TABLE `auth_keys` (`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime,`name` text,`key` text,`status` numeric,`io_log` numeric,`allow_all` numeric,`models` text,`expires_at` datetime,`usage_count` integer,`last_used_at` datetime)",
    );
    expect(stored).toContain("CREATE INDEX `idx_chat_logs_session_id` ON `chat_logs`(`session_id`)");
  });

  test("row and soft-deleted counts match the description", () => {
    for (const table of LLMIO_TABLES) {
      const counts = one<{ rows: number; deleted: number }>(`SELECT COUNT(*) AS rows, COUNT(deleted_at) AS deleted FROM ${table}`);
      expect({ table, ...counts }).toEqual({ table, ...fixture.tables[table] });
    }
    for (const table of ["providers", "models", "model_with_providers", "auth_keys", "chat_logs", "configs"] as const) {
      expect(fixture.tables[table].deleted).toBeGreaterThan(0);
    }
    expect(fixture.tables.chat_logs.rows).toBeGreaterThanOrEqual(200);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM providers WHERE deleted_at IS NULL").n).toBe(fixture.providers.length);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM auth_keys WHERE deleted_at IS NULL").n).toBe(fixture.authKeys.length);
  });

  test("every column holds a value somewhere (deleted_at aside where LLMIO never soft-deletes)", () => {
    const neverDeleted = new Set(["chat_ios", "log_cleanup_records"]);
    for (const table of LLMIO_TABLES) {
      const columns = ["created_at", "updated_at", ...(neverDeleted.has(table) ? [] : ["deleted_at"]), ...LLMIO_COLUMNS[table].map(([name]) => name)];
      for (const column of columns) {
        const used = one<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE \`${column}\` IS NOT NULL AND \`${column}\` != '' AND \`${column}\` != 0`).n;
        expect({ table, column, used: used > 0 }).toEqual({ table, column, used: true });
      }
    }
  });

  test("values are stored as LLMIO's Go driver stores them", () => {
    const times = all<{ created_at: string; updated_at: string }>("SELECT created_at, updated_at FROM chat_logs UNION ALL SELECT created_at, updated_at FROM auth_keys");
    for (const row of times) expect(row.created_at).toMatch(GO_TIME);
    const offsets = new Set(times.map((row) => row.created_at.slice(-6)));
    expect(offsets).toEqual(new Set(["+08:00", "+00:00"]));
    expect(times.some((row) => /:\d\d[+-]/.test(row.created_at))).toBe(true); // a whole second: no fraction
    expect(times.some((row) => /\.\d{9}[+-]/.test(row.created_at))).toBe(true);
    const flags = all<{ value: number | null }>("SELECT tool_call AS value FROM model_with_providers UNION ALL SELECT breaker FROM models");
    expect(new Set(flags.map((row) => row.value))).toEqual(new Set([0, 1, null]));
    const details = all<{ prompt_tokens_details: string }>("SELECT prompt_tokens_details FROM chat_logs");
    expect(details.some((row) => JSON.parse(row.prompt_tokens_details).cached_tokens > 0)).toBe(true);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM chat_logs WHERE proxy_time > 1000000").n).toBe(fixture.tables.chat_logs.rows); // nanoseconds
  });

  test("providers: all four types, config JSON, console, proxy, two-line error matchers, the caller's URLs", () => {
    const rows = all<{ name: string; type: string; config: string; proxy: string; error_matcher: string }>("SELECT * FROM providers WHERE deleted_at IS NULL ORDER BY id");
    expect(new Set(rows.map((row) => row.type))).toEqual(new Set(["openai", "openai-res", "anthropic", "gemini"]));
    for (const [index, row] of rows.entries()) {
      const expected = fixture.providers[index];
      expect(JSON.parse(row.config)).toEqual({ base_url: expected.baseUrl, api_key: expected.apiKey, ...(expected.version ? { version: expected.version } : {}) });
      expect(row.proxy).toBe(expected.proxy);
      expect(row.error_matcher).toBe(expected.errorMatcher);
      expect(expected.baseUrl.startsWith(upstreamUrl)).toBe(true);
    }
    const anthropic = fixture.providers.find((provider) => provider.type === "anthropic")!;
    expect(anthropic.version).not.toBe("2023-06-01");
    expect(fixture.providers.filter((provider) => provider.proxy === proxyUrl).length).toBeGreaterThan(0);
    expect(fixture.providers.some((provider) => provider.errorMatchers.length === 2 && provider.errorMatcher.includes("\n"))).toBe(true);
  });

  test("unicode names and the emoji remark survive", () => {
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM providers WHERE name = '谷歌 Gemini' AND deleted_at IS NULL").n).toBe(1);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM models WHERE name = '深度思考' AND deleted_at IS NULL").n).toBe(1);
    expect(one<{ remark: string }>("SELECT remark FROM models WHERE name = 'gpt-4o'").remark).toBe("主力模型 🚀");
    expect(fixture.deleted.providers).toEqual(["旧供应商"]);
  });

  test("models and associations: strategies, breaker mixes, headers, nested extra body, prices in two currencies", () => {
    expect(new Set(fixture.models.map((model) => model.strategy))).toEqual(new Set(["lottery", "rotor"]));
    expect(new Set(fixture.models.map((model) => model.breaker))).toEqual(new Set([true, false, null]));
    const rows = all<{ id: number; extra_body: string | null; customer_headers: string | null; currency: string; status: number }>(
      "SELECT * FROM model_with_providers",
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const association of fixture.associations) {
      const row = byId.get(association.id)!;
      expect(row.extra_body === null ? null : JSON.parse(row.extra_body)).toEqual(association.extraBody);
      expect(row.customer_headers === null ? null : JSON.parse(row.customer_headers)).toEqual(association.customerHeaders);
    }
    expect(new Set(fixture.associations.map((association) => association.currency))).toEqual(new Set(["CNY", "USD"]));
    expect(fixture.associations.some((association) => !association.enabled)).toBe(true);
    expect(fixture.associations.some((association) => typeof association.extraBody?.metadata === "object")).toBe(true);
    expect(fixture.orphanRows.map((row) => row.name)).toEqual(["deprecated-model → openai/gpt-3.5-turbo"]);
  });

  test("keys: sk-llmio- secrets, all-models / limited / disabled / expired / io-log / deleted", () => {
    const rows = all<{ name: string; key: string; expires_at: string | null; deleted_at: string | null; models: string | null }>("SELECT * FROM auth_keys");
    for (const row of rows) expect(row.key).toMatch(/^sk-llmio-[0-9A-Za-z]{32}([0-9A-Za-z]{4})?$/);
    const expired = rows.find((row) => row.name === fixture.expiredKeyName)!;
    expect(parseGoTime(expired.expires_at!).getTime()).toBeLessThan(NOW.getTime());
    expect(fixture.authKeys.find((key) => key.name === fixture.expiredKeyName)!.expired).toBe(true);
    expect(rows.find((row) => row.name === fixture.keyNames.deleted)!.deleted_at).not.toBeNull();
    expect(JSON.parse(rows.find((row) => row.name === fixture.keyNames.limited)!.models!)).toEqual(["gpt-4o", "深度思考"]);
    expect(Object.keys(fixture.keySecrets)).toEqual(fixture.authKeys.map((key) => key.name));
    expect(fixture.keySecrets[fixture.keyNames.deleted]).toBeUndefined();
    expect(fixture.authKeys.find((key) => key.name === fixture.keyNames.ioLog)!.ioLog).toBe(true);
    expect(parseGoTime(rows.find((row) => row.name === fixture.keyNames.limited)!.expires_at!)).toEqual(
      fixture.authKeys.find((key) => key.name === fixture.keyNames.limited)!.expiresAt!,
    );
  });

  test("configs: the live cleanup policy, count-tokens upstream, a soft-deleted older policy", () => {
    const rows = all<{ key: string; value: string }>("SELECT key, value FROM configs WHERE deleted_at IS NULL ORDER BY id");
    expect(JSON.parse(rows.find((row) => row.key === "log_cleanup_policy")!.value)).toEqual({ enabled: true, retention_days: fixture.configs.logCleanupPolicy.retentionDays });
    expect(JSON.parse(rows.find((row) => row.key === "anthropic_count_tokens")!.value).base_url).toBe(fixture.configs.anthropicCountTokens.baseUrl);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM configs WHERE key = 'log_cleanup_policy' AND deleted_at IS NOT NULL").n).toBe(1);
  });

  test("logs: ~90 days, retries sharing a trace, four styles, keys and 0, bodies", () => {
    const live = all<{ created_at: string; trace_id: string; retry: number; status: string }>("SELECT * FROM chat_logs WHERE deleted_at IS NULL ORDER BY id");
    expect(live.length).toBe(fixture.logs.live);
    const ages = live.map((row) => (NOW.getTime() - parseGoTime(row.created_at).getTime()) / 86_400_000);
    expect(Math.max(...ages)).toBeGreaterThan(85);
    expect(Math.min(...ages)).toBeLessThan(2);
    expect(live.map((row) => parseGoTime(row.created_at).getTime()).sort((a, b) => a - b)).toEqual(fixture.logs.liveCreatedAt.map((date) => date.getTime()));
    const retried = all<{ retry: number; status: string }>("SELECT retry, status FROM chat_logs WHERE trace_id = ? ORDER BY retry", fixture.logs.retriedTraceId);
    expect(retried).toEqual([
      { retry: 0, status: "error" },
      { retry: 1, status: "error" },
      { retry: 2, status: "success" },
    ]);
    expect(Object.keys(fixture.logs.byStyle).sort()).toEqual(["anthropic", "gemini", "openai", "openai-res"]);
    expect(fixture.logs.withoutKey).toBeGreaterThan(0);
    expect(fixture.logs.byStatus.error).toBeGreaterThan(0);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM chat_ios WHERE of_string != ''").n).toBeGreaterThan(0);
    expect(one<{ n: number }>("SELECT COUNT(*) AS n FROM chat_ios WHERE of_string_array IS NOT NULL").n).toBeGreaterThan(0);
    expect(one<{ n: number }>(`SELECT COUNT(*) AS n FROM chat_ios WHERE log_id = ${fixture.deleted.chatLogIds[0]}`).n).toBe(1);
  });

  test("the e2e route: limited key → gpt-4o → the proxied provider, its only live enabled association", () => {
    const { e2e } = fixture;
    expect(e2e.key).toBe(fixture.keySecrets[e2e.keyName]);
    expect(e2e.proxyUrl).toBe(proxyUrl);
    const routes = fixture.associations.filter((association) => association.modelName === e2e.modelName && association.enabled);
    expect(routes.map((association) => association.providerName)).toEqual([e2e.providerName]);
    expect(fixture.providers.find((provider) => provider.name === e2e.providerName)!.proxy).toBe(proxyUrl);
    expect(fixture.authKeys.find((key) => key.name === e2e.keyName)!.models).toContain(e2e.modelName);
  });

  test("deterministic: the same `now` gives the same rows", () => {
    expect(buildLlmioFixtureRows({ now: NOW }).rows).toEqual(buildLlmioFixtureRows({ now: NOW }).rows);
    expect(buildForkFixtureRows("postgres", { now: NOW }).rows).toEqual(buildForkFixtureRows("postgres", { now: NOW }).rows);
  });
});

/** Checks shared by the fork on PostgreSQL and MySQL. */
async function checkForkFixture(sql: SQL, fixture: ForkFixture) {
  for (const [table, expected] of Object.entries(fixture.tables)) {
    const [counts] = await sql.unsafe(`SELECT COUNT(*) AS total, COUNT(deleted_at) AS deleted FROM ${table}`);
    expect({ table, rows: Number(counts.total), deleted: Number(counts.deleted) }).toEqual({ table, ...expected! });
  }
  for (const table of ["providers", "models", "model_with_providers", "auth_keys", "chat_logs"]) expect(fixture.tables[table as "providers"]!.deleted).toBeGreaterThan(0);
  const providers = await sql.unsafe("SELECT name, rpm_limit, ip_lock_minutes, config FROM providers WHERE deleted_at IS NULL ORDER BY id");
  expect(providers.map((row: { name: string }) => row.name)).toEqual(fixture.providers.map((provider) => provider.name));
  expect(providers.some((row: { rpm_limit: number }) => Number(row.rpm_limit) > 0)).toBe(true);
  expect(providers.some((row: { ip_lock_minutes: number }) => Number(row.ip_lock_minutes) > 0)).toBe(true);
  expect(providers.map((row: { name: string }) => row.name)).toContain("anthropic-官方");
  const [model] = await sql.unsafe("SELECT remark FROM models WHERE name = '深度思考'");
  expect(model.remark).toBe("中文推理模型");
  const [gpt] = await sql.unsafe("SELECT remark, io_log FROM models WHERE name = 'gpt-4o'");
  expect([gpt.remark, Number(gpt.io_log)]).toEqual(["主力模型 🚀", 1]);
  const keys = await sql.unsafe("SELECT name, " + (fixture.dialect === "mysql" ? "`key`" : "key") + " AS secret, expires_at, deleted_at FROM auth_keys ORDER BY id");
  const expired = keys.find((row: { name: string }) => row.name === fixture.expiredKeyName);
  expect(new Date(expired.expires_at).getTime()).toBeLessThan(fixture.now.getTime());
  expect(keys.find((row: { name: string }) => row.name === fixture.keyNames.deleted).deleted_at).not.toBeNull();
  for (const key of fixture.authKeys) expect(keys.find((row: { name: string }) => row.name === key.name).secret).toBe(key.key);
  expect(keys.filter((row: { secret: string }) => row.secret.startsWith(FORK_KEY_PREFIX)).length).toBeGreaterThan(0);
  const [logs] = await sql.unsafe("SELECT COUNT(*) AS n FROM chat_logs WHERE deleted_at IS NULL");
  expect(Number(logs.n)).toBe(fixture.logs.live);
  const [bodies] = await sql.unsafe("SELECT COUNT(*) AS n FROM chat_io WHERE output_string_array != '[]'");
  expect(Number(bodies.n)).toBeGreaterThan(0);
  const [uuids] = await sql.unsafe("SELECT COUNT(DISTINCT uuid) AS n FROM chat_logs");
  expect(Number(uuids.n)).toBe(fixture.logs.rows);
}

const postgresServer = process.env.LLMIO_TEST_DATABASE_URL;
if (!postgresServer) console.error("llmio fixtures: the fork on PostgreSQL skipped (no LLMIO_TEST_DATABASE_URL)");

describe.skipIf(!postgresServer)("fork fixture on PostgreSQL", () => {
  test("created in an empty database and read back", async () => {
    const scratch = await createScratchPostgresDatabase(postgresServer!, `llmio_fork_fixture_${process.pid}`);
    try {
      const fixture = await createForkPostgresFixture(scratch.url, { now: NOW });
      const sql = new SQL(scratch.url, { max: 1 });
      try {
        await checkForkFixture(sql, fixture);
        const [disabled] = await sql`SELECT status FROM models WHERE name = ${fixture.disabledModelName}`;
        expect(disabled.status).toBe(0);
        const prices = await sql`SELECT model_id, cache_write FROM model_prices WHERE deleted_at IS NULL ORDER BY id`;
        expect(prices.map((row: { model_id: string }) => row.model_id)).toEqual(fixture.modelPrices.map((price) => price.modelId));
        const configs = await sql`SELECT key FROM configs WHERE deleted_at IS NULL ORDER BY id`;
        expect(configs.map((row: { key: string }) => row.key)).toEqual(["anthropic_count_tokens", "anthropic_proxy_ip", "model_price_sync", "first_deploy_time"]);
        const [cost] = await sql`SELECT SUM(total_cost) AS total FROM chat_logs WHERE deleted_at IS NULL`;
        expect(Number(cost.total)).toBeCloseTo(fixture.logs.totalCost, 6);
        // The sequences were moved past the fixture's ids: a plain insert works.
        await sql`INSERT INTO providers (name, type) VALUES ('after-fixture', 'openai')`;
      } finally {
        await sql.close();
      }
    } finally {
      await scratch.drop();
    }
  });
});

if (mysqlMissing) console.error(`llmio fixtures: the fork on MySQL skipped (${mysqlMissing})`);

describe.skipIf(Boolean(mysqlMissing))("fork fixture on MySQL (MariaDB)", () => {
  const serverUrl = useTestMysql();

  test("created in an empty database and read back", async () => {
    const scratch = await createScratchMysqlDatabase(serverUrl(), `llmio_fork_fixture_${process.pid}`);
    try {
      const fixture = await createForkMysqlFixture(scratch.url, { now: NOW });
      expect(fixture.tables.model_prices).toBeUndefined();
      expect(fixture.disabledModelName).toBeNull();
      const sql = new SQL(scratch.url, { max: 1 });
      try {
        await checkForkFixture(sql, fixture);
        const columns = await sql`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'models'`;
        expect(columns.map((row: { name: string }) => row.name)).not.toContain("status");
      } finally {
        await sql.close();
      }
    } finally {
      await scratch.drop();
    }
  }, 60_000);
});
