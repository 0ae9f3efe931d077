/**
 * The browser extension end to end, in real Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) with the unpacked MV3 build loaded, against a real gateway and the fake
 * upstream: configure it through the options page, watch the popup's live numbers, pin a model
 * to a provider from the popup and see the next request's log row go there, switch routes and
 * providers, survive a gateway that is down, slow or refuses the token, and set up local pages
 * that mimic NextChat, LobeChat, Open WebUI and a generic settings form with one click each.
 * Screenshots land in test-results/extension/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page, type Worker } from "playwright-core";
import { CHROMIUM, loadExtensionFlags, QUIET_CHROMIUM_FLAGS } from "./chromium.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { type ChatToolPageKind, type ChatToolPages, OPEN_WEBUI_TOKEN, OPEN_WEBUI_USER_TOKEN, startChatToolPages } from "./extension-support/chat-tool-pages.ts";
import { copyExtensionBuild, EXTENSION_DIR, type ExtensionCopy } from "./extension-support/extension-build.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/** The extension APIs, as seen by code evaluated inside the extension's own pages. */
declare const chrome: any;

const ROOT = join(import.meta.dir, "../..");
const SHOTS = join(ROOT, "test-results/extension");
const POPUP_SIZE = { width: 400, height: 600 };
const TOOL_KEY_NAME = "llmio browser extension (chat tools)";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`extension.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let pages: ChatToolPages;
let hanging: ReturnType<typeof Bun.serve>;
let context: BrowserContext;
let userDataDir: string;
let build: ExtensionCopy;
let extensionId = "";
let options: Page;
const consoleLines: string[] = [];
const pageErrors: string[] = [];

async function shot(page: Page, name: string) {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function watch(page: Page) {
  page.on("console", (message) => consoleLines.push(message.text()));
  page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  return page;
}

async function openExtensionPage(path: string, viewport = POPUP_SIZE) {
  const page = watch(await context.newPage());
  page.setDefaultTimeout(10_000);
  await page.setViewportSize(viewport);
  await page.goto(`chrome-extension://${extensionId}/${path}`);
  return page;
}

/** Writes extension storage from a trusted extension page (what the options page does). */
async function setStorage(values: Record<string, unknown>) {
  await options.evaluate((items) => chrome.storage.local.set(items), values);
}

async function getStorage(): Promise<Record<string, unknown>> {
  return options.evaluate(() => chrome.storage.local.get(null));
}

async function badge() {
  return options.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    color: await chrome.action.getBadgeBackgroundColor({}),
  }));
}

/** Sends one chat request through the gateway; returns its trace id and answer. */
async function chat(model: string, key = TEST_TOKEN) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from the extension test" }] }),
  });
  const body = (await response.json()) as { choices?: { message: { content: string } }[] };
  return { status: response.status, traceId: response.headers.get("x-llmio-trace-id") ?? "", text: body.choices?.[0]?.message.content ?? "" };
}

async function providerId(name: string): Promise<number> {
  const providers: { id: number; name: string }[] = await gateway.admin("GET", "/api/providers");
  return providers.find((provider) => provider.name === name)!.id;
}

async function modelByName(name: string) {
  const models: { id: number; name: string; pinnedProviderId: number | null }[] = await gateway.admin("GET", "/api/models");
  return models.find((model) => model.name === name)!;
}

