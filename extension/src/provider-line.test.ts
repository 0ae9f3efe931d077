import { afterEach, describe, expect, test } from "vitest";
import type { AssociationHealth, FailureRecord, ProviderHealth } from "@llmio/contract";
import { healthFixture, modelFixture, type HealthFixture } from "./test-support.ts";
import { clockTime } from "./format.ts";
import { modelRows, providerRows } from "./gateway-view.ts";
import { setLanguage } from "./i18n.ts";
import { providerLine } from "./provider-line.ts";

const refused: FailureRecord = { failure: "connection", cause: "connection-refused", message: "connection failed: ECONNREFUSED: Unable to connect", at: 1_000 };
const until = new Date(2026, 0, 1, 14, 3, 22).getTime();

const association = (id: number, modelId: number, providerId: number, extra: Partial<AssociationHealth> = {}) => ({
  id,
  providerId,
  modelId,
  modelName: `model-${modelId}`,
  providerModel: "upstream-model",
  weight: 1,
  enabled: true,
  breaker: { state: "closed" as const, consecutiveFailures: 0, retryAt: null },
  recent: [],
  errorRate: null,
  lastError: null,
  ...extra,
});

/** A provider whose upstream refuses connections: both keys' breakers and its route's breaker open. */
const down = healthFixture({
  id: 1,
  name: "local",
  type: "openai",
  enabled: true,
  keys: [
    { key: "sk-…1", state: "open", lastFailure: refused },
    { key: "sk-…2", state: "open", lastFailure: refused },
  ],
  associations: [association(1, 1, 1, { breaker: { state: "open", consecutiveFailures: 5, retryAt: until }, lastError: refused })],
  lastFailure: refused,
  openUntil: until,
});

afterEach(() => setLanguage("en"));

const rowOf = (provider: ProviderHealth) => providerRows([provider])[0]!;

describe("the popup's provider line", () => {
  test("a refused connection says so, and until when; not '2/2 keys unusable'", () => {
    const line = providerLine(rowOf(down));
    expect(line).toBe("failing · connection refused · until 14:03:22");
    expect(line).not.toContain("unusable");
    setLanguage("zh");
    expect(providerLine(rowOf(down))).toBe("故障 · 连接被拒绝 · 至 14:03:22");
  });

  test("keys the provider refused or rests are counted with their cause", () => {
    const quota: FailureRecord = { failure: "quota", cause: "quota", message: "HTTP 429: insufficient_quota", at: 5 };
    const keys = healthFixture({
      ...down,
      keys: [
        { key: "sk-…1", state: "dead", lastFailure: { failure: "credential", cause: "credential", message: "HTTP 401", at: 4 } },
        { key: "sk-…2", state: "cooling", lastFailure: quota },
        { key: "sk-…3", state: "ok" },
      ],
      associations: [association(1, 1, 1)],
      lastFailure: quota,
      openUntil: null,
    });

    expect(providerLine(rowOf(keys))).toBe("routing · 1/3 keys refused · 1/3 keys cooling down (quota used up)");
  });

  test("one word for a switched-off provider: disabled, as the API's `enabled` field says", () => {
    expect(providerLine(rowOf({ ...down, enabled: false }))).toBe("disabled for every model");
    setLanguage("zh");
    expect(providerLine(rowOf({ ...down, enabled: false }))).toBe("已对所有模型停用");
  });

  test("clock times are local HH:MM:SS", () => {
    expect(clockTime(until)).toBe("14:03:22");
  });
});

describe("expected traffic share in the popup", () => {
  const providers = ([
    { id: 1, name: "alpha", type: "openai", enabled: true, keys: [], associations: [association(1, 1, 1, { weight: 3 }), association(4, 2, 1, { weight: 1 })] },
    { id: 2, name: "beta", type: "openai", enabled: true, keys: [], associations: [association(2, 1, 2, { weight: 1 }), association(5, 2, 2, { weight: 1, enabled: false })] },
    { id: 3, name: "gamma", type: "openai", enabled: false, keys: [], associations: [association(3, 1, 3, { weight: 4 })] },
  ] satisfies HealthFixture[]).map(healthFixture);
  const shares = (pinnedProviderId: number | null, modelId = 1) =>
    Object.fromEntries(
      modelRows([modelFixture({ id: modelId, name: "m", pinnedProviderId, providerCount: 3 })], providers)[0]!.routes.map((route) => [route.providerName, route.share]),
    );

  test("by weight among the providers that get traffic; a disabled provider gets 0", () => {
    expect(shares(null)).toEqual({ alpha: 0.75, beta: 0.25, gamma: 0 });
  });

  test("pinned to one provider: the others get 0", () => {
    expect(shares(2)).toEqual({ alpha: 0, beta: 1, gamma: 0 });
  });

  test("a pin to a disabled provider is ignored, as the gateway ignores it", () => {
    expect(shares(3)).toEqual({ alpha: 0.75, beta: 0.25, gamma: 0 });
  });

  test("a route switched off gets 0", () => {
    expect(shares(null, 2)).toEqual({ alpha: 1, beta: 0 });
  });
});
