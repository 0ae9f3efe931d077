import { describe, expect, it } from "vitest";
import { bucketLabel, chartColumns, errorRate, fillSeries, relativeShare, shortUserAgent, tickLabel } from "./dashboard.ts";
import { filterModels, planImport } from "./import-plan.ts";
import { prettyBody } from "./pretty-body.ts";
import { keyStateCounts, providerStatus, recentOutcomes } from "./provider-health.ts";
import { dropIndex, moveItem, orderChanged } from "./reorder.ts";
import { nextTheme, resolveTheme } from "./theme.ts";
import type { Association, DashboardPoint, Model, BreakerState } from "@llmio/contract";
import { associationHealth, dashboardPoint, providerHealth } from "./__fixtures__/api.ts";

describe("reorder", () => {
  it("moves items", () => {
    expect(moveItem([1, 2, 3, 4], 0, 2)).toEqual([2, 3, 1, 4]);
    expect(moveItem([1, 2, 3, 4], 3, 0)).toEqual([4, 1, 2, 3]);
    expect(moveItem([1, 2, 3], 1, 99)).toEqual([1, 3, 2]);
    expect(moveItem([1, 2, 3], 7, 0)).toEqual([1, 2, 3]);
  });
  it("detects changes", () => {
    expect(orderChanged([1, 2], [1, 2])).toBe(false);
    expect(orderChanged([1, 2], [2, 1])).toBe(true);
  });
  it("finds the slot under the pointer", () => {
    const rows = [0, 40, 80].map((top) => ({ top, height: 40 }));
    expect(dropIndex(5, rows)).toBe(0);
    expect(dropIndex(55, rows)).toBe(1);
    expect(dropIndex(61, rows)).toBe(2);
    expect(dropIndex(500, rows)).toBe(2);
  });
});

describe("theme", () => {
  it("resolves system to the preference", () => {
    expect(resolveTheme("system", true)).toBe("dark");
    expect(resolveTheme("system", false)).toBe("light");
    expect(resolveTheme("light", true)).toBe("light");
  });
  it("cycles light → dark → system", () => {
    expect(nextTheme("light")).toBe("dark");
    expect(nextTheme("dark")).toBe("system");
    expect(nextTheme("system")).toBe("light");
  });
});

describe("dashboard helpers", () => {
  const point = (t: number, requests: number, errors: number, firstByteP50: number | null): DashboardPoint =>
    dashboardPoint({ t, requests, errors, promptTokens: requests * 10, completionTokens: requests * 2, firstByteP50 });

  it("builds chart columns with gaps for missing latencies", () => {
    expect(chartColumns([point(1, 2, 0, 300), point(2, 0, 0, null)], ["requests", "firstByteP50"])).toEqual({ x: [1, 2], y: [[2, 0], [300, null]] });
  });
  it("labels buckets by their size", () => {
    const ms = new Date(2026, 5, 12, 14, 0).getTime();
    expect(bucketLabel(ms, 3_600_000, "en-US")).toBe("14:00");
    expect(bucketLabel(ms, 6 * 3_600_000, "en-US")).toBe("06/12 14:00");
    expect(bucketLabel(ms, 86_400_000, "en-US")).toBe("06/12");
  });
  it("labels ticks with dates at midnight for long buckets", () => {
    const midnight = new Date(2026, 5, 12, 0, 0).getTime();
    const noon = new Date(2026, 5, 12, 12, 0).getTime();
    expect(tickLabel(midnight, 6 * 3_600_000, "en-US")).toBe("06/12");
    expect(tickLabel(noon, 6 * 3_600_000, "en-US")).toBe("12:00");
    expect(tickLabel(midnight, 3_600_000, "en-US")).toBe("00:00");
  });
  it("fills the rest of the period with gaps and missing past buckets with zeros", () => {
    const from = new Date(2026, 5, 12).getTime();
    const filled = fillSeries([point(from + 3_600_000, 5, 1, 200)], { from, to: from + 2.5 * 3_600_000, bucketMs: 3_600_000 }, 1);
    expect(filled).toHaveLength(24);
    expect(filled[0]).toMatchObject({ t: from, requests: 0, firstByteP50: null });
    expect(filled[1]).toMatchObject({ requests: 5, firstByteP50: 200 });
    expect(filled[2].requests).toBe(0);
    expect(filled[3]).toMatchObject({ requests: null, promptTokens: null });
  });
  it("computes rates and shares", () => {
    expect(errorRate(0, 0)).toBeNull();
    expect(errorRate(10, 1)).toBe(0.1);
    expect(relativeShare(5, [5, 10])).toBe(0.5);
    expect(relativeShare(0, [0])).toBe(0);
  });
  it("shortens user agents", () => {
    expect(shortUserAgent("claude-cli/2.1.3 (external, cli)")).toBe("claude-cli/2.1.3");
    expect(shortUserAgent("Cherry Studio/1.5 (Windows NT 10.0; x64) Electron/35")).toBe("Cherry Studio/1.5 Electron/35");
    expect(shortUserAgent(null)).toBe("—");
  });
});

