/**
 * The response cache outlives a restart: `llmio serve` killed (SIGKILL, no shutdown work) and
 * started again on the same SQLite file answers a stored request as a hit, without the upstream.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeUpstream } from "../src/fake-upstream/index.ts";
import { adminCall } from "./harness.ts";
import { startServeProcess, type ServeProcess } from "./serve-process.ts";

const TOKEN = "cache-restart-token-0123456789";
const folder = mkdtempSync(join(tmpdir(), "llmio-cache-restart-"));
const dbPath = join(folder, "llmio.db");
const upstream = startFakeUpstream({ port: 0 });
const running: ServeProcess[] = [];

afterAll(async () => {
  for (const gateway of running) await gateway.stop();
  await upstream.stop();
  rmSync(folder, { recursive: true, force: true });
});

const ask = (gateway: ServeProcess) =>
  fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "kept", temperature: 0, messages: [{ role: "user", content: "survive a restart" }] }),
  });

test("an answer cached before a kill -9 is a hit after the restart", async () => {
  const first = await startServeProcess({ token: TOKEN, dbPath });
  running.push(first);
  const admin = (method: string, path: string, body?: unknown) => adminCall(first.url, TOKEN, method, path, body);
  const provider = await admin("POST", "/api/providers", { name: "fake", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-0001"] });
  const model = await admin("POST", "/api/models", { name: "kept", cacheTtlSeconds: 600 });
  await admin("POST", "/api/model-providers", { modelId: model.id, providerId: provider.id, providerModel: "fake-model" });

  const miss = await ask(first);
  expect(miss.headers.get("x-llmio-cache")).toBe("miss");
  const text = await miss.text();
  // The database write happens right after the answer went out.
  for (let tries = 0; tries < 50 && (await admin("GET", "/api/cache")).entries === 0; tries++) await Bun.sleep(20);
  first.child.kill("SIGKILL");
  await first.child.exited;

  const second = await startServeProcess({ token: TOKEN, dbPath });
  running.push(second);
  const before = upstream.requests;
  const hit = await ask(second);
  expect(hit.headers.get("x-llmio-cache")).toBe("hit");
  expect(await hit.text()).toBe(text);
  expect(upstream.requests).toBe(before);
}, 30_000);
