/**
 * The browser extension end to end in real Firefox: Debian's Firefox ESR, headless, driven by
 * puppeteer-core over WebDriver BiDi, with the Firefox (MV2) build installed as a temporary add-on,
 * against a real gateway and the fake upstream. Configure it in the options page, watch the popup's
 * live numbers and the toolbar badge, pin a provider from the popup and see where the next request
 * goes, set up the NextChat test page with one click; and the MV3 build installs with the same id.
 * Screenshots land in test-results/extension-firefox/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startChatToolPages, type ChatToolPages } from "./extension-support/chat-tool-pages.ts";
import {
  ADDON_ID,
  buildFirefoxExtension,
  extensionPageUrl,
  FIREFOX,
  hasFirefox,
  launchFirefox,
  openFirefoxPage,
} from "./extension-support/firefox.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/** The WebExtension APIs, as seen by code evaluated inside the add-on's own pages. */
declare const browser: any;

const SHOTS = join(import.meta.dir, "../../test-results/extension-firefox");
const OPTIONS_SIZE = { width: 1000, height: 1100 };

mkdirSync(SHOTS, { recursive: true });
if (!hasFirefox) console.warn(`extension-firefox.e2e: skipped — ${FIREFOX} is missing (apt-get install -y firefox-esr)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let pages: ChatToolPages;
let firefox: Browser;
let build: { dir: string; remove(): void };
let options: Page;
const consoleLines: string[] = [];
const pageErrors: string[] = [];

const byTestId = (id: string) => `[data-testid="${id}"]`;

function watch(page: Page) {
  page.on("console", (message) => consoleLines.push(message.text()));
  page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error instanceof Error ? error.message : String(error)}`));
  return page;
}

async function openExtensionPage(path: string, viewport?: { width: number; height: number }) {
  return watch(await openFirefoxPage(firefox, extensionPageUrl(path), viewport));
}

async function shot(page: Page, name: string) {
  await Bun.sleep(200);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) as `${string}.png` });
}

async function fill(page: Page, selector: string, value: string) {
  await page.locator(selector).fill(value);
}

async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (element) => (element as HTMLElement).innerText.trim());
}

/** Waits until some element matching `selector` contains `text` (or matches it). */
async function waitForText(page: Page, selector: string, text: string | RegExp, timeout = 10_000) {
  const [source, flags] = typeof text === "string" ? [text, null] : [text.source, text.flags];
  await page.waitForFunction(
    (selector: string, source: string, flags: string | null) =>
      [...document.querySelectorAll(selector)].some((element) => {
        const content = (element as HTMLElement).innerText ?? element.textContent ?? "";
        return flags === null ? content.includes(source) : new RegExp(source, flags).test(content);
      }),
    { timeout, polling: 100 },
    selector,
    source,
    flags,
  );
}

async function getStorage(): Promise<Record<string, unknown>> {
  return options.evaluate(() => browser.storage.local.get(null));
}

/** The toolbar button's badge, read the way the add-on sets it (`browserAction` in MV2). */
async function badge(page = options): Promise<{ text: string; color: number[]; title: string }> {
  return page.evaluate(async () => {
    const button = browser.action ?? browser.browserAction;
    return { text: await button.getBadgeText({}), color: await button.getBadgeBackgroundColor({}), title: await button.getTitle({}) };
  });
}