describe("provider health", () => {
  const health = providerHealth;
  const association = (recent: boolean[], state: BreakerState = "closed", enabled = true) =>
    associationHealth({ enabled, breaker: { state, consecutiveFailures: 0, retryAt: null }, recent });

  it("says idle, ok, degraded, down or disabled", () => {
    expect(providerStatus(health())).toBe("idle");
    expect(providerStatus(health({ associations: [association([true, true])] }))).toBe("ok");
    expect(providerStatus(health({ associations: [association([true, false, false])] }))).toBe("degraded");
    expect(providerStatus(health({ keys: [{ key: "a", state: "ok" }, { key: "b", state: "dead" }], associations: [association([true])] }))).toBe("degraded");
    expect(providerStatus(health({ keys: [{ key: "a", state: "dead" }] }))).toBe("down");
    expect(providerStatus(health({ associations: [association([false], "open"), association([], "closed", false)] }))).toBe("down");
    expect(providerStatus(health(), false)).toBe("disabled");
    expect(providerStatus(undefined)).toBe("idle");
  });

  it("collects outcomes and key states", () => {
    expect(recentOutcomes(health({ associations: [association([true]), association([false])] }))).toEqual([true, false]);
    expect(keyStateCounts(health({ keys: [{ key: "a", state: "dead" }, { key: "b", state: "ok" }, { key: "c", state: "cooling" }] }))).toEqual({ ok: 1, dead: 1, cooling: 1, open: 0 });
  });
});

describe("import plan", () => {
  const models = [{ id: 1, name: "fake-model" }, { id: 2, name: "chat" }] as Model[];
  const associations = [{ modelId: 1, providerId: 5, providerModel: "fake-model" }] as Association[];

  it("joins same-name models, creates missing ones, skips existing pairs", () => {
    expect(planImport(["fake-model", "fake-model-mini"], { providerId: 5, models, associations })).toEqual([
      { providerModel: "fake-model", modelName: "fake-model", modelId: 1, skip: true },
      { providerModel: "fake-model-mini", modelName: "fake-model-mini", modelId: undefined, skip: false },
    ]);
  });
  it("sends everything to one chosen model", () => {
    expect(planImport(["a", "b"], { providerId: 5, models, associations, targetModelId: 2 }).map((step) => [step.modelName, step.modelId, step.skip])).toEqual([
      ["chat", 2, false],
      ["chat", 2, false],
    ]);
  });
  it("filters case-insensitively", () => {
    expect(filterModels(["GPT-4o", "claude"], "gpt")).toEqual(["GPT-4o"]);
    expect(filterModels(["a"], " ")).toEqual(["a"]);
  });
});

describe("prettyBody", () => {
  it("indents JSON and leaves the rest", () => {
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('{"a":1')).toBe('{"a":1');
    expect(prettyBody("data: x\n\n")).toBe("data: x\n\n");
    expect(prettyBody(null)).toBe("");
  });
});
