/**
 * Money and records, end to end through a real gateway (issue 14): per-key body capture with the
 * global switch off, the cleanup history (a manual and a scheduled run), and the configuration
 * file through the admin API (export → edit → dry run → apply), asserted on the upstream side.
 * On SQLite always; on PostgreSQL too when the test services are up (LLMIO_TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { parse, stringify } from "yaml";
import { createDeps } from "../src/app-deps.ts";
import { openPostgres } from "../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { LogRetention } from "../src/observability/log-retention.ts";
import { configureModel, listenTestGateway, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const postgresServer = process.env.LLMIO_TEST_DATABASE_URL;
if (!postgresServer) console.error("parity-records e2e: PostgreSQL skipped (no LLMIO_TEST_DATABASE_URL)");

/** A gateway on PostgreSQL, in a database of its own (the storage suites empty the shared one). */
async function startPostgresGateway(): Promise<TestGateway> {
  const name = `llmio_records_${process.pid}`;
  const server = new SQL(postgresServer!);
  await server.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await server.unsafe(`CREATE DATABASE ${name}`);
  await server.close();
  const db = await openPostgres(postgresServer!.replace(/\/[^/]*$/, `/${name}`), { max: 4 });
  const deps = createDeps({ token: TEST_TOKEN }, db, { logWriter: { flushIntervalMs: 10 } });
  return listenTestGateway(deps, {}, () => {
    const dropper = new SQL(postgresServer!);
    void dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => dropper.close());
  });
}

const storages: Array<["sqlite" | "postgres", () => Promise<TestGateway>]> = [["sqlite", async () => startTestGateway()]];
if (postgresServer) storages.push(["postgres", startPostgresGateway]);

async function chat(gateway: TestGateway, key: string, model: string, text: string) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: text }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("x-llmio-trace-id")!;
}

/** The trace's captured bodies once the request has ended (saved just after the answer); `waitMs` for some to come. */
async function bodiesOf(gateway: TestGateway, traceId: string, waitMs = 3_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    await gateway.logWriter.flush();
    const trace = await gateway.admin("GET", `/api/logs/trace/${traceId}`);
    if (trace.bodies || Date.now() > deadline) return trace.bodies as { requestBody: string; responseBody: string } | null;
    await Bun.sleep(25);
  }
}

