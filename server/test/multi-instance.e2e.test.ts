/**
 * Multi-instance mode: two `llmio serve` processes on one PostgreSQL and one Redis behave as
 * one gateway. Needs the throwaway servers the test command starts (LLMIO_TEST_DATABASE_URL,
 * LLMIO_TEST_REDIS_URL); says it is skipped without them.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { adminCall } from "./harness.ts";

const MAIN = join(import.meta.dir, "../src/main.ts");
const TOKEN = "multi-instance-token-0123456789";
const serverUrl = process.env.LLMIO_TEST_DATABASE_URL;
const redisUrl = process.env.LLMIO_TEST_REDIS_URL;
const available = Boolean(serverUrl && redisUrl);
if (!available) console.error("multi-instance e2e: skipped (no LLMIO_TEST_DATABASE_URL / LLMIO_TEST_REDIS_URL)");

interface Instance {
  url: string;
  output: () => string;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  chat(model: string, text: string): Promise<{ status: number; text?: string; retryAfter?: string | null }>;
}

const spawned: Bun.Subprocess[] = [];
let upstream: FakeUpstream;
let databaseName: string;
let databaseUrl: string;
const prefix = `llmio-multi-${process.pid}:`;
let a: Instance;
let b: Instance;

/** Starts `llmio serve` on PostgreSQL + Redis and waits for its banner. */
async function startInstance(): Promise<Instance> {
  const child = Bun.spawn([process.execPath, MAIN, "serve", "--host", "127.0.0.1", "--port", "0"], {
    env: { ...process.env, TOKEN, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LLMIO_REDIS_PREFIX: prefix, LLMIO_LOG_LEVEL: "warn" },
    stdout: "pipe",
    stderr: "pipe",
  });
  spawned.push(child);
  let output = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  while (!/listening on [^\n]*:(\d+)/.test(output) || !output.includes("database")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gateway exited early: ${output}${await new Response(child.stderr).text()}`);
    output += decoder.decode(value);
  }
  reader.releaseLock();
  const url = `http://127.0.0.1:${output.match(/listening on [^\n]*:(\d+)/)![1]}`;
  const client = new OpenAI({ apiKey: TOKEN, baseURL: `${url}/v1`, maxRetries: 0 });
  return {
    url,
    output: () => output,
    admin: (method, path, body) => adminCall(url, TOKEN, method, path, body),
    async chat(model, text) {
      try {
        const completion = await client.chat.completions.create({ model, messages: [{ role: "user", content: text }] });
        return { status: 200, text: completion.choices[0].message.content ?? "" };
      } catch (error) {
        if (error instanceof OpenAI.APIError) return { status: error.status ?? 0, retryAfter: error.headers?.get("retry-after") };
        throw error;
      }
    },
  };
}

async function logsOf(instance: Instance, model: string) {
  const page = await instance.admin<{ items: Array<{ providerName: string; status: string }> }>("GET", `/api/logs?model=${model}&pageSize=100`);
  return page.items;
}

beforeAll(async () => {
  if (!available) return;
  upstream = startFakeUpstream({ port: 0 });
  // A database of its own, so the storage suites' emptying of the shared test database cannot touch it.
  databaseName = `llmio_multi_${process.pid}`;
  const server = new SQL(serverUrl!);
  await server.unsafe(`DROP DATABASE IF EXISTS ${databaseName}`);
  await server.unsafe(`CREATE DATABASE ${databaseName}`);
  await server.close();
  databaseUrl = serverUrl!.replace(/\/[^/]*$/, `/${databaseName}`);
  // Both start at once: the migration lock lets one migrate while the other waits.
  [a, b] = await Promise.all([startInstance(), startInstance()]);
}, 30_000);

afterAll(async () => {
  for (const child of spawned) child.kill("SIGKILL");
  await Promise.all(spawned.map((child) => child.exited));
  if (!available) return;
  await upstream.stop();
  const server = new SQL(serverUrl!);
  await server.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await server.close();
});

describe.skipIf(!available)("two instances on one PostgreSQL and one Redis", () => {
  test("both report PostgreSQL in their banner and readiness", async () => {
    for (const instance of [a, b]) {
      expect(instance.output()).toContain("PostgreSQL postgres://");
      expect(await (await fetch(`${instance.url}/health/ready`)).json()).toMatchObject({ status: "ready", database: "postgres", sharedState: "redis", sharedStateAvailable: true });
    }
  });

  test("a rate limit set through one instance holds on the other", async () => {
    const provider = await a.admin("POST", "/api/providers", {
      name: "limited",
      type: "openai",
      baseUrl: `${upstream.url}/v1`,
      apiKeys: ["sk-limited-key-0001"],
      requestsPerMinute: 2,
    });
    // A short budget, so the request refused for the limit answers quickly instead of queueing for the window.
    const model = await a.admin("POST", "/api/models", { name: "rpm-two", maxRetry: 0, totalTimeoutMs: 1_500 });
    await a.admin("POST", "/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });

    const upstreamBefore = upstream.requests;
    expect(await a.chat("rpm-two", "one")).toMatchObject({ status: 200, text: "Echo: one" });
    expect(await b.chat("rpm-two", "two")).toMatchObject({ status: 200, text: "Echo: two" });
    // The window is full across both instances: the third request is refused wherever it arrives.
    const third = await b.chat("rpm-two", "three");
    expect(third.status).toBe(429);
    expect(Number(third.retryAfter)).toBeGreaterThan(0);
    expect((await a.chat("rpm-two", "four")).status).toBe(429);
    // Only the two admitted requests reached the provider.
    expect(upstream.requests - upstreamBefore).toBe(2);
  });

  test("a pin set through one instance holds on the other, whose catalog was already loaded", async () => {
    const providers = [];
    for (const name of ["first", "second"]) {
      providers.push(await a.admin("POST", "/api/providers", { name, type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: [`sk-${name}-key-0001`] }));
    }
    const model = await a.admin("POST", "/api/models", { name: "pinnable", strategy: "round-robin" });
    for (const provider of providers) {
      await a.admin("POST", "/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });
    }
    // B loads its catalog now; round robin spreads these over both providers.
    for (let index = 0; index < 4; index++) expect((await b.chat("pinnable", `before ${index}`)).status).toBe(200);

    await a.admin("PUT", `/api/models/${model.id}/pin`, { providerId: providers[1].id });
    // The change reaches B through Redis; give the notice a moment to arrive.
    await Bun.sleep(300);
    for (let index = 0; index < 6; index++) expect((await b.chat("pinnable", `after ${index}`)).status).toBe(200);
    await Bun.sleep(300);

    const rows = await logsOf(b, "pinnable");
    const after = rows.slice(0, 6);
    expect(after.every((row) => row.providerName === "second")).toBe(true);
    expect(new Set(rows.slice(6).map((row) => row.providerName))).toEqual(new Set(["first", "second"]));
  });

  test("`llmio config apply` on the shared database reaches running instances through Redis at once", async () => {
    // Load both catalogs first, so only a notice can make them see the new model.
    for (const instance of [a, b]) expect((await instance.chat("applied-model", "x")).status).toBe(404);
    const folder = mkdtempSync(join(tmpdir(), "llmio-multi-apply-"));
    const file = join(folder, "llmio.yaml");
    writeFileSync(file, "models:\n  - name: applied-model\n    providers: [{ provider: first, model: fake-model }]\n");
    const apply = Bun.spawn([process.execPath, MAIN, "config", "apply", file], {
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, LLMIO_REDIS_PREFIX: prefix },
      stdout: "pipe",
      stderr: "pipe",
    });
    spawned.push(apply);
    const [stdout, stderr] = [await new Response(apply.stdout).text(), await new Response(apply.stderr).text()];
    expect(await apply.exited).toBe(0);
    expect(stdout).toMatch(/created +model applied-model/);
    expect(stderr).toContain("told through Redis");
    rmSync(folder, { recursive: true, force: true });
    await Bun.sleep(200);
    for (const instance of [a, b]) expect(await instance.chat("applied-model", "hello")).toMatchObject({ status: 200, text: "Echo: hello" });
  });

  test("an answer cached through one instance is a hit on the other; a purge through either empties both", async () => {
    const provider = await a.admin("POST", "/api/providers", { name: "cache-source", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-cache-key-0001"] });
    const model = await a.admin("POST", "/api/models", { name: "shared-cache", cacheTtlSeconds: 600 });
    await a.admin("POST", "/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });
    await Bun.sleep(200);
    const ask = async (instance: Instance) => {
      const response = await fetch(`${instance.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "shared-cache", temperature: 0, messages: [{ role: "user", content: "shared answer" }] }),
      });
      return { cache: response.headers.get("x-llmio-cache"), text: await response.text() };
    };
    const before = upstream.requests;
    const first = await ask(a);
    expect(first.cache).toBe("miss");
    await Bun.sleep(200);
    // b has never seen it: it comes from Redis (or the shared database).
    expect(await ask(b)).toEqual({ cache: "hit", text: first.text });
    expect(await ask(b)).toEqual({ cache: "hit", text: first.text });
    expect(upstream.requests - before).toBe(1);
    expect((await b.admin("GET", "/api/cache")).byModel).toContainEqual(expect.objectContaining({ model: "shared-cache", entries: 1 }));

    // b now holds it in memory too; a purge through a must reach b's memory (Redis notice).
    expect((await a.admin("DELETE", "/api/cache?model=shared-cache")).purged).toBe(1);
    await Bun.sleep(200);
    expect((await ask(b)).cache).toBe("miss");
    expect(upstream.requests - before).toBe(2);
  });

  test("request logs of both instances land in the one database", async () => {
    await Bun.sleep(300);
    const fromA = await logsOf(a, "rpm-two");
    const fromB = await logsOf(b, "rpm-two");
    expect(fromA).toEqual(fromB);
    expect(fromA.filter((row) => row.status === "success")).toHaveLength(2);
  });
});
