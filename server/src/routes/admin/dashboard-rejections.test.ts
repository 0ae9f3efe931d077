import { describe, expect, test } from "bun:test";
import { DashboardService } from "../../admin/dashboard.ts";
import { suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;
const MIDNIGHT = new Date(2025, 5, 10).getTime();
const NOW = MIDNIGHT + 3.5 * HOUR_MS;

describe("dashboard: rejected calls", () => {
  const harness = suiteHarness();

  test("count as failed requests, each folded row for as many calls as it stands for", async () => {
    const { deps, call } = harness;
    const key = (await call("POST", "/api/auth-keys", { name: "ci" })).json;
    const { rejections } = deps.logWriter;
    const unknownKey = { status: 401, reason: "unknown_key" as const, message: "Invalid API key", protocol: "openai-chat", clientIp: "203.0.113.7", userAgent: "curl/8", presentedKey: "sk-wrong-0123456789abcdef" };
    // 40 identical bad-key calls in hour 0 (one row), 3 unknown-model calls of a real key in hour 2.
    for (let index = 0; index < 40; index++) rejections.record(unknownKey, MIDNIGHT + 60_000 + index);
    const unknownModel = { status: 404, reason: "unknown_model" as const, message: "The model `nope` does not exist", protocol: "anthropic", authKeyId: key.id, model: "nope", userAgent: "claude-cli/2" };
    for (let index = 0; index < 3; index++) rejections.record(unknownModel, MIDNIGHT + 2 * HOUR_MS + index);
    // One served call in hour 1.
    deps.logWriter.write({ traceId: "ok", model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "alpha", createdAt: MIDNIGHT + HOUR_MS, authKeyId: key.id, userAgent: "claude-cli/2" });
    await deps.logWriter.flush();

    const dashboard = await new DashboardService(deps.db, deps.catalog).build("today", NOW);
    expect(dashboard.totals).toMatchObject({ requests: 44, success: 1, errors: 43, rejected: 43 });
    expect(dashboard.series.map((point) => [point.requests, point.errors, point.rejected])).toEqual([
      [40, 40, 40],
      [1, 0, 0],
      [3, 3, 3],
      [0, 0, 0],
    ]);
    // The bad key's calls belong to no key and name no model; the real key's count for it.
    expect(dashboard.topKeys).toEqual([{ authKeyId: key.id, name: "ci", requests: 4, tokens: 0 }]);
    expect(dashboard.byModel).toEqual([
      { model: "nope", requests: 3, errors: 3, tokens: 0, costs: { USD: 0, CNY: 0 } },
      { model: "gpt", requests: 1, errors: 0, tokens: 0, costs: { USD: 0, CNY: 0 } },
    ]);
    expect(dashboard.topUserAgents).toEqual([
      { userAgent: "curl/8", requests: 40 },
      { userAgent: "claude-cli/2", requests: 4 },
    ]);
  });
});
