import { describe, expect, test } from "vitest";
import type { AssociationHealth } from "@llmio/contract";
import { healthFixture, modelFixture, type HealthFixture } from "./test-support.ts";
import { lastOutcomes, modelRows, pasteTargets, providerRows } from "./gateway-view.ts";

const association = (id: number, modelId: number, providerId: number, extra: Partial<AssociationHealth> = {}) => ({
  id,
  providerId,
  modelId,
  modelName: `model-${modelId}`,
  providerModel: "upstream-model",
  weight: 1,
  enabled: true,
  breaker: { state: "closed" as const, consecutiveFailures: 0, retryAt: null },
  recent: [true],
  errorRate: 0,
  lastError: null,
  ...extra,
});

const providers = ([
  { id: 2, name: "beta", type: "openai", enabled: false, keys: [{ key: "k", state: "ok" }], associations: [association(5, 1, 2)] },
  {
    id: 1,
    name: "alpha",
    type: "openai",
    enabled: true,
    keys: [{ key: "k1", state: "dead" }, { key: "k2", state: "ok" }],
    associations: [association(4, 1, 1, { weight: 100 }), association(6, 2, 1, { breaker: { state: "open", consecutiveFailures: 3, retryAt: 1 } })],
  },
] satisfies HealthFixture[]).map(healthFixture);

describe("popup view", () => {
  test("models in the gateway's order, each with its providers by association id", () => {
    const rows = modelRows(
      [
        modelFixture({ id: 2, name: "second", pinnedProviderId: null, providerCount: 1 }),
        modelFixture({ id: 1, name: "first", pinnedProviderId: 2, providerCount: 2 }),
        modelFixture({ id: 3, name: "empty", pinnedProviderId: null, providerCount: 0 }),
      ],
      providers,
    );
    expect(rows.map((row) => [row.name, row.routes.map((route) => `${route.providerName}:${route.weight}:${route.providerEnabled}`)])).toEqual([
      ["second", ["alpha:1:true"]],
      ["first", ["alpha:100:true", "beta:1:false"]],
      ["empty", []],
    ]);
    expect(rows[0]?.routes[0]?.breaker).toBe("open");
    expect(rows[1]?.pinnedProviderId).toBe(2);
  });

  test("providers with their failing state, its cause and until when, and the keys the provider refused", () => {
    expect(providerRows(providers)).toEqual([
      { id: 2, name: "beta", enabled: false, failing: false, cause: null, until: null, keys: 1, refusedKeys: 0, coolingKeys: 0, coolingCause: null },
      { id: 1, name: "alpha", enabled: true, failing: true, cause: null, until: null, keys: 2, refusedKeys: 1, coolingKeys: 0, coolingCause: null },
    ]);
  });

  test("the last-N status bar pads the front with empty slots", () => {
    expect(lastOutcomes([true, false], 4)).toEqual([null, null, true, false]);
    expect(lastOutcomes([true, false, true, true, false], 3)).toEqual([true, true, false]);
  });

  test("paste targets: the full URL for Immersive Translate, /v1 for OpenAI clients, the root for Anthropic and Gemini", () => {
    expect(pasteTargets("http://127.0.0.1:7070")).toEqual({
      immersiveTranslate: "http://127.0.0.1:7070/v1/chat/completions",
      openai: "http://127.0.0.1:7070/v1",
      anthropic: "http://127.0.0.1:7070",
      gemini: "http://127.0.0.1:7070",
    });
  });
});
