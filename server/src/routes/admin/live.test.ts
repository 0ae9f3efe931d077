import { beforeAll, describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../../db/schema.ts";
import { LiveService } from "../../admin/live.ts";
import { createAdminHarness, suiteHarness } from "./test-support.ts";

const HOUR_MS = 60 * 60 * 1000;
const MIDNIGHT = new Date(2025, 5, 10).getTime();

function attempt(row: Partial<NewRequestLog> & Pick<NewRequestLog, "traceId" | "createdAt">): NewRequestLog {
  return { model: "gpt", clientProtocol: "openai-chat", status: "success", providerId: 1, providerName: "alpha", ...row };
}

describe("/api/live", () => {
  const harness = suiteHarness();
  const { call } = harness;

  beforeAll(async () => {
    const { deps } = harness;
    const now = Date.now();
    for (let index = 0; index < 25; index++) {
      deps.logWriter.write(attempt({ traceId: `old-error-${index}`, status: "error", error: `boom ${index}`, createdAt: now - 10 * 60_000 + index }));
    }
    // The last minute: a request that failed over and succeeded, one that failed, one that succeeded.
    deps.logWriter.write(attempt({ traceId: "x", attempt: 0, status: "error", error: "retry me", createdAt: now - 3000 }));
    deps.logWriter.write(attempt({ traceId: "x", attempt: 1, createdAt: now - 2000 }));
    deps.logWriter.write(attempt({ traceId: "y", status: "error", error: "latest", createdAt: now - 1000 }));
    deps.logWriter.write(attempt({ traceId: "z", createdAt: now - 500 }));
    await deps.logWriter.flush();
    deps.inFlight.start({ traceId: "running-1", model: "gpt", clientProtocol: "anthropic", stream: true, startedAt: now - 800, clientIp: "10.0.0.1", userAgent: "claude-cli/1.0" });
    deps.inFlight.attempt("running-1", "alpha");
    deps.inFlight.start({ traceId: "running-0", model: "claude", clientProtocol: "openai-chat", stream: false, startedAt: now - 900 });
  });

  test("in-flight requests (oldest first), the last 20 failed attempts and last-minute counts", async () => {
    const response = await call("GET", "/api/live");
    expect(response.status).toBe(200);
    expect(response.json.inFlight).toEqual([
      { traceId: "running-0", model: "claude", clientProtocol: "openai-chat", stream: false, startedAt: expect.any(Number), clientIp: null, userAgent: null, providerName: null },
      { traceId: "running-1", model: "gpt", clientProtocol: "anthropic", stream: true, startedAt: expect.any(Number), clientIp: "10.0.0.1", userAgent: "claude-cli/1.0", providerName: "alpha" },
    ]);
    const errors = response.json.recentErrors;
    expect(errors).toHaveLength(20);
    expect(errors.slice(0, 3).map((row: { error: string }) => row.error)).toEqual(["latest", "retry me", "boom 24"]);
    expect(Object.keys(errors[0])).toContain("usageEstimated");
    expect(response.json).toMatchObject({ requestsLastMinute: 3, errorsLastMinute: 1 });
    expect(typeof response.json.tokensToday).toBe("number");
    harness.deps.inFlight.end("running-0");
    expect((await call("GET", "/api/live")).json.inFlight.map((request: { traceId: string }) => request.traceId)).toEqual(["running-1"]);
  });

  test("tokensToday: today's successful attempts since local midnight, kept up to date between polls", async () => {
    const { deps: own, close } = await createAdminHarness();
    const write = async (row: NewRequestLog) => {
      own.logWriter.write(row);
      await own.logWriter.flush();
    };
    await write(attempt({ traceId: "yesterday", createdAt: MIDNIGHT - 1, promptTokens: 1000, completionTokens: 1000 }));
    await write(attempt({ traceId: "early", createdAt: MIDNIGHT, promptTokens: 100, completionTokens: 20 }));
    await write(attempt({ traceId: "failed", status: "error", createdAt: MIDNIGHT + HOUR_MS, promptTokens: 7 }));
    await write(attempt({ traceId: "counted", endpoint: "count_tokens", createdAt: MIDNIGHT + HOUR_MS, promptTokens: 5000 }));
    const live = new LiveService(own.db, own.inFlight);
    const now = MIDNIGHT + 10 * HOUR_MS;
    expect((await live.snapshot(now)).tokensToday).toBe(120);
    await write(attempt({ traceId: "recent", createdAt: now - 10_000, promptTokens: 3, completionTokens: 2 }));
    expect((await live.snapshot(now + 2000)).tokensToday).toBe(125);
    await write(attempt({ traceId: "later", createdAt: now + 5 * 60_000, promptTokens: 10 }));
    expect((await live.snapshot(now + 6 * 60_000)).tokensToday).toBe(135);
    expect((await live.snapshot(now + 7 * 60_000)).tokensToday).toBe(135);
    // A new day starts from zero.
    await write(attempt({ traceId: "tomorrow", createdAt: MIDNIGHT + 24 * HOUR_MS + 1, completionTokens: 4 }));
    expect((await live.snapshot(MIDNIGHT + 25 * HOUR_MS)).tokensToday).toBe(4);
    await close();
  });
});

describe("the dashboard endpoints need the admin token", () => {
  const { call } = suiteHarness();

  test("401 without it", async () => {
    const requests: Array<[string, string]> = [
      ["GET", "/api/dashboard"],
      ["GET", "/api/live"],
      ["GET", "/api/settings"],
      ["PUT", "/api/settings"],
      ["POST", "/api/settings/retention/run"],
      ["POST", "/api/providers/1/test"],
      ["GET", "/api/providers/1/models"],
      ["GET", "/api/logs/trace/x"],
      ["GET", "/api/models/1/stats"],
      ["PUT", "/api/models/order"],
    ];
    for (const [method, path] of requests) expect((await call(method, path, undefined, null)).status).toBe(401);
  });
});
