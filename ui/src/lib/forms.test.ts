import { describe, expect, it } from "vitest";
import { associationToForm, formToAssociationInput, newAssociationForm, priceParts, validateAssociationForm } from "./association-form.ts";
import { expiryOf, formToAuthKeyInput, newAuthKeyForm, quotaUsed, validateAuthKeyForm } from "./auth-key-form.ts";
import { cacheOn, formToModelInput, MAX_CACHE_TTL_SECONDS, modelToForm, newModelForm, parseAliases, validateModelForm } from "./model-form.ts";
import { settingsChanges, validateSettings } from "./settings-form.ts";
import type { Association, Model, Settings } from "@llmio/contract";

describe("model form", () => {
  it("converts seconds in the form to milliseconds in the API", () => {
    const form = { ...newModelForm({ timeoutMs: 30_000, maxRetry: 2 }), name: " gpt-4o ", aliasesText: "gpt-4o*, openai-4o  gpt4o, gpt-4o*" };
    expect(form.timeoutSeconds).toBe(30);
    expect(formToModelInput(form)).toEqual({
      name: "gpt-4o",
      remark: "",
      aliases: ["gpt-4o*", "openai-4o", "gpt4o"],
      strategy: "weighted",
      maxRetry: 2,
      timeoutMs: 30_000,
      totalTimeoutMs: 180_000,
      streamIdleTimeoutMs: 120_000,
      maxStreamDurationMs: 1_800_000,
      stickySeconds: 120,
      cacheTtlSeconds: 0,
      cacheEverything: false,
      cachePerKey: false,
      coalesce: true,
    });
  });

  it("round-trips a stored model", () => {
    const model = { id: 1, name: "m", remark: "r", strategy: "priority", maxRetry: 1, timeoutMs: 1500, aliases: ["a"], totalTimeoutMs: 9000, streamIdleTimeoutMs: 4000, maxStreamDurationMs: 600_000, stickySeconds: 0, cacheTtlSeconds: 600, cacheEverything: true, cachePerKey: true, coalesce: false, pinnedProviderId: null, sortOrder: 0, providerCount: 0, createdAt: 0, updatedAt: 0 } satisfies Model;
    expect(formToModelInput(modelToForm(model))).toEqual({ name: "m", remark: "r", strategy: "priority", maxRetry: 1, timeoutMs: 1500, aliases: ["a"], totalTimeoutMs: 9000, streamIdleTimeoutMs: 4000, maxStreamDurationMs: 600_000, stickySeconds: 0, cacheTtlSeconds: 600, cacheEverything: true, cachePerKey: true, coalesce: false });
  });

  it("validates names and numbers", () => {
    expect(validateModelForm({ ...newModelForm(), name: "ok" })).toEqual({});
    expect(validateModelForm({ ...newModelForm(), name: "has space", maxRetry: -1, timeoutSeconds: 0, stickySeconds: 1.5 })).toEqual({
      name: "validation.noSpaces",
      maxRetry: "validation.nonNegativeInteger",
      timeoutSeconds: "validation.positive",
      stickySeconds: "validation.nonNegativeInteger",
    });
    expect(validateModelForm(newModelForm()).name).toBe("validation.required");
  });

  it("caches nothing by default, coalescing on for when the cache is turned on", () => {
    const form = newModelForm();
    expect(form).toMatchObject({ cacheTtlSeconds: 0, cacheEverything: false, cachePerKey: false, coalesce: true });
    expect(cacheOn(form)).toBe(false);
    expect(cacheOn({ cacheTtlSeconds: 300 })).toBe(true);
    // An emptied TTL field means off.
    expect(cacheOn({ cacheTtlSeconds: null })).toBe(false);
  });

  it("validates the cache TTL: whole seconds, 0 (off) up to a year", () => {
    const named = { ...newModelForm(), name: "m" };
    expect(validateModelForm({ ...named, cacheTtlSeconds: 0 })).toEqual({});
    expect(validateModelForm({ ...named, cacheTtlSeconds: MAX_CACHE_TTL_SECONDS })).toEqual({});
    expect(validateModelForm({ ...named, cacheTtlSeconds: -1 })).toEqual({ cacheTtlSeconds: "validation.nonNegativeInteger" });
    expect(validateModelForm({ ...named, cacheTtlSeconds: 1.5 })).toEqual({ cacheTtlSeconds: "validation.nonNegativeInteger" });
    expect(validateModelForm({ ...named, cacheTtlSeconds: null })).toEqual({ cacheTtlSeconds: "validation.nonNegativeInteger" });
    expect(validateModelForm({ ...named, cacheTtlSeconds: MAX_CACHE_TTL_SECONDS + 1 })).toEqual({ cacheTtlSeconds: "validation.cacheTtlMax" });
  });

  it("sends the cache switches as set, even while the cache is off", () => {
    const form = { ...newModelForm(), name: "translate", cacheTtlSeconds: 3600, cacheEverything: true, cachePerKey: true, coalesce: false };
    expect(formToModelInput(form)).toMatchObject({ cacheTtlSeconds: 3600, cacheEverything: true, cachePerKey: true, coalesce: false });
    expect(formToModelInput({ ...form, cacheTtlSeconds: 0 })).toMatchObject({ cacheTtlSeconds: 0, cacheEverything: true, coalesce: false });
  });

  it("parses aliases", () => {
    expect(parseAliases(" a,b  c,,a ")).toEqual(["a", "b", "c"]);
  });
});

