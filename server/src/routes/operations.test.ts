import { describe, expect, test } from "bun:test";
import { createApp } from "../app.ts";
import { createDeps } from "../app-deps.ts";
import { embeddedMigrationCount } from "../db/client.ts";
import { openTestDatabase } from "../db/test-database.ts";

const TOKEN = "ops-token";

async function setup() {
  const deps = createDeps({ token: TOKEN }, await openTestDatabase());
  const app = createApp(deps);
  const get = (path: string, token?: string) =>
    app.handle(new Request(`http://localhost${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }));
  return { deps, get };
}

describe("operations endpoints", () => {
  test("liveness and readiness", async () => {
    const { deps, get } = await setup();
    expect(await (await get("/health")).json()).toEqual({ status: "ok" });
    const ready = await get("/health/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      database: deps.db.dialect,
      migrations: embeddedMigrationCount(deps.db.dialect),
      sharedState: "memory",
      sharedStateAvailable: true,
    });
  });

  test("readiness fails when the database is gone", async () => {
    const { deps, get } = await setup();
    await deps.db.close();
    const ready = await get("/health/ready");
    expect(ready.status).toBe(503);
    expect((await ready.json()).status).toBe("not ready");
  });

  test("metrics and detail need the admin token; metrics follow the request log", async () => {
    const { deps, get } = await setup();
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/health/detail")).status).toBe(401);
    deps.logWriter.write({ traceId: "t1", model: "m", providerName: "p", clientProtocol: "openai-chat", status: "success", statusCode: 200, promptTokens: 7, completionTokens: 3, totalTokens: 10, firstByteMs: 40, durationMs: 90, createdAt: Date.now() });
    deps.logWriter.write({ traceId: "t2", model: "m", providerName: "p", clientProtocol: "openai-chat", status: "error", statusCode: 429, error: "HTTP 429: slow down", createdAt: Date.now() });
    // The stored class is what the label says (the text alone would have read as a rate limit).
    deps.logWriter.write({ traceId: "t3", model: "m", providerName: "p", clientProtocol: "openai-chat", status: "error", statusCode: 429, error: "HTTP 429: slow down", failureClass: "quota", createdAt: Date.now() });
    await deps.logWriter.flush();
    const metrics = await (await get("/metrics", TOKEN)).text();
    expect(metrics).toContain('llmio_upstream_attempts_total{model="m",provider="p",status="error",class="quota"} 1');
    expect(metrics).toContain('llmio_upstream_attempts_total{model="m",provider="p",status="success",class=""} 1');
    expect(metrics).toContain('llmio_upstream_attempts_total{model="m",provider="p",status="error",class="rate_limit"} 1');
    expect(metrics).toContain('llmio_tokens_total{model="m",provider="p",kind="prompt"} 7');
    expect(metrics).toContain('llmio_first_byte_seconds_bucket{le="0.05",model="m",provider="p"} 1');
    expect(metrics).toContain("llmio_in_flight_requests 0");
    expect(metrics).toContain("llmio_shared_state_available 1");
    expect(metrics).toContain("llmio_log_writer_backlog 0");
    expect((await get("/health/detail", TOKEN)).status).toBe(200);
  });
});