describe.skipIf(!hasChromium)("browser extension in Chromium", () => {
  beforeAll(async () => {
    // LLMIO_EXTENSION_REBUILD=1 rebuilds first (after editing the extension).
    build = copyExtensionBuild("chrome-mv3", { rebuild: process.env.LLMIO_EXTENSION_REBUILD === "1" });
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway({ breaker: { failureThreshold: 2, openMs: 120_000 } });
    const baseUrl = `${upstream.url}/v1`;
    await configureModel(gateway, "chat-model", [
      { name: "alpha", baseUrl, providerModel: "fake-model", weight: 100 },
      { name: "beta", baseUrl, providerModel: "fake-model", weight: 1 },
    ]);
    await configureModel(gateway, "slow-model", [{ name: "alpha-slow", baseUrl, providerModel: "fake-model+first-byte-delay=5000" }], { timeoutMs: 15_000 });
    await configureModel(gateway, "flaky-model", [{ name: "broken", baseUrl, providerModel: "fake-model+status=500" }], { maxRetry: 0 });
    pages = startChatToolPages();
    // Accepts connections and never answers: the "slow gateway".
    hanging = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Promise<Response>(() => {}) });

    userDataDir = mkdtempSync(join(tmpdir(), "llmio-extension-e2e-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      locale: "en-US",
      args: ["--headless=new", ...QUIET_CHROMIUM_FLAGS, ...loadExtensionFlags(build.dir)],
    });
    const worker: Worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
    worker.on("console", (message) => consoleLines.push(message.text()));
    extensionId = new URL(worker.url()).host;
    // The first install opens the options page by itself (first-install.ts); wait for that tab and
    // close it, or its navigation would interrupt ours.
    await waitUntil(async () => context.pages().some((page) => page.url().endsWith("/options.html")), 5000).catch(() => undefined);
    for (const page of context.pages()) if (page.url().endsWith("/options.html")) await page.close();
    options = await openExtensionPage("options.html", { width: 1000, height: 1100 });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    build?.remove();
    hanging?.stop(true);
    pages?.stop();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the manifest asks for little: loopback hosts, optional others, no tabs or <all_urls>", async () => {
    const manifest = await Bun.file(join(build.dir, "manifest.json")).json();
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.permissions.sort()).toEqual(["alarms", "contextMenus", "scripting", "storage"]);
    expect(manifest.host_permissions).toEqual(["http://127.0.0.1/*", "http://localhost/*"]);
    expect(manifest.optional_host_permissions).toEqual(["http://*/*", "https://*/*"]);
    expect(manifest.content_scripts[0].matches).toEqual(["https://app.nextchat.dev/*", "https://chat-preview.lobehub.com/*"]);
    expect(JSON.stringify(manifest)).not.toContain("<all_urls>");
    expect(manifest.commands["open-admin"].suggested_key.default).toBe("Alt+Shift+L");
  });

  test("options: test and save the gateway URL and admin token (stored in storage.local)", async () => {
    await options.getByTestId("gateway-url").fill(gateway.url);
    await options.getByTestId("credential").fill("wrong-token-123456");
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "refused this token" }).waitFor();

    const { key: clientKey } = await gateway.admin("POST", "/api/auth-keys", { name: "e2e client", allowedModels: ["chat-model"] });
    await options.getByTestId("credential").fill(clientKey);
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "client key: 1 models" }).waitFor();

    await options.getByTestId("credential").fill(TEST_TOKEN);
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "the admin token works" }).waitFor();
    await options.getByTestId("save").click();
    await options.getByTestId("notice").filter({ hasText: "Saved." }).waitFor();
    const stored = await getStorage();
    expect(stored.gatewayUrl).toBe(gateway.url);
    expect(stored.credential).toBe(TEST_TOKEN);
    expect(await options.evaluate(() => chrome.storage.sync.get(null))).toEqual({});
    await options.getByTestId("credential").blur();
    await shot(options, "options");
  }, 30_000);

  test("popup: live numbers, the models with their providers, and the toolbar badge", async () => {
    for (let index = 0; index < 8; index++) expect((await chat("chat-model")).status).toBe(200);
    for (let index = 0; index < 3; index++) expect((await chat("flaky-model")).status).toBeGreaterThanOrEqual(500);
    const slow = chat("slow-model");

    const popup = await openExtensionPage("popup.html");
    await popup.getByTestId("version").waitFor();
    expect(await popup.getByTestId("gateway-state").innerText()).toBe("up");
    // The slow request is still waiting for its first byte: one request in flight.
    await expectText(popup, "kpi-in-flight", (text) => text === "1");
    const requests = Number(await popup.getByTestId("kpi-rpm").innerText());
    expect(requests).toBeGreaterThanOrEqual(11);
    expect(Number((await popup.getByTestId("kpi-tokens-today").innerText()).replace(/,/g, ""))).toBeGreaterThan(0);
    expect(await popup.getByTestId("kpi-error-rate").innerText()).toMatch(/%$/);

    const model = popup.locator("[data-testid=model][data-model=chat-model]");
    await model.waitFor();
    expect(await model.locator("[data-testid=route]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-provider")))).toEqual(["alpha", "beta"]);
    expect(await model.locator("[data-testid=route][data-provider=alpha] [data-testid=weight]").inputValue()).toBe("100");
    // The broken provider's breaker opened after two failures.
    await popup.locator("[data-testid=model][data-model=flaky-model] [data-testid=breaker]").filter({ hasText: "breaker open" }).waitFor();
    // Named for what it is, and until when: not a count of unusable keys.
    await popup.locator("[data-testid=provider][data-provider=broken]").filter({ hasText: /failing · server error · until \d\d:\d\d:\d\d/ }).waitFor();
    await popup.locator("[data-testid=model][data-model=flaky-model] [data-testid=breaker-until]").filter({ hasText: /until \d\d:\d\d:\d\d/ }).waitFor();
    // The badge: one failing provider, amber.
    expect(await badge()).toEqual({ text: "1", color: [217, 119, 6, 255] });
    await shot(popup, "popup");
    await popup.getByTestId("providers").screenshot({ path: join(SHOTS, "popup-providers.png") });
    await popup.emulateMedia({ colorScheme: "dark" });
    await shot(popup, "popup-dark");
    await popup.emulateMedia({ colorScheme: "light" });

    // Live: new traffic shows up without reopening the popup.
    expect((await slow).status).toBe(200);
    await expectText(popup, "kpi-in-flight", (text) => text === "0");
    for (let index = 0; index < 5; index++) await chat("chat-model");
    await expectText(popup, "kpi-rpm", (text) => Number(text) >= requests + 5);
    await popup.close();
  }, 40_000);

  test("popup: pinning a provider changes where the next request goes; unpinning restores it", async () => {
    const popup = await openExtensionPage("popup.html");
    const beta = popup.locator("[data-testid=model][data-model=chat-model] [data-testid=route][data-provider=beta]");
    await beta.getByTestId("pin").click();
    await popup.locator("[data-testid=model][data-model=chat-model] [data-testid=pinned-to]").filter({ hasText: "beta" }).waitFor();
    expect((await modelByName("chat-model")).pinnedProviderId).toBe(await providerId("beta"));
    // alpha has weight 100 against beta's 1: without the pin nearly everything goes to alpha.
    for (let index = 0; index < 3; index++) {
      const answer = await chat("chat-model");
      const rows = await logsOf(gateway, answer.traceId);
      expect(rows.map((row: { providerName: string; status: string }) => `${row.providerName}:${row.status}`)).toEqual(["beta:success"]);
    }
    await shot(popup, "popup-pinned");

    await beta.getByTestId("pin").click();
    await popup.locator("[data-testid=model][data-model=chat-model] [data-testid=pinned-to]").waitFor({ state: "detached" });
    expect((await modelByName("chat-model")).pinnedProviderId).toBeNull();
    // Weighted 100:1 again, so beta still gets about 1 request in 101: of five, some go to alpha.
    const served: string[] = [];
    for (let index = 0; index < 5; index++) served.push((await logsOf(gateway, (await chat("chat-model")).traceId))[0].providerName);
    expect(served).toContain("alpha");
    await popup.close();
  }, 30_000);

  test("popup: route switch, weight and disabling a provider take effect on the gateway at once", async () => {
    const popup = await openExtensionPage("popup.html");
    const alpha = popup.locator("[data-testid=model][data-model=chat-model] [data-testid=route][data-provider=alpha]");
    const model = await modelByName("chat-model");
    const association = async (provider: string) => {
      const list: { providerName: string; enabled: boolean; weight: number }[] = await gateway.admin("GET", `/api/model-providers?modelId=${model.id}`);
      return list.find((entry) => entry.providerName === provider)!;
    };

    await alpha.getByTestId("route-enabled").click();
    await alpha.locator("[data-testid=route-enabled][aria-checked=false]").waitFor();
    expect((await association("alpha")).enabled).toBe(false);
    const answer = await chat("chat-model");
    expect((await logsOf(gateway, answer.traceId))[0].providerName).toBe("beta");
    await alpha.getByTestId("route-enabled").click();
    await alpha.locator("[data-testid=route-enabled][aria-checked=true]").waitFor();
    expect((await association("alpha")).enabled).toBe(true);

    await alpha.getByTestId("weight").fill("40");
    await alpha.getByTestId("weight").press("Enter");
    await waitUntil(async () => (await association("alpha")).weight === 40);

    const broken = popup.locator("[data-testid=provider][data-provider=broken]");
    await broken.getByTestId("provider-enabled").click();
    await broken.filter({ hasText: "disabled for every model" }).waitFor();
    const providers: { name: string; enabled: boolean }[] = await gateway.admin("GET", "/api/providers");
    expect(providers.find((provider) => provider.name === "broken")!.enabled).toBe(false);
    // A disabled provider is the user's choice, not a failure: the badge no longer counts it.
    await waitUntil(async () => (await badge()).text !== "1");
    await broken.getByTestId("provider-enabled").click();
    await broken.locator("[data-testid=provider-enabled][aria-checked=true]").waitFor();
    await waitUntil(async () => (await gateway.admin("GET", `/api/providers/${await providerId("broken")}`)).enabled === true);
    await popup.close();
  }, 30_000);

  test("popup: a client key gets the reduced view; a refused token, a dead and a silent gateway keep it usable", async () => {
    const { key: clientKey } = await gateway.admin("POST", "/api/auth-keys", { name: "popup client", allowedModels: ["chat-model", "slow-model"] });
    const scenarios: { name: string; storage: Record<string, string>; check: (popup: Page) => Promise<void> }[] = [
      {
        name: "popup-client-key",
        storage: { credential: clientKey },
        check: async (popup) => {
          await popup.getByTestId("client-models").filter({ hasText: "slow-model" }).waitFor();
          expect(await popup.getByTestId("banner").innerText()).toContain("Routing controls need the admin token");
          expect(await popup.getByTestId("models").count()).toBe(0);
        },
      },
      {
        name: "popup-unauthorized",
        storage: { credential: "not-the-token-42" },
        check: async (popup) => {
          await popup.getByTestId("banner").filter({ hasText: "refused the token" }).waitFor();
        },
      },
      {
        name: "popup-down",
        storage: { gatewayUrl: "http://127.0.0.1:9" },
        check: async (popup) => {
          await popup.getByTestId("banner").filter({ hasText: "Gateway down" }).waitFor();
          expect(await popup.getByTestId("gateway-state").innerText()).toBe("down");
        },
      },
      {
        name: "popup-slow",
        storage: { gatewayUrl: `http://127.0.0.1:${hanging.port}` },
        check: async (popup) => {
          await popup.getByTestId("banner").filter({ hasText: "not answering" }).waitFor({ timeout: 8000 });
          expect(await popup.getByTestId("gateway-state").innerText()).toBe("slow");
        },
      },
    ];
    for (const scenario of scenarios) {
      await setStorage({ gatewayUrl: gateway.url, credential: TEST_TOKEN, ...scenario.storage });
      const popup = await openExtensionPage("popup.html");
      await scenario.check(popup);
      // Still a working popup: the header and the copy-paste section are there.
      await popup.getByTestId("connect-tools").waitFor();
      await shot(popup, scenario.name);
      await popup.close();
    }
    // Back to the admin token: the popup recovers on its own while open, too.
    await setStorage({ gatewayUrl: `http://127.0.0.1:${hanging.port}`, credential: TEST_TOKEN });
    const popup = await openExtensionPage("popup.html");
    await popup.getByTestId("banner").filter({ hasText: "not answering" }).waitFor({ timeout: 8000 });
    await setStorage({ gatewayUrl: gateway.url, credential: TEST_TOKEN });
    await popup.reload();
    await popup.getByTestId("kpi-rpm").waitFor();
    await popup.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test("popup: the copy-paste URLs for Immersive Translate and desktop tools, with a client key (never the admin token)", async () => {
    const popup = await openExtensionPage("popup.html");
    await popup.getByTestId("kpi-rpm").waitFor();
    await popup.getByTestId("connect-tools").locator("summary").click();
    expect(await popup.getByTestId("paste-immersive").innerText()).toBe(`${gateway.url}/v1/chat/completions`);
    expect(await popup.getByTestId("paste-openai").innerText()).toBe(`${gateway.url}/v1`);
    expect(await popup.getByTestId("paste-anthropic").innerText()).toBe(gateway.url);
    await popup.getByTestId("create-key").click();
    const key = popup.getByTestId("paste-key");
    await key.waitFor();
    expect(await key.innerText()).toMatch(/^•+$/);
    const stored = (await getStorage()).toolKey as string;
    expect(stored).toBeTruthy();
    expect(stored).not.toBe(TEST_TOKEN);
    expect((await chat("chat-model", stored)).status).toBe(200);
    await shot(popup, "popup-connect-tools");
    await popup.close();
    // The chat tools below reuse this key rather than issuing another.
    const keys: { name: string }[] = await gateway.admin("GET", "/api/auth-keys");
    expect(keys.filter((entry) => entry.name === TOOL_KEY_NAME)).toHaveLength(1);
  }, 20_000);

  describe("web chat tools", () => {
    test("hosts added in the options page get the prompt; other pages do not", async () => {
      const hosts: [string, string][] = [
        [`${pages.url}/nextchat/`, "auto"],
        [`${pages.url}/lobechat/`, "lobechat"],
        [`${pages.url}/open-webui/`, "open-webui"],
        [`${pages.url}/settings-form/`, "form"],
      ];
      for (const [url, tool] of hosts) {
        await options.getByTestId("host-url").fill(url);
        await options.getByTestId("host-tool").selectOption(tool);
        await options.getByTestId("add-host").click();
        await options.getByTestId("hosts-notice").filter({ hasText: `Added ${url}` }).waitFor();
      }
      expect(await options.getByTestId("user-host").count()).toBe(4);
      await shot(options, "options-chat-tools");

      // Same title as NextChat, but not in the list: no prompt.
      const plain = watch(await context.newPage());
      await plain.goto(`${pages.url}/plain/`);
      await plain.waitForTimeout(1500);
      expect(await plain.locator("llmio-prompt").count()).toBe(0);
      await plain.close();
    }, 30_000);

    /** The models the tool key may use, in the gateway's order: what the tools should now offer. */
    async function toolKeyModels(): Promise<string[]> {
      const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${(await getStorage()).toolKey}` } });
      return ((await response.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    }

    /** A tab that first shows another page, so Back has somewhere to go. */
    async function openToolTab(kind: ChatToolPageKind) {
      const page = watch(await context.newPage());
      await page.setViewportSize({ width: 1000, height: 720 });
      await page.goto(pages.pageUrl("plain"));
      await page.goto(pages.pageUrl(kind));
      await page.locator("body[data-ready=true]").waitFor();
      return page;
    }

    /** Clicks "Use llmio here" and waits for the reload that follows (a reload adds no history entry). */
    async function useLlmioAndReload(page: Page) {
      const reloaded = page.waitForEvent("load");
      await page.getByTestId("llmio-prompt").getByRole("button", { name: "Use llmio here" }).click();
      await reloaded;
      await page.locator("body[data-ready=true]").waitFor();
    }

    /** No key in the page's URL or any history entry the tab can reach; the entries are the two pages opened, nothing more. */
    async function expectCleanHistory(page: Page, kind: ChatToolPageKind) {
      const key = (await getStorage()).toolKey as string;
      expect(await page.evaluate(() => history.length)).toBe(3); // about:blank, plain, the tool
      expect(page.url()).toBe(pages.pageUrl(kind));
      await page.goBack();
      expect(page.url()).toBe(pages.pageUrl("plain"));
      await page.goBack();
      expect(page.url()).toBe("about:blank");
      await page.goForward();
      await page.goForward();
      expect(page.url()).toBe(pages.pageUrl(kind));
      await page.locator("body[data-ready=true]").waitFor();
      for (const url of [page.url(), await page.evaluate(() => location.href)]) expect(decodeURIComponent(url)).not.toContain(key);
      // Nothing on screen shows the key either (NextChat's own fast-link dialog would).
      expect(await page.locator("body").innerText()).not.toContain(key);
    }

    /** A later visit in a new tab: the tool already uses this gateway, so no prompt. */
    async function expectNoPromptOnNextVisit(kind: ChatToolPageKind) {
      const page = watch(await context.newPage());
      await page.goto(pages.pageUrl(kind));
      await page.locator("body[data-ready=true]").waitFor();
      await page.waitForTimeout(1500);
      expect(await page.locator("llmio-prompt").count()).toBe(0);
      await page.close();
    }

    test("NextChat: one click writes its IndexedDB stores (gateway, key, the gateway's models and default) and reloads; the app sends a gateway model; no key in any URL or history entry", async () => {
      const page = await openToolTab("nextchat");
      expect(await page.locator("#model").innerText()).toBe("gpt-4o-mini");
      const prompt = page.getByTestId("llmio-prompt");
      await prompt.getByText("Use llmio here?").waitFor();
      expect(await prompt.locator(".body").innerText()).toContain(gateway.url);
      await shot(page, "prompt-nextchat");

      // A click dispatched by the page's own script is not the user's: nothing happens.
      await page.evaluate(() => (document.querySelector("llmio-prompt")!.shadowRoot!.querySelector("[data-action=use]") as HTMLButtonElement).click());
      await page.waitForTimeout(500);
      expect(await page.locator("#state").innerText()).toContain('"useCustomConfig":false');

      await useLlmioAndReload(page);
      const models = await toolKeyModels();
      expect(models).toContain("chat-model");
      // What NextChat now offers and sends: only the gateway's models, the first one for new chats.
      expect((await page.locator("#models").innerText()).split("\n")).toEqual(models.map((id) => `${id}@OpenAI`));
      expect(await page.locator("#model").innerText()).toBe(models[0]!);
      const stored = await page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve) => {
          const request = indexedDB.open("keyval-store");
          request.onsuccess = () => resolve(request.result);
        });
        const read = (name: string) =>
          new Promise<string>((resolve) => {
            const request = db.transaction("keyval").objectStore("keyval").get(name);
            request.onsuccess = () => resolve(request.result);
          });
        return { access: await read("access-control"), config: await read("app-config") };
      });
      // Stored as the app stores them: JSON strings with state and version.
      const access = JSON.parse(stored.access);
      const config = JSON.parse(stored.config);
      expect(access.version).toBe(2);
      expect(access.state).toMatchObject({ useCustomConfig: true, openaiUrl: gateway.url, openaiApiKey: (await getStorage()).toolKey, provider: "OpenAI", _hasHydrated: true });
      expect(config.version).toBe(4.1);
      expect(config.state.customModels).toBe(["-all", ...models.map((id) => `+${id}@OpenAI`)].join(","));
      expect(config.state.modelConfig).toMatchObject({ model: models[0], providerName: "OpenAI", temperature: 0.5 });

      await page.locator("#send").click();
      await page.locator("#reply").filter({ hasText: "200 Echo: hi from NextChat" }).waitFor();
      await page.waitForTimeout(500);
      expect(await prompt.count()).toBe(0);
      await shot(page, "nextchat-configured");
      await expectCleanHistory(page, "nextchat");
      await page.close();
      await expectNoPromptOnNextVisit("nextchat");
    }, 40_000);

    test("NextChat double is faithful: its own fast link shows the key in the confirm and leaves it in history (why the extension writes the stores instead)", async () => {
      const page = watch(await context.newPage());
      await page.setViewportSize({ width: 1000, height: 720 });
      const demoKey = "sk-demo-not-a-real-key";
      const link = `${pages.pageUrl("nextchat")}#/?settings=${encodeURIComponent(JSON.stringify({ key: demoKey, url: "http://demo.invalid" }))}`;
      await page.goto(link);
      await page.locator("#dialog:not([hidden])").waitFor();
      expect(await page.locator("#dialog-text").innerText()).toContain(demoKey);
      // Removed by a push: the entry with the key is still one Back away, and re-prompts.
      expect(page.url()).toBe(`${pages.pageUrl("nextchat")}#/`);
      await page.locator("#cancel").click();
      await page.goBack();
      expect(decodeURIComponent(page.url())).toContain(demoKey);
      await page.locator("#dialog:not([hidden])").waitFor();
      await page.locator("#cancel").click();
      // The gateway settings written by the extension are untouched.
      expect(await page.locator("#state").innerText()).toContain(`"openaiUrl":"${gateway.url}"`);
      await page.close();
    }, 20_000);

    test("LobeHub: signed out, the click changes nothing and says to sign in", async () => {
      pages.lobeHub.signedIn = false;
      try {
        const page = watch(await context.newPage());
        await page.goto(pages.pageUrl("lobechat"));
        await page.locator("#state").filter({ hasText: "signed out" }).waitFor();
        const prompt = page.getByTestId("llmio-prompt");
        await prompt.getByRole("button", { name: "Use llmio here" }).click();
        await prompt.getByText("Sign in to LobeHub first").waitFor();
        expect(pages.lobeHub.providers.openai!.enabled).toBe(false);
        await page.close();
      } finally {
        pages.lobeHub.signedIn = true;
      }
    }, 20_000);

    test("LobeHub: one click sets the OpenAI provider (client mode, /v1), the gateway's models and the default agent's model through its tRPC API; the app sends a gateway model", async () => {
      const page = await openToolTab("lobechat");
      expect(await page.locator("#model").innerText()).toBe("openai/gpt-4o-mini");
      await useLlmioAndReload(page);
      const models = await toolKeyModels();
      const provider = pages.lobeHub.providers.openai!;
      expect(provider).toEqual({ id: "openai", enabled: true, fetchOnClient: true, keyVaults: { apiKey: (await getStorage()).toolKey as string, baseURL: `${gateway.url}/v1` } });
      expect((await page.locator("#models").innerText()).split("\n")).toEqual(models);
      expect(await page.locator("#model").innerText()).toBe(`openai/${models[0]}`);
      // Not the legacy user-settings keyVaults: chat does not read them any more.
      expect(pages.lobeHub.settings.keyVaults).toBeUndefined();
      await page.locator("#send").click();
      await page.locator("#reply").filter({ hasText: "200 Echo: hi from LobeHub" }).waitFor();
      await shot(page, "lobechat-configured");
      await expectCleanHistory(page, "lobechat");
      await page.close();
      await expectNoPromptOnNextVisit("lobechat");
    }, 40_000);

    test("Open WebUI: a non-admin is told only an admin can add connections; nothing is sent", async () => {
      const page = watch(await context.newPage());
      await page.goto(pages.pageUrl("open-webui"));
      await page.evaluate((token) => localStorage.setItem("token", token), OPEN_WEBUI_USER_TOKEN);
      await page.reload();
      await page.locator("body[data-ready=true]").waitFor();
      expect(await page.locator("#state").innerText()).toContain("admin only (401)");
      const prompt = page.getByTestId("llmio-prompt");
      await prompt.getByRole("button", { name: "Use llmio here" }).click();
      await prompt.getByText("Only an Open WebUI admin can add connections.").waitFor();
      expect(pages.openWebUi.updates).toBe(0);
      await page.evaluate((token) => localStorage.setItem("token", token), OPEN_WEBUI_TOKEN);
      await page.close();
    }, 20_000);

    test("Open WebUI: one click adds the gateway connection (the whole config sent back, the other connection kept) and the user's default model; its backend lists and calls the gateway's models", async () => {
      const page = await openToolTab("open-webui");
      await useLlmioAndReload(page);
      const models = await toolKeyModels();
      const config = pages.openWebUi.config;
      expect(pages.openWebUi.updates).toBe(1);
      expect(config.ENABLE_OPENAI_API).toBe(true);
      expect(config.ENABLE_API_DEBUG_LOGGING).toBe(false);
      expect(config.OPENAI_API_BASE_URLS).toEqual(["https://api.openai.com/v1", `${gateway.url}/v1`]);
      expect(config.OPENAI_API_KEYS).toEqual(["sk-existing-connection", (await getStorage()).toolKey as string]);
      expect(config.OPENAI_API_CONFIGS["1"]).toEqual({ enable: true, connection_type: "external", model_ids: [] });
      expect(pages.openWebUi.userSettings[OPEN_WEBUI_TOKEN]).toEqual({ ui: { theme: "system", models: [models[0]] } });
      expect((await page.locator("#models").innerText()).split("\n")).toEqual(models);
      expect(await page.locator("#model").innerText()).toBe(models[0]!);
      await page.locator("#send").click();
      await page.locator("#reply").filter({ hasText: "200 Echo: hi from Open WebUI" }).waitFor();
      await shot(page, "open-webui-configured");
      await expectCleanHistory(page, "open-webui");
      await page.close();
      await expectNoPromptOnNextVisit("open-webui");
    }, 40_000);

    test("popup: the three tools are listed as connected to this gateway, with the model new chats use", async () => {
      const popup = await openExtensionPage("popup.html");
      const list = popup.getByTestId("chat-tools-connected");
      await list.waitFor();
      const models = await toolKeyModels();
      for (const [tool, path] of [["nextchat", "nextchat"], ["lobechat", "lobechat"], ["open-webui", "open-webui"]] as const) {
        const row = list.locator(`[data-testid=chat-tool-status][data-tool=${tool}]`);
        expect(await row.getAttribute("data-app")).toBe(pages.pageUrl(path));
        expect(await row.getByTestId("chat-tool-state").innerText()).toBe("connected");
      }
      expect(await list.locator("[data-tool=nextchat] [data-testid=chat-tool-model]").innerText()).toBe(`new chats: ${models[0]}`);
      await list.scrollIntoViewIfNeeded();
      await shot(popup, "popup-chat-tools-connected");
      await popup.close();
    }, 20_000);

    test("any other app: the click fills its settings form with real input events; the app's own save keeps them", async () => {
      const page = watch(await context.newPage());
      await page.setViewportSize({ width: 1000, height: 640 });
      await page.goto(`${pages.url}/settings-form/`);
      const prompt = page.getByTestId("llmio-prompt");
      await prompt.getByRole("button", { name: "Use llmio here" }).click();
      await prompt.getByText("Filled the base URL and API key").waitFor();
      expect(await page.locator("#base").inputValue()).toBe(`${gateway.url}/v1`);
      await shot(page, "prompt-settings-form-done");
      await page.locator("#save").click();
      await page.locator("#state").filter({ hasText: `"baseUrl":"${gateway.url}/v1"` }).waitFor();
      await page.locator("#reply").filter({ hasText: "200 Echo: hi from My Chat App" }).waitFor();
      await page.close();
    }, 30_000);
  });

  test("open admin: the popup's button opens the gateway's UI in a tab", async () => {
    await setStorage({ gatewayUrl: gateway.url, credential: TEST_TOKEN });
    const popup = await openExtensionPage("popup.html");
    const opened = context.waitForEvent("page");
    await popup.getByRole("button", { name: "Open llmio admin" }).click();
    const admin = await opened;
    await admin.waitForURL(`${gateway.url}/`);
    expect(await admin.title()).toContain("llmio");
    await admin.close();
  }, 20_000);

  test("no token or key in any console line of the extension or the pages", async () => {
    const keys: string[] = [TEST_TOKEN, (await getStorage()).toolKey as string];
    for (const line of consoleLines) for (const secret of keys) expect(line).not.toContain(secret);
    expect(pageErrors).toEqual([]);
  });
});