async function waitForBadge(accept: (value: { text: string; color: number[]; title: string }) => boolean, timeoutMs = 10_000) {
  let last = await badge();
  const deadline = Date.now() + timeoutMs;
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`badge not as expected within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await Bun.sleep(150);
    last = await badge();
  }
  return last;
}

/** Sends one chat request through the gateway; returns its status and trace id. */
async function chat(model: string, key = TEST_TOKEN) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from the Firefox test" }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, traceId: response.headers.get("x-llmio-trace-id") ?? "" };
}

async function modelByName(name: string) {
  const models: { id: number; name: string; pinnedProviderId: number | null }[] = await gateway.admin("GET", "/api/models");
  return models.find((model) => model.name === name)!;
}

async function providerId(name: string): Promise<number> {
  const providers: { id: number; name: string }[] = await gateway.admin("GET", "/api/providers");
  return providers.find((provider) => provider.name === name)!.id;
}

const hex = (color: string) => [1, 3, 5].map((index) => parseInt(color.slice(index, index + 2), 16)).concat(255);

describe.skipIf(!hasFirefox)("browser extension in Firefox ESR", () => {
  beforeAll(async () => {
    build = buildFirefoxExtension("firefox-mv2");
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway({ breaker: { failureThreshold: 2, openMs: 120_000 } });
    const baseUrl = `${upstream.url}/v1`;
    await configureModel(gateway, "chat-model", [
      { name: "alpha", baseUrl, providerModel: "fake-model", weight: 100 },
      { name: "beta", baseUrl, providerModel: "fake-model", weight: 1 },
    ]);
    await configureModel(gateway, "flaky-model", [{ name: "broken", baseUrl, providerModel: "fake-model+status=500" }], { maxRetry: 0 });
    pages = startChatToolPages();

    firefox = await launchFirefox();
    expect(await firefox.installExtension(build.dir)).toBe(ADDON_ID);
    options = await openExtensionPage("options.html", OPTIONS_SIZE);
  }, 120_000);

  afterAll(async () => {
    await firefox?.close();
    build?.remove();
    pages?.stop();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the installed add-on is the MV2 build with its fixed gecko id and no data collection", async () => {
    const manifest = await Bun.file(join(build.dir, "manifest.json")).json();
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.browser_specific_settings.gecko).toEqual({ id: ADDON_ID, strict_min_version: "140.0", data_collection_permissions: { required: ["none"] } });
    expect(manifest.browser_action.default_popup).toBe("popup.html");
    // What Firefox made of it: the add-on runs under that id and version.
    expect(await options.evaluate(() => browser.runtime.id)).toBe(ADDON_ID);
    expect((await options.evaluate(() => browser.runtime.getManifest())).version).toBe(manifest.version);
    // Nothing configured yet: the default gateway (127.0.0.1:7070) is not there ("off"), or is
    // someone's own gateway that refuses the empty token ("key").
    const first = await waitForBadge((value) => value.text !== "");
    expect(["off", "key"]).toContain(first.text);
  }, 20_000);

  test("options: Test and Save the gateway URL and admin token; the values are in storage.local", async () => {
    await options.waitForSelector(byTestId("gateway-url"));
    await fill(options, byTestId("gateway-url"), gateway.url);
    await fill(options, byTestId("credential"), "wrong-token-123456");
    await options.click(byTestId("test"));
    await waitForText(options, byTestId("notice"), "refused this token");

    await fill(options, byTestId("credential"), TEST_TOKEN);
    await options.click(byTestId("test"));
    await waitForText(options, byTestId("notice"), "the admin token works");
    await options.click(byTestId("save"));
    await waitForText(options, byTestId("notice"), "Saved.");
    const stored = await getStorage();
    expect(stored.gatewayUrl).toBe(gateway.url);
    expect(stored.credential).toBe(TEST_TOKEN);
    expect(await options.evaluate(() => browser.storage.sync.get(null))).toEqual({});
    await options.$eval(byTestId("credential"), (element) => (element as HTMLInputElement).blur());
    await shot(options, "options");

    // The background script saw the change: the badge turns green.
    const after = await waitForBadge((value) => value.text === "ok");
    expect(after.color).toEqual(hex("#16a34a"));
    expect(after.title).toMatch(/^llmio \S+: \d+ req\/min/);
  }, 30_000);

  test("popup: live numbers after real calls, providers with their health, and the badge counting the failing one", async () => {
    for (let index = 0; index < 8; index++) expect((await chat("chat-model")).status).toBe(200);
    for (let index = 0; index < 3; index++) expect((await chat("flaky-model")).status).toBeGreaterThanOrEqual(500);

    const popup = await openExtensionPage("popup.html");
    await popup.waitForSelector(byTestId("version"));
    await waitForText(popup, byTestId("gateway-state"), "up");
    await popup.waitForFunction((selector: string) => Number(document.querySelector(selector)?.textContent) >= 11, { timeout: 10_000, polling: 100 }, byTestId("kpi-rpm"));
    const requests = Number(await textOf(popup, byTestId("kpi-rpm")));
    expect(Number((await textOf(popup, byTestId("kpi-tokens-today"))).replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await textOf(popup, byTestId("kpi-error-rate"))).toMatch(/%$/);
    const routes = await popup.$$eval('[data-testid="model"][data-model="chat-model"] [data-testid="route"]', (rows) =>
      rows.map((row) => row.getAttribute("data-provider")),
    );
    expect(routes).toEqual(["alpha", "beta"]);
    await waitForText(popup, '[data-testid="model"][data-model="flaky-model"] [data-testid="breaker"]', "breaker open");
    await waitForText(popup, '[data-testid="provider"][data-provider="broken"]', /failing · server error · until \d\d:\d\d:\d\d/);
    // One failing provider: the badge says 1, in amber.
    const amber = await waitForBadge((value) => value.text === "1");
    expect(amber.color).toEqual(hex("#d97706"));
    expect(amber.title).toContain("1 provider failing");
    await shot(popup, "popup");

    // Live: new traffic shows up without reopening the popup.
    for (let index = 0; index < 5; index++) await chat("chat-model");
    await popup.waitForFunction(
      (selector: string, expected: number) => Number(document.querySelector(selector)?.textContent) >= expected,
      { timeout: 10_000, polling: 100 },
      byTestId("kpi-rpm"),
      requests + 5,
    );
    await popup.close();
  }, 40_000);

  test("popup: pinning a provider sends the next requests there; unpinning restores the weights", async () => {
    const popup = await openExtensionPage("popup.html");
    const beta = '[data-testid="model"][data-model="chat-model"] [data-testid="route"][data-provider="beta"]';
    const pinnedTo = '[data-testid="model"][data-model="chat-model"] [data-testid="pinned-to"]';
    await popup.click(`${beta} ${byTestId("pin")}`);
    await waitForText(popup, pinnedTo, "beta");
    expect((await modelByName("chat-model")).pinnedProviderId).toBe(await providerId("beta"));
    // alpha has weight 100 against beta's 1: without the pin nearly everything goes to alpha.
    for (let index = 0; index < 3; index++) {
      const rows: { providerName: string; status: string }[] = await logsOf(gateway, (await chat("chat-model")).traceId);
      expect(rows.map((row) => `${row.providerName}:${row.status}`)).toEqual(["beta:success"]);
    }
    await shot(popup, "popup-pinned");

    await popup.click(`${beta} ${byTestId("pin")}`);
    await popup.waitForSelector(pinnedTo, { hidden: true });
    expect((await modelByName("chat-model")).pinnedProviderId).toBeNull();
    const served: string[] = [];
    for (let index = 0; index < 5; index++) served.push((await logsOf(gateway, (await chat("chat-model")).traceId))[0].providerName);
    expect(served).toContain("alpha");
    await popup.close();
  }, 30_000);

  test("NextChat: a host added in the options gets the prompt; one real click writes its stores and reloads it; the app then calls the gateway", async () => {
    const url = pages.pageUrl("nextchat");
    await fill(options, byTestId("host-url"), url);
    await options.select(byTestId("host-tool"), "auto");
    await options.click(byTestId("add-host"));
    await waitForText(options, byTestId("hosts-notice"), `Added ${url}`);
    await shot(options, "options-chat-tools");

    const page = watch(await openFirefoxPage(firefox, url, { width: 1000, height: 720 }));
    await page.waitForSelector("body[data-ready=true]");
    const use = `${byTestId("llmio-prompt")} >>> [data-action="use"]`;
    await page.waitForSelector(use, { visible: true });
    expect(await page.$eval(`${byTestId("llmio-prompt")} >>> .body`, (element) => element.textContent ?? "")).toContain(gateway.url);
    await shot(page, "prompt-nextchat");

    // A click dispatched by the page's own script is not the user's: nothing happens.
    await page.evaluate(() => (document.querySelector("llmio-prompt")!.shadowRoot!.querySelector('[data-action="use"]') as HTMLButtonElement).click());
    await Bun.sleep(500);
    expect(await textOf(page, "#state")).toContain('"useCustomConfig":false');

    const reloaded = page.waitForNavigation({ waitUntil: "load" });
    await page.click(use);
    await reloaded;
    await page.waitForSelector("body[data-ready=true]");
    // NextChat's own IndexedDB store (idb-keyval, a JSON string with state and version).
    const access = JSON.parse(
      await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const request = indexedDB.open("keyval-store");
          request.onsuccess = () => resolve(request.result);
        });
        return new Promise<string>((resolve) => {
          const request = db.transaction("keyval").objectStore("keyval").get("access-control");
          request.onsuccess = () => resolve(request.result);
        });
      }),
    );
    const toolKey = (await getStorage()).toolKey as string;
    expect(toolKey).toBeTruthy();
    expect(toolKey).not.toBe(TEST_TOKEN);
    expect(access.state).toMatchObject({ useCustomConfig: true, openaiUrl: gateway.url, openaiApiKey: toolKey });
    expect(decodeURIComponent(page.url())).not.toContain(toolKey);

    await page.click("#send");
    await waitForText(page, "#reply", "200 Echo: hi from NextChat");
    await Bun.sleep(500);
    expect(await page.$("llmio-prompt")).toBeNull();
    await shot(page, "nextchat-configured");
    await page.close();
  }, 40_000);

  test("no token or key in any console line of the add-on's pages or the chat page; no page errors", async () => {
    const secrets = [TEST_TOKEN, (await getStorage()).toolKey as string].filter(Boolean);
    for (const line of consoleLines) for (const secret of secrets) expect(line).not.toContain(secret);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!hasFirefox)("browser extension in Firefox ESR, MV3 build", () => {
  test("installs under the same gecko id; its options page and background script work", async () => {
    const mv3 = buildFirefoxExtension("firefox-mv3");
    const browserMv3 = await launchFirefox();
    try {
      expect(await browserMv3.installExtension(mv3.dir)).toBe(ADDON_ID);
      const page = await openFirefoxPage(browserMv3, extensionPageUrl("options.html"), OPTIONS_SIZE);
      const manifest = await Bun.file(join(mv3.dir, "manifest.json")).json();
      expect(manifest.manifest_version).toBe(3);
      expect(manifest.browser_specific_settings.gecko.id).toBe(ADDON_ID);
      expect(await page.evaluate(() => browser.runtime.getManifest().manifest_version)).toBe(3);
      await page.waitForSelector(byTestId("gateway-url"));
      // The background script paints the badge through `action` (MV3).
      const deadline = Date.now() + 10_000;
      let text = "";
      while (text === "" && Date.now() < deadline) {
        text = await page.evaluate(() => browser.action.getBadgeText({}));
        if (text === "") await Bun.sleep(150);
      }
      expect(["off", "key"]).toContain(text);
      await shot(page, "options-mv3");
    } finally {
      await browserMv3.close();
      mv3.remove();
    }
  }, 90_000);
});
