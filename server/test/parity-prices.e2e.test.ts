/**
 * Prices snapshotted into each log row (issue 14), end to end through a real gateway: a call is
 * logged with its association's prices of the time and the cost at them (Anthropic cache writes
 * included, on the fast path and translated, whole and streamed); after a price change the old row
 * keeps its cost and a new call costs the new prices; the dashboard sums USD and CNY apart; the
 * cache-write price and the currency round-trip through the config file.
 * On SQLite always; on PostgreSQL too when the test services are up (LLMIO_TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { parse, stringify } from "yaml";
import { createDeps } from "../src/app-deps.ts";
import { openPostgres } from "../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { sseText } from "../src/protocols/test-kit/index.ts";
import { configureModel, listenTestGateway, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const postgresServer = process.env.LLMIO_TEST_DATABASE_URL;
if (!postgresServer) console.error("parity-prices e2e: PostgreSQL skipped (no LLMIO_TEST_DATABASE_URL)");

async function startPostgresGateway(): Promise<TestGateway> {
  const name = `llmio_prices_${process.pid}`;
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

/** What the Anthropic stub reports: 1,000 uncached + 2,000 cache-read + 3,000 cache-written prompt tokens, 500 out. */
const USAGE = { input_tokens: 1_000, cache_read_input_tokens: 2_000, cache_creation_input_tokens: 3_000, output_tokens: 500 };

/** An Anthropic Messages upstream that reports prompt-cache reads and writes (the fake upstream reports none). */
function startCachingAnthropic() {
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      // The health probe lists models; only chats are answered.
      if (request.method !== "POST") return Response.json({ data: [{ id: "claude-up", type: "model" }] });
      const body = (await request.json()) as { stream?: boolean; model: string };
      const message = { id: "msg_cache", type: "message", role: "assistant", model: body.model, content: [{ type: "text", text: "cached hello" }], stop_reason: "end_turn", stop_sequence: null, usage: USAGE };
      if (!body.stream) return Response.json(message);
      const frames = [
        ["message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { ...USAGE, output_tokens: 1 } } }],
        ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
        ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "cached hello" } }],
        ["content_block_stop", { type: "content_block_stop", index: 0 }],
        ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: USAGE }],
        ["message_stop", { type: "message_stop" }],
      ] as const;
      const text = sseText(frames.map(([event, data]) => ({ event, data: JSON.stringify(data) })));
      return new Response(text, { headers: { "content-type": "text/event-stream" } });
    },
  });
}

/** Cost at per-1M prices of the stub's usage. */
const stubCost = (input: number, cached: number, cacheWrite: number, output: number) => (1_000 * input + 2_000 * cached + 3_000 * cacheWrite + 500 * output) / 1_000_000;

async function call(gateway: TestGateway, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("x-llmio-trace-id")!;
}

const messages = (gateway: TestGateway, model: string, stream: boolean) =>
  call(gateway, "/v1/messages", { model, max_tokens: 50, stream, messages: [{ role: "user", content: "hi" }] }, { "anthropic-version": "2023-06-01" });
const chat = (gateway: TestGateway, model: string, stream: boolean) =>
  call(gateway, "/v1/chat/completions", { model, stream, stream_options: stream ? { include_usage: true } : undefined, messages: [{ role: "user", content: "hi" }] });

async function successRow(gateway: TestGateway, traceId: string) {
  const rows = (await logsOf(gateway, traceId)) as Array<Record<string, unknown>>;
  const row = rows.find((entry) => entry.status === "success");
  expect(row).toBeDefined();
  return row!;
}