describe("association form", () => {
  it("requires a provider and a provider model", () => {
    expect(validateAssociationForm(newAssociationForm())).toEqual({ providerId: "validation.required", providerModel: "validation.required" });
    expect(validateAssociationForm({ ...newAssociationForm(2), providerModel: "x", priceInput: -1 })).toEqual({ priceInput: "validation.nonNegative" });
  });

  it("sends zero for empty prices", () => {
    const input = formToAssociationInput({ ...newAssociationForm(2), providerModel: " fake-model ", weight: 5, priceOutput: 0.6 }, 9);
    expect(input).toEqual({ modelId: 9, providerId: 2, providerModel: "fake-model", weight: 5, enabled: true, toolCall: true, structuredOutput: true, vision: true, priceInput: 0, priceCachedInput: 0, priceOutput: 0.6, priceCacheWrite: 0, currency: "USD", extraBody: {}, extraHeaders: {}, forwardClientHeaders: true });
  });

  it("shows prices only when one is set", () => {
    const association = { id: 1, modelId: 1, providerId: 1, providerName: "p", providerModel: "m", weight: 1, enabled: true, toolCall: true, structuredOutput: false, vision: true, priceInput: 0, priceCachedInput: 0, priceOutput: 0, priceCacheWrite: 0, currency: "CNY", extraBody: {}, extraHeaders: {}, forwardClientHeaders: true, createdAt: 0, updatedAt: 0 } satisfies Association;
    expect(priceParts(association)).toEqual([]);
    expect(priceParts({ ...association, priceInput: 0.15 }).map((part) => part.value)).toEqual([0.15, 0, 0]);
    expect(associationToForm(association)).toMatchObject({ priceInput: null, priceCacheWrite: null, currency: "CNY", structuredOutput: false });
  });
});

describe("client key form", () => {
  const now = new Date(2026, 0, 10, 12, 0).getTime();

  it("computes expiry from presets and dates", () => {
    expect(expiryOf({ expiry: "never", expiryDate: "" }, now)).toBeNull();
    expect(expiryOf({ expiry: "30d", expiryDate: "" }, now)).toBe(now + 30 * 86_400_000);
    expect(expiryOf({ expiry: "custom", expiryDate: "2026-02-01" }, now)).toBe(new Date(2026, 1, 1, 23, 59, 59, 999).getTime());
    expect(expiryOf({ expiry: "custom", expiryDate: "" }, now)).toBeUndefined();
  });

  it("validates and converts", () => {
    expect(validateAuthKeyForm(newAuthKeyForm(), now)).toEqual({ name: "validation.required" });
    expect(validateAuthKeyForm({ ...newAuthKeyForm(), name: "k", allowedModels: [], expiry: "custom", tokenQuota: 0 }, now)).toEqual({
      allowedModels: "validation.pickModel",
      expiryDate: "validation.date",
      tokenQuota: "validation.positiveInteger",
    });
    expect(formToAuthKeyInput({ ...newAuthKeyForm(), name: " laptop ", allowedModels: ["gpt-*"], expiry: "7d", requestQuota: 100 }, now)).toEqual({
      name: "laptop",
      allowedModels: ["gpt-*"],
      expiresAt: now + 7 * 86_400_000,
      requestQuota: 100,
      tokenQuota: null,
      enabled: true,
      captureBodies: false,
    });
    expect(formToAuthKeyInput({ ...newAuthKeyForm(), name: "audited", captureBodies: true }, now).captureBodies).toBe(true);
  });

  it("reports quota use", () => {
    expect(quotaUsed(50, 200)).toBe(0.25);
    expect(quotaUsed(500, 200)).toBe(1);
    expect(quotaUsed(5, null)).toBeNull();
  });
});