async function text(gateway: TestGateway, path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_TOKEN}`, ...init.headers } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

for (const [storage, start] of storages) {
  describe(`money and records (${storage})`, () => {
    let upstream: FakeUpstream;
    let gateway: TestGateway;

    beforeAll(async () => {
      upstream = startFakeUpstream({ port: 0 });
      gateway = await start();
      await configureModel(gateway, "records-model", [{ name: "records-upstream", baseUrl: `${upstream.url}/v1`, providerModel: "upstream-model-a" }]);
    });

    afterAll(async () => {
      await gateway?.stop();
      await upstream?.stop();
    });

    test("a key with captureBodies has its bodies captured while the global switch is off; other keys do not", async () => {
      expect((await gateway.admin("GET", "/api/settings")).bodyCapture).toBe(false);
      const audited = await gateway.admin("POST", "/api/auth-keys", { name: "audited", captureBodies: true });
      const plain = await gateway.admin("POST", "/api/auth-keys", { name: "plain" });
      expect(audited.captureBodies).toBe(true);
      expect(plain.captureBodies).toBe(false);

      const auditedTrace = await chat(gateway, audited.key, "records-model", "audited question");
      const plainTrace = await chat(gateway, plain.key, "records-model", "plain question");
      const adminTrace = await chat(gateway, TEST_TOKEN, "records-model", "admin question");

      const captured = await bodiesOf(gateway, auditedTrace);
      expect(captured?.requestBody).toContain("audited question");
      expect(captured?.responseBody).toContain("choices");
      // The others ended before (plain) and with (admin) the captured one, whose bodies are saved: they have none.
      expect(await bodiesOf(gateway, plainTrace, 0)).toBeNull();
      expect(await bodiesOf(gateway, adminTrace, 200)).toBeNull();

      // Turned off, the key's calls are no longer captured.
      await gateway.admin("PUT", `/api/auth-keys/${audited.id}`, { captureBodies: false });
      expect(await bodiesOf(gateway, await chat(gateway, audited.key, "records-model", "after turning it off"), 300)).toBeNull();
    });

    test("the cleanup history lists a manual run and a scheduled one, newest first", async () => {
      await gateway.admin("PUT", "/api/settings", { logRetentionDays: 30, logMaxRows: null });
      const manual = await gateway.admin("POST", "/api/settings/retention/run");
      expect(manual).toEqual({ deletedRows: 0, deletedBodies: 0 });

      await gateway.admin("PUT", "/api/settings", { logRetentionDays: 30, logMaxRows: 1000 });
      // The gateway's hourly job (serve.ts starts it), here with its first run at once.
      const scheduled = new LogRetention(gateway.db, gateway.deps.settings).start(60_000, 1);
      let runs: Array<{ triggeredBy: string; mode: string; deletedRows: number; durationMs: number; startedAt: number; error: string | null }> = [];
      const deadline = Date.now() + 5_000;
      while (runs.length < 2 && Date.now() < deadline) {
        await Bun.sleep(20);
        runs = await gateway.admin("GET", "/api/settings/retention/runs");
      }
      scheduled.stop();
      expect(runs.map((run) => [run.triggeredBy, run.mode, run.error])).toEqual([
        ["scheduled", "both", null],
        ["manual", "age", null],
      ]);
      expect(runs[0]!.startedAt).toBeGreaterThanOrEqual(runs[1]!.startedAt);
      for (const run of runs) expect(run.durationMs).toBeGreaterThanOrEqual(0);
    });

    test("config export → edit → dry run (with prune) shows the changes and writes nothing → apply changes what the upstream receives", async () => {
      const exported = await text(gateway, "/api/config/export");
      expect(exported.status).toBe(200);
      expect(exported.headers.get("content-disposition")).toContain("llmio-config.yaml");
      expect(exported.body).not.toContain("sk-fake-upstream-key-1234");
      const document = parse(exported.body);
      const model = document.models.find((entry: { name: string }) => entry.name === "records-model");
      model.providers[0].model = "upstream-model-b";
      model.remark = "edited in the file";
      document.authKeys.find((key: { name: string }) => key.name === "plain").captureBodies = true;
      const edited = stringify(document);

      const dryRun = await text(gateway, "/api/config/apply?dryRun=1&prune=1", { method: "POST", body: edited, headers: { "content-type": "application/yaml" } });
      expect(dryRun.status).toBe(200);
      const plan = JSON.parse(dryRun.body);
      expect(plan.dryRun).toBe(true);
      expect(plan.changes.filter((change: { action: string }) => change.action !== "unchanged")).toEqual([
        { kind: "model", name: "records-model", action: "updated", fields: ["remark"] },
        { kind: "association", name: "records-model → records-upstream/upstream-model-b", action: "created" },
        { kind: "association", name: "records-model → records-upstream/upstream-model-a", action: "deleted" },
        { kind: "auth key", name: "plain", action: "updated", fields: ["captureBodies"] },
      ]);
      // Nothing written: the upstream still gets the old model name.
      await chat(gateway, TEST_TOKEN, "records-model", "before apply");
      expect((upstream.lastRequest!.body as { model: string }).model).toBe("upstream-model-a");

      const applied = await text(gateway, "/api/config/apply?prune=1", { method: "POST", body: edited, headers: { "content-type": "application/yaml" } });
      expect(applied.status).toBe(200);
      expect(JSON.parse(applied.body)).toMatchObject({ dryRun: false, counts: { created: 1, updated: 2, deleted: 1 } });
      await chat(gateway, TEST_TOKEN, "records-model", "after apply");
      expect((upstream.lastRequest!.body as { model: string }).model).toBe("upstream-model-b");
      expect((await gateway.admin("GET", "/api/models")).find((entry: { name: string }) => entry.name === "records-model").remark).toBe("edited in the file");
      const keys = await gateway.admin("GET", "/api/auth-keys");
      expect(keys.find((key: { name: string }) => key.name === "plain").captureBodies).toBe(true);

      // Applying the same file again changes nothing.
      const again = await text(gateway, "/api/config/apply?prune=1", { method: "POST", body: edited });
      expect(JSON.parse(again.body).counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    });

    test("a file with a mistake is refused with where it is, and changes nothing", async () => {
      const refused = await text(gateway, "/api/config/apply", { method: "POST", body: "models:\n  - name: records-model\n    maxRetry: -1\n" });
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).error).toStartWith("models[0].maxRetry:");
    });
  });
}
