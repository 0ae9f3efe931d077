/**
 * Switching from LLMIO (issue 20), the way an operator does it: `llmio import-llmio` on a copy of
 * LLMIO's database (its own schema, see llmio-fixtures/), then `llmio serve` on the result. Clients
 * keep their LLMIO keys; the upstream receives the imported extra body and headers through the
 * imported proxy; the LLMIO TOKEN opens the admin API.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProxy } from "proxy";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import type { LlmioFixture } from "./llmio-fixtures/fixture-types.ts";
import { createLlmioSqliteFixture } from "./llmio-fixtures/llmio-sqlite-fixture.ts";
import { startServeProcess, type ServeProcess } from "./serve-process.ts";

const MAIN = join(import.meta.dir, "../src/main.ts");
const LLMIO_TOKEN = "llmio-admin-token-from-LLMIO-0123456789";

let folder: string;
let dbPath: string;
let fixture: LlmioFixture;
let upstream: FakeUpstream;
let gateway: ServeProcess;
let proxyServer: ReturnType<typeof createProxy>;
const proxied: Array<{ url: string; authorized: boolean }> = [];

function cli(...args: string[]) {
  const result = Bun.spawnSync([process.execPath, MAIN, "import-llmio", ...args, "--db-path", dbPath], {
    env: { ...process.env, TOKEN: "", LLMIO_LOG_LEVEL: "error" },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

async function chat(key: string, model: string) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "你好" }], temperature: 0.5 }),
  });
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "llmio-switch-"));
  dbPath = join(folder, "llmio-target.db");
  upstream = startFakeUpstream({ port: 0 });
  proxyServer = createProxy(createServer());
  proxyServer.authenticate = (request) => {
    const authorized = request.headers["proxy-authorization"] === `Basic ${Buffer.from("fixture:s3cret").toString("base64")}`;
    proxied.push({ url: request.url ?? "", authorized });
    return authorized;
  };
  await new Promise<void>((resolve) => proxyServer.listen(0, "127.0.0.1", () => resolve()));
  const proxyPort = (proxyServer.address() as { port: number }).port;
  fixture = createLlmioSqliteFixture(join(folder, "llmio.db"), { upstreamUrl: upstream.url, proxyUrl: `http://fixture:s3cret@127.0.0.1:${proxyPort}` });
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.stop();
  proxyServer?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("llmio import-llmio, then llmio serve", () => {
  test("the dry run prints the plan and writes nothing; the import writes it; a second import changes nothing", () => {
    const dryRun = cli(fixture.path, "--dry-run", "--with-logs", "--token", LLMIO_TOKEN);
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).toContain("Dry run: nothing was written");
    expect(dryRun.stdout).toContain(`created    model ${fixture.e2e.modelName}`);
    expect(dryRun.stdout).toContain("created    admin token");
    expect(dryRun.stdout).toMatch(/Request history: \d+ rows read, \d+ to import/);
    expect(dryRun.stdout).not.toContain(fixture.e2e.key);
    const target = new Database(dbPath, { readonly: true });
    expect(target.query("SELECT count(*) AS n FROM providers").get()).toEqual({ n: 0 });
    target.close();
    expect(existsSync(join(folder, "token"))).toBe(false);

    const applied = cli(fixture.path, "--with-logs", "--token", LLMIO_TOKEN);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toMatch(/\d+ created, 1 updated, 0 unchanged, 0 conflicts/);
    // Secrets are never printed: keys as hints, the proxy without its password.
    expect(applied.stdout).not.toContain(fixture.e2e.key);
    expect(applied.stdout).not.toContain("s3cret");
    expect(applied.stdout).not.toContain(LLMIO_TOKEN);

    const again = cli(fixture.path, "--with-logs", "--token", LLMIO_TOKEN);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/ 0 created, 0 updated, \d+ unchanged, 0 conflicts/);
    expect(again.stdout).toMatch(/\d+ rows read, 0 imported, \d+ already present/);
  });

  test("a wrong command line or source gets one clear line", () => {
    const missing = cli(join(folder, "nope.db"));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("no such file");
    const since = cli(fixture.path, "--since", "7");
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toContain("--since needs --with-logs");
  });

  test("clients keep working: an imported key calls an imported model; the upstream gets the extra body and headers through the proxy", async () => {
    // No TOKEN in the environment: the imported LLMIO TOKEN (kept beside the database) is the admin token.
    gateway = await startServeProcess({ token: "", dbPath });
    const { e2e } = fixture;
    proxied.length = 0;
    const answer = await chat(e2e.key, e2e.modelName);
    expect(answer.status).toBe(200);
    const received = upstream.lastRequest!;
    const body = received.body as Record<string, unknown>;
    expect(body.model).toBe(e2e.providerModel);
    for (const [name, value] of Object.entries(e2e.extraBody)) expect(body[name]).toEqual(value);
    for (const [name, value] of Object.entries(e2e.headers)) expect(received.headers[name.toLowerCase()]).toBe(value);
    expect(received.headers.authorization).toBe(`Bearer ${e2e.upstreamApiKey}`);
    expect(proxied.some((request) => request.authorized && request.url.includes(new URL(upstream.url).host))).toBe(true);
  });

  test("the keys' rules come along: expired and disabled keys are refused, a limited key only reaches its models", async () => {
    const expired = await chat(fixture.keySecrets[fixture.keyNames.expired], fixture.e2e.modelName);
    expect(expired.status).toBe(401);
    expect(expired.body).toContain("expired");
    const disabled = await chat(fixture.keySecrets[fixture.keyNames.disabled], fixture.e2e.modelName);
    expect(disabled.status).toBe(401);
    const limited = fixture.authKeys.find((key) => key.name === fixture.keyNames.limited)!;
    const outside = fixture.models.find((model) => !(limited.models ?? []).includes(model.name))!;
    expect((await chat(limited.key, outside.name)).status).toBe(403);
    const deleted = Object.values(fixture.deletedKeySecrets)[0];
    expect((await chat(deleted, fixture.e2e.modelName)).status).toBe(401);
  });

  test("the LLMIO TOKEN opens the admin API, which shows the imported catalog and history", async () => {
    const models = await fetch(`${gateway.url}/api/models`, { headers: { authorization: `Bearer ${LLMIO_TOKEN}` } });
    expect(models.status).toBe(200);
    const names = ((await models.json()) as Array<{ name: string }>).map((model) => model.name);
    expect(names.sort()).toEqual(fixture.models.map((model) => model.name).sort());
    const logs = await fetch(`${gateway.url}/api/logs?limit=5`, { headers: { authorization: `Bearer ${LLMIO_TOKEN}` } });
    expect(logs.status).toBe(200);
    expect(JSON.stringify(await logs.json())).toContain(fixture.e2e.modelName);
  });
});