describe("settings form", () => {
  const saved: Settings = {
    logRetentionDays: 30,
    logMaxRows: 1_000_000,
    bodyCapture: false,
    bodyCaptureMaxChars: 65_536,
    defaultTimeoutMs: 60_000,
    defaultMaxRetry: 3,
    cacheMaxMb: 64,
    tracingEndpoint: "http://collector:4318",
    tracingHeaders: "x-honeycomb-team=abc…mnop",
    tracingSampleRatio: 1,
    tracingLinkTemplate: null,
    tracingFromEnvironment: false,
  };

  it("sends only what changed", () => {
    expect(settingsChanges(saved, { ...saved })).toEqual({});
    expect(settingsChanges(saved, { ...saved, bodyCapture: true, logRetentionDays: null })).toEqual({ bodyCapture: true, logRetentionDays: null });
  });

  it("validates", () => {
    expect(validateSettings(saved)).toEqual({});
    expect(validateSettings({ ...saved, logRetentionDays: 0, defaultMaxRetry: -1, defaultTimeoutMs: 0 })).toEqual({
      logRetentionDays: "validation.positiveInteger",
      defaultMaxRetry: "validation.nonNegativeInteger",
      defaultTimeoutMs: "validation.positive",
    });
  });

  it("bounds the cache memory to 1 MB … 64 GB, in whole MB", () => {
    expect(validateSettings({ ...saved, cacheMaxMb: 1 })).toEqual({});
    expect(validateSettings({ ...saved, cacheMaxMb: 65_536 })).toEqual({});
    for (const cacheMaxMb of [0, 65_537, 1.5]) expect(validateSettings({ ...saved, cacheMaxMb })).toEqual({ cacheMaxMb: "validation.cacheMaxMb" });
    expect(settingsChanges(saved, { ...saved, cacheMaxMb: 256 })).toEqual({ cacheMaxMb: 256 });
  });

  it("leaves masked tracing headers out when they were not touched, so the stored values stay", () => {
    expect(settingsChanges(saved, { ...saved, tracingSampleRatio: 0.25 })).toEqual({ tracingSampleRatio: 0.25 });
    expect(settingsChanges(saved, { ...saved, tracingHeaders: "x-honeycomb-team=abc…mnop,x-extra=1" })).toEqual({ tracingHeaders: "x-honeycomb-team=abc…mnop,x-extra=1" });
  });

  it("sends emptied tracing fields as null, trimmed text as typed, and never the read-only environment flag", () => {
    expect(settingsChanges(saved, { ...saved, tracingEndpoint: "  ", tracingHeaders: "" })).toEqual({ tracingEndpoint: null, tracingHeaders: null });
    expect(settingsChanges(saved, { ...saved, tracingLinkTemplate: " https://jaeger/trace/{traceId} " })).toEqual({ tracingLinkTemplate: "https://jaeger/trace/{traceId}" });
    expect(settingsChanges(saved, { ...saved, tracingEndpoint: "http://collector:4318 " })).toEqual({});
    expect(settingsChanges(saved, { ...saved, tracingFromEnvironment: true })).toEqual({});
  });

  it("validates the tracing fields", () => {
    expect(validateSettings({ ...saved, tracingEndpoint: null, tracingHeaders: null, tracingSampleRatio: 0, tracingLinkTemplate: "" })).toEqual({});
    expect(
      validateSettings({ ...saved, tracingEndpoint: "collector:4318", tracingHeaders: "novalue", tracingSampleRatio: Number.NaN, tracingLinkTemplate: "https://jaeger/search" }),
    ).toEqual({
      tracingEndpoint: "validation.url",
      tracingHeaders: "validation.tracingHeaders",
      tracingSampleRatio: "validation.percent",
      tracingLinkTemplate: "validation.traceIdPlaceholder",
    });
    expect(validateSettings({ ...saved, tracingSampleRatio: 1.5 })).toEqual({ tracingSampleRatio: "validation.percent" });
  });
});
