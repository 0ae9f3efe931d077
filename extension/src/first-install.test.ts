import { beforeEach, describe, expect, test, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { firstInstallItem, handleInstalled, initialGatewayUrl, isLlmioAt, onFirstInstall } from "./first-install.ts";
import { DEFAULT_GATEWAY_URL, gatewayUrlItem } from "./settings.ts";
import { fakeGateway, json } from "./test-support.ts";

/** What `llmio serve` answers on its two credential-free health routes (checked against a real one). */
const LLMIO = {
  "GET /health": () => json({ status: "ok" }),
  "GET /health/ready": () => json({ status: "ready", database: "sqlite", migrations: 9, sharedState: "memory", sharedStateAvailable: true }),
};

let openOptionsPage: ReturnType<typeof vi.fn>;

beforeEach(() => {
  fakeBrowser.reset();
  // The fake browser leaves openOptionsPage unimplemented: record the calls.
  openOptionsPage = vi.fn(async () => undefined);
  fakeBrowser.runtime.openOptionsPage = openOptionsPage as typeof fakeBrowser.runtime.openOptionsPage;
});

describe("recognising llmio", () => {
  test("llmio's /health and /health/ready", async () => {
    const gateway = fakeGateway(LLMIO);
    expect(await isLlmioAt(DEFAULT_GATEWAY_URL, gateway.fetch)).toBe(true);
    expect(gateway.calls.map((call) => `${call.method} ${call.url} ${call.authorization}`)).toEqual([
      "GET http://127.0.0.1:7070/health null",
      "GET http://127.0.0.1:7070/health/ready null",
    ]);
  });

  test("an llmio whose database is away still counts (503 not ready)", async () => {
    const gateway = fakeGateway({ ...LLMIO, "GET /health/ready": () => json({ status: "not ready", reason: "database: connection refused" }, 503) });
    expect(await isLlmioAt(DEFAULT_GATEWAY_URL, gateway.fetch)).toBe(true);
  });

  test("any other server saying ok is not llmio", async () => {
    const others: Record<string, () => Response>[] = [
      { "GET /health": () => json({ status: "ok" }) }, // no /health/ready
      { "GET /health": () => json({ status: "ok" }), "GET /health/ready": () => json({ status: "ready" }) },
      { "GET /health": () => json({ status: "ok", service: "something else" }), "GET /health/ready": LLMIO["GET /health/ready"] },
      { "GET /health": () => new Response("ok"), "GET /health/ready": LLMIO["GET /health/ready"] },
      { "GET /health": () => json({ status: "ok" }, 500), "GET /health/ready": LLMIO["GET /health/ready"] },
      { "GET /health": () => json(["ok"]) },
    ];
    for (const routes of others) expect(await isLlmioAt(DEFAULT_GATEWAY_URL, fakeGateway(routes).fetch)).toBe(false);
  });

  test("nothing listening (the fetch rejects) is not llmio", async () => {
    const refused = vi.fn(async () => Promise.reject(new TypeError("Failed to fetch")));
    expect(await isLlmioAt(DEFAULT_GATEWAY_URL, refused)).toBe(false);
  });
});

describe("the first install", () => {
  test("llmio on the default address: the URL is stored, the options page opens and is told", async () => {
    await onFirstInstall({ reason: "install" }, fakeGateway(LLMIO).fetch);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ gatewayUrl: DEFAULT_GATEWAY_URL, firstInstall: { gateway: "found", url: DEFAULT_GATEWAY_URL } });
    expect(openOptionsPage).toHaveBeenCalledTimes(1);
  });

  test("nothing there: no URL stored, the options page opens with the field empty", async () => {
    await onFirstInstall({ reason: "install" }, fakeGateway({}).fetch);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ firstInstall: { gateway: "absent", url: DEFAULT_GATEWAY_URL } });
    expect(openOptionsPage).toHaveBeenCalledTimes(1);
    expect(initialGatewayUrl(DEFAULT_GATEWAY_URL, await firstInstallItem.getValue())).toBe("");
  });

  test("updates and browser updates change nothing and open nothing", async () => {
    const gateway = fakeGateway(LLMIO);
    await gatewayUrlItem.setValue("http://gateway.lan:7070");
    for (const reason of ["update", "browser_update", "chrome_update", "shared_module_update"]) await onFirstInstall({ reason }, gateway.fetch);
    expect(gateway.calls).toEqual([]);
    expect(openOptionsPage).not.toHaveBeenCalled();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ gatewayUrl: "http://gateway.lan:7070" });
  });

  test("as a runtime.onInstalled listener (the real fetch, nothing on the address)", async () => {
    vi.stubGlobal("fetch", fakeGateway({}).fetch);
    fakeBrowser.runtime.onInstalled.addListener(handleInstalled);
    await fakeBrowser.runtime.onInstalled.trigger({ reason: "install" });
    await vi.waitFor(() => expect(openOptionsPage).toHaveBeenCalledTimes(1));
    expect(await firstInstallItem.getValue()).toEqual({ gateway: "absent", url: DEFAULT_GATEWAY_URL });
    vi.unstubAllGlobals();
  });

  test("the options field: the stored URL, except after an install that found nothing", () => {
    expect(initialGatewayUrl("http://127.0.0.1:7070", null)).toBe("http://127.0.0.1:7070");
    expect(initialGatewayUrl("http://127.0.0.1:7070", { gateway: "found", url: "http://127.0.0.1:7070" })).toBe("http://127.0.0.1:7070");
    expect(initialGatewayUrl("http://127.0.0.1:7070", { gateway: "absent", url: "http://127.0.0.1:7070" })).toBe("");
  });
});