async function associationOf(gateway: TestGateway, modelId: number) {
  const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${modelId}`);
  return association as { id: number };
}

for (const [storage, start] of storages) {
  describe(`prices snapshotted into each log row (${storage})`, () => {
    let gateway: TestGateway;
    let anthropicUpstream: ReturnType<typeof startCachingAnthropic>;
    let fake: FakeUpstream;
    let claude: { id: number };
    let qwen: { id: number };

    beforeAll(async () => {
      gateway = await start();
      anthropicUpstream = startCachingAnthropic();
      fake = await startFakeUpstream({ port: 0 });
      const claudeModel = await configureModel(gateway, "claude-priced", [{ name: "anthropic-cache", type: "anthropic", baseUrl: `http://127.0.0.1:${anthropicUpstream.port}`, providerModel: "claude-up" }]);
      const qwenModel = await configureModel(gateway, "qwen-priced", [{ name: "cny-provider", baseUrl: `${fake.url}/v1`, providerModel: "fake-model" }]);
      claude = await associationOf(gateway, claudeModel.id);
      qwen = await associationOf(gateway, qwenModel.id);
      await gateway.admin("PUT", `/api/model-providers/${claude.id}`, { priceInput: 3, priceCachedInput: 0.3, priceCacheWrite: 3.75, priceOutput: 15 });
      await gateway.admin("PUT", `/api/model-providers/${qwen.id}`, { priceInput: 2, priceCachedInput: 0.5, priceOutput: 8, currency: "CNY" });
    });

    afterAll(async () => {
      await gateway?.stop();
      anthropicUpstream?.stop(true);
      await fake?.stop();
    });

    test("the association API keeps the cache-write price and the currency, and refuses an unknown currency", async () => {
      const stored = await gateway.admin("GET", `/api/model-providers/${claude.id}`);
      expect(stored).toMatchObject({ priceInput: 3, priceCachedInput: 0.3, priceCacheWrite: 3.75, priceOutput: 15, currency: "USD" });
      expect(await gateway.admin("GET", `/api/model-providers/${qwen.id}`)).toMatchObject({ currency: "CNY", priceCacheWrite: 0 });
      const refused = await fetch(`${gateway.url}/api/model-providers/${qwen.id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ currency: "EUR" }),
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(await refused.text()).toContain("currency");
      const negative = await fetch(`${gateway.url}/api/model-providers/${qwen.id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ priceCacheWrite: -1 }),
      });
      expect(negative.status).toBeGreaterThanOrEqual(400);
      expect(negative.status).toBeLessThan(500);
    });

    test("each row keeps the prices of the time and the cost, cache writes priced apart; a price change leaves old rows alone", async () => {
      const cost = stubCost(3, 0.3, 3.75, 15);
      const snapshot = { priceInput: 3, priceCachedInput: 0.3, priceCacheWrite: 3.75, priceOutput: 15, currency: "USD", promptTokens: 6_000, cachedTokens: 2_000, cacheWriteTokens: 3_000, completionTokens: 500 };
      // Fast path (Anthropic → Anthropic), whole and streamed; translated (OpenAI Chat → Anthropic), whole and streamed.
      const before = [await messages(gateway, "claude-priced", false), await messages(gateway, "claude-priced", true), await chat(gateway, "claude-priced", false), await chat(gateway, "claude-priced", true)];
      for (const traceId of before) {
        const row = await successRow(gateway, traceId);
        expect(row).toMatchObject(snapshot);
        expect(row.cost as number).toBeCloseTo(cost, 9);
      }

      await gateway.admin("PUT", `/api/model-providers/${claude.id}`, { priceInput: 6, priceCachedInput: 0.6, priceCacheWrite: 7.5, priceOutput: 30 });
      const after = await messages(gateway, "claude-priced", false);
      const newRow = await successRow(gateway, after);
      expect(newRow).toMatchObject({ priceInput: 6, priceCacheWrite: 7.5, priceOutput: 30, currency: "USD" });
      expect(newRow.cost as number).toBeCloseTo(stubCost(6, 0.6, 7.5, 30), 9);

      // History is not rewritten: the first call still costs what it cost.
      const oldRow = await successRow(gateway, before[0]);
      expect(oldRow).toMatchObject({ priceInput: 3, priceOutput: 15 });
      expect(oldRow.cost as number).toBeCloseTo(cost, 9);
      // The log list carries the cost too.
      const page = await gateway.admin("GET", "/api/logs?limit=50");
      const listed = page.items.find((item: { traceId: string }) => item.traceId === before[0]);
      expect(listed.cost).toBeCloseTo(cost, 9);
      expect(listed.currency).toBe("USD");
    });

    test("the dashboard sums USD and CNY apart, from the snapshots (totals, per model, per provider)", async () => {
      const traceId = await chat(gateway, "qwen-priced", false);
      const row = await successRow(gateway, traceId);
      expect(row.currency).toBe("CNY");
      const cny = ((row.promptTokens as number) * 2 + (row.completionTokens as number) * 8) / 1_000_000;
      expect(row.cost as number).toBeCloseTo(cny, 9);
      // Prices change after the fact: the dashboard still shows what the calls cost then.
      await gateway.admin("PUT", `/api/model-providers/${qwen.id}`, { priceInput: 200, priceOutput: 800 });
      await gateway.logWriter.flush();
      const dashboard = await gateway.admin("GET", "/api/dashboard?range=today");
      const usd = 4 * stubCost(3, 0.3, 3.75, 15) + stubCost(6, 0.6, 7.5, 30);
      expect(dashboard.totals.costs.USD).toBeCloseTo(usd, 6);
      expect(dashboard.totals.costs.CNY).toBeCloseTo(cny, 6);
      expect(dashboard.totals.cacheWriteTokens).toBe(5 * 3_000);
      const byModel = Object.fromEntries(dashboard.byModel.map((entry: { model: string; costs: unknown }) => [entry.model, entry.costs]));
      expect(byModel["claude-priced"]).toEqual({ USD: expect.closeTo(usd, 6), CNY: 0 });
      expect(byModel["qwen-priced"]).toEqual({ USD: 0, CNY: expect.closeTo(cny, 6) });
      const byProvider = Object.fromEntries(dashboard.byProvider.map((entry: { providerName: string; costs: unknown }) => [entry.providerName, entry.costs]));
      expect(byProvider["cny-provider"]).toEqual({ USD: 0, CNY: expect.closeTo(cny, 6) });
    });

    test("the cache-write price and the currency round-trip through the config file", async () => {
      const headers = { authorization: `Bearer ${TEST_TOKEN}` };
      const exported = parse(await (await fetch(`${gateway.url}/api/config/export`, { headers })).text());
      const entry = exported.models.find((model: { name: string }) => model.name === "qwen-priced").providers[0];
      expect(entry).toMatchObject({ currency: "CNY", priceCacheWrite: 0 });
      entry.priceCacheWrite = 1.25;
      entry.currency = "USD";
      const applied = await fetch(`${gateway.url}/api/config/apply`, { method: "POST", headers: { ...headers, "content-type": "application/yaml" }, body: stringify(exported) });
      expect(applied.status).toBe(200);
      expect(await gateway.admin("GET", `/api/model-providers/${qwen.id}`)).toMatchObject({ priceCacheWrite: 1.25, currency: "USD" });
      // A currency the gateway does not know is refused with the field named.
      entry.currency = "EUR";
      const refused = await fetch(`${gateway.url}/api/config/apply`, { method: "POST", headers: { ...headers, "content-type": "application/yaml" }, body: stringify(exported) });
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("currency");
    });
  });
}
