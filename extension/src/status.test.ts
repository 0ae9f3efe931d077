import { describe, expect, test } from "vitest";
import type { ProviderHealth } from "@llmio/contract";
import type { Connection } from "./connection.ts";
import { badgeFor, isProviderFailing, LEVEL_COLORS, summarize } from "./status.ts";
import { healthFixture, STATUS, type HealthFixture } from "./test-support.ts";

function provider(overrides: Partial<HealthFixture> = {}, breaker: "closed" | "open" | "half-open" = "closed"): ProviderHealth {
  return healthFixture({
    id: 1,
    name: "alpha",
    type: "openai",
    enabled: true,
    keys: [{ key: "sk-…1234", state: "ok" }],
    associations: [
      {
        id: 1,
        providerId: 1,
        modelId: 1,
        modelName: "m",
        providerModel: "m",
        weight: 1,
        enabled: true,
        breaker: { state: breaker, consecutiveFailures: 0, retryAt: null },
        recent: [],
        errorRate: null,
        lastError: null,
      },
    ],
    ...overrides,
  });
}


const admin = (requests: number, errors: number): Connection => ({ kind: "admin", status: { ...STATUS, requestsLastMinute: requests, errorsLastMinute: errors } });

describe("failing providers", () => {
  test("an open breaker or no usable key makes an enabled provider failing", () => {
    expect(isProviderFailing(provider())).toBe(false);
    expect(isProviderFailing(provider({}, "open"))).toBe(true);
    expect(isProviderFailing(provider({}, "half-open"))).toBe(false);
    expect(isProviderFailing(provider({ keys: [{ key: "a", state: "dead" }, { key: "b", state: "cooling" }] }))).toBe(true);
    expect(isProviderFailing(provider({ keys: [{ key: "a", state: "dead" }, { key: "b", state: "ok" }] }))).toBe(false);
  });

  test("a disabled provider is not failing, and neither is a disabled route's breaker", () => {
    expect(isProviderFailing(provider({ enabled: false }, "open"))).toBe(false);
    const disabledRoute = provider({}, "open");
    disabledRoute.associations[0]!.enabled = false;
    expect(isProviderFailing(disabledRoute)).toBe(false);
  });
});

describe("status → badge", () => {
  test("healthy admin view: green 'ok'", () => {
    const connection = admin(100, 2);
    const summary = summarize(connection, [provider()]);
    expect(summary).toEqual({ level: "ok", errorRate: 0.02, failingProviders: 0 });
    expect(badgeFor(connection, summary)).toEqual({ text: "ok", color: LEVEL_COLORS.ok, title: "llmio 0.1.0: 100 req/min, 2% errors" });
  });

  test("one failing provider: amber with the count", () => {
    const connection = admin(100, 0);
    const summary = summarize(connection, [provider(), provider({ id: 2, name: "beta" }, "open")]);
    expect(summary.level).toBe("warn");
    expect(badgeFor(connection, summary)).toMatchObject({ text: "1", color: LEVEL_COLORS.warn });
    expect(badgeFor(connection, summary).title).toContain("1 provider failing");
  });

  test("every enabled provider failing: red with the count", () => {
    const connection = admin(0, 0);
    const summary = summarize(connection, [provider({}, "open"), provider({ id: 2 }, "open"), provider({ id: 3, enabled: false })]);
    expect(summary).toEqual({ level: "bad", errorRate: null, failingProviders: 2 });
    expect(badgeFor(connection, summary)).toMatchObject({ text: "2", color: LEVEL_COLORS.bad });
  });

  test("error rate: amber from 10 %, red from 50 %, ignored below 5 requests a minute", () => {
    expect(summarize(admin(100, 9)).level).toBe("ok");
    expect(summarize(admin(100, 10)).level).toBe("warn");
    expect(summarize(admin(100, 50)).level).toBe("bad");
    expect(summarize(admin(4, 4))).toEqual({ level: "ok", errorRate: null, failingProviders: 0 });
    expect(badgeFor(admin(100, 60), summarize(admin(100, 60)))).toMatchObject({ text: "!", color: LEVEL_COLORS.bad });
  });

  test("down is red 'off'; slow, refused and errors amber; a client key green", () => {
    const cases: [Connection, string, string][] = [
      [{ kind: "down", message: "cannot reach http://127.0.0.1:7070" }, "off", LEVEL_COLORS.bad],
      [{ kind: "slow", message: "no answer" }, "…", LEVEL_COLORS.warn],
      [{ kind: "unauthorized", reason: "rejected", message: "no" }, "key", LEVEL_COLORS.warn],
      [{ kind: "unauthorized", reason: "missing", message: "no" }, "key", LEVEL_COLORS.warn],
      [{ kind: "error", message: "HTTP 500" }, "!", LEVEL_COLORS.warn],
      [{ kind: "client", models: ["a", "b"] }, "ok", LEVEL_COLORS.ok],
    ];
    for (const [connection, text, color] of cases) expect(badgeFor(connection, summarize(connection))).toMatchObject({ text, color });
  });
});