async function expectText(page: Page, testId: string, accept: (text: string) => boolean, timeoutMs = 8000) {
  const locator = page.getByTestId(testId);
  await waitUntil(async () => accept(await locator.innerText()), timeoutMs, () => locator.innerText());
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 8000, describe?: () => Promise<string>) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await Bun.sleep(100);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${describe ? `: last value ${await describe()}` : ""}`);
}

describe("browser extension builds", () => {
  test("Firefox (MV2): wxt zip builds it and writes the store zip and the sources zip", () => {
    // Under the build lock: other suites build into the same .output folder.
    const zip = Bun.spawnSync(["flock", "/tmp/ext-build.lock", process.execPath, "run", "--cwd", EXTENSION_DIR, "zip:firefox"], { stdout: "pipe", stderr: "pipe" });
    expect(zip.exitCode).toBe(0);
    const output = join(EXTENSION_DIR, ".output");
    const manifest = JSON.parse(readFileSync(join(output, "firefox-mv2/manifest.json"), "utf8"));
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.permissions).toEqual(["storage", "alarms", "contextMenus", "scripting", "http://127.0.0.1/*", "http://localhost/*"]);
    expect(manifest.optional_permissions).toEqual(["http://*/*", "https://*/*"]);
    expect(manifest.browser_action.default_popup).toBe("popup.html");
    const version = JSON.parse(readFileSync(join(EXTENSION_DIR, "package.json"), "utf8")).version;
    for (const file of [`llmio-${version}-firefox.zip`, `llmio-${version}-sources.zip`]) expect(existsSync(join(output, file))).toBe(true);
  }, 120_000);
});
