import { describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { DEFAULT_SETTINGS } from "../../routing/settings.ts";
import { suiteHarness } from "./test-support.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", ...row };
}

describe("/api/settings", () => {
  const harness = suiteHarness();
  const { call } = harness;

  test("GET answers every setting with its default", async () => {
    expect((await call("GET", "/api/settings")).json).toEqual({
      logRetentionDays: 30,
      logMaxRows: 1_000_000,
      bodyCapture: false,
      bodyCaptureMaxChars: 65_536,
      cacheMaxMb: 64,
      defaultTimeoutMs: 60_000,
      defaultMaxRetry: 3,
      tracingEndpoint: null,
      tracingHeaders: null,
      tracingSampleRatio: 1,
      tracingLinkTemplate: null,
      tracingFromEnvironment: false,
    });
  });

  test("PUT changes the given settings, keeps the rest, and returns all of them", async () => {
    const response = await call("PUT", "/api/settings", { bodyCapture: true, logRetentionDays: null, bodyCaptureMaxChars: 256 });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ ...DEFAULT_SETTINGS, bodyCapture: true, logRetentionDays: null, bodyCaptureMaxChars: 256, tracingFromEnvironment: false });
    expect((await call("GET", "/api/settings")).json).toEqual(response.json);
    expect(await harness.deps.bodyCapture.enabled()).toBe(true);
    expect((await call("PUT", "/api/settings", { logRetentionDays: 7, logMaxRows: null })).json).toMatchObject({
      bodyCapture: true,
      logRetentionDays: 7,
      logMaxRows: null,
    });
  });

  test("out-of-range values are 400s naming the field", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logRetentionDays: 0 }, "Invalid body: /logRetentionDays must be an integer from 1 to 3650 or null"],
      [{ logRetentionDays: 3651 }, "Invalid body: /logRetentionDays must be an integer from 1 to 3650 or null"],
      [{ logMaxRows: 999 }, "Invalid body: /logMaxRows must be an integer ≥ 1000 or null"],
      [{ bodyCapture: null }, "Invalid body: /bodyCapture must be a boolean"],
      [{ bodyCaptureMaxChars: 255 }, "Invalid body: /bodyCaptureMaxChars must be an integer from 256 to 10000000"],
      [{ bodyCaptureMaxChars: 10_000_001 }, "Invalid body: /bodyCaptureMaxChars must be an integer from 256 to 10000000"],
      [{ defaultTimeoutMs: 0 }, "Invalid body: /defaultTimeoutMs must be an integer ≥ 1"],
      [{ defaultMaxRetry: 21 }, "Invalid body: /defaultMaxRetry must be an integer from 0 to 20"],
      [{ defaultMaxRetry: -1 }, "Invalid body: /defaultMaxRetry must be an integer from 0 to 20"],
    ];
    for (const [body, error] of cases) {
      expect(await call("PUT", "/api/settings", body)).toMatchObject({ status: 400, json: { error } });
    }
    expect((await call("GET", "/api/settings")).json.defaultMaxRetry).toBe(3);
  });

  test("new models take the default timeout and retry count from the settings", async () => {
    await call("PUT", "/api/settings", { defaultTimeoutMs: 12_345, defaultMaxRetry: 0 });
    expect((await call("POST", "/api/models", { name: "fresh" })).json).toMatchObject({ timeoutMs: 12_345, maxRetry: 0 });
    expect((await call("POST", "/api/models", { name: "explicit", timeoutMs: 1000, maxRetry: 5 })).json).toMatchObject({ timeoutMs: 1000, maxRetry: 5 });
  });

  test("POST /retention/run applies the limits now", async () => {
    const { logWriter, db } = harness.deps;
    const { requestBodies, requestLogs } = db.tables;
    const now = Date.now();
    logWriter.write(attempt({ traceId: "ancient", createdAt: now - 8 * DAY_MS }));
    logWriter.write(attempt({ traceId: "recent", createdAt: now - DAY_MS }));
    await logWriter.flush();
    await db.orm.insert(requestBodies).values({ traceId: "ancient", requestBody: "{}", responseBody: "{}", createdAt: now - 8 * DAY_MS });
    const response = await call("POST", "/api/settings/retention/run");
    expect(response.json).toEqual({ deletedRows: 1, deletedBodies: 1 });
    expect(await db.orm.select({ traceId: requestLogs.traceId }).from(requestLogs)).toEqual([{ traceId: "recent" }]);
  });

  test("GET /retention/runs lists the cleanup history, the manual run included", async () => {
    const response = await call("GET", "/api/settings/retention/runs");
    expect(response.status).toBe(200);
    expect(response.json[0]).toMatchObject({ triggeredBy: "manual", mode: "age", deletedRows: 1, deletedBodies: 1, error: null });
    expect(typeof response.json[0].durationMs).toBe("number");
  });
});
