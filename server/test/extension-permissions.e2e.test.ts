/**
 * The extension's optional host permission, end to end, for a chat tool and a gateway that are
 * not on loopback: `chat.llmio.test` and `gateway.llmio.test`, mapped to 127.0.0.1 by the
 * browser's own resolver (Chromium's --host-resolver-rules, Firefox's network.dns.localDomains).
 *
 * Chromium runs headful on a virtual display (Xvfb), because headless it never answers the
 * "Add permissions?" dialog: xdotool presses Tab, Return (Allow) or a bare Return (Deny, the
 * default button), as a user would. Firefox grants on the click itself with
 * extensions.webextOptionalPermissionPrompts=false (its prompt cannot be reached over BiDi).
 * Screenshots, the real dialog included, land in test-results/extension-permissions/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page, type Worker } from "playwright-core";
import { CHROMIUM, loadExtensionFlags, QUIET_CHROMIUM_FLAGS } from "./chromium.ts";
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from "puppeteer-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { type ChatToolPages, startChatToolPages } from "./extension-support/chat-tool-pages.ts";
import { buildFirefoxExtension, extensionPageUrl, FIREFOX, hasFirefox, launchFirefox, navigate, openFirefoxPage } from "./extension-support/firefox.ts";
import { startVirtualDisplay, type VirtualDisplay, virtualDisplayMissing } from "./extension-support/virtual-display.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

/** The extension APIs, as seen by code evaluated inside the extension's own pages. */
declare const chrome: any;
declare const browser: any;

const ROOT = join(import.meta.dir, "../..");
const EXTENSION_DIR = join(ROOT, "extension");
const SHOTS = join(ROOT, "test-results/extension-permissions");
const CHAT_HOST = "chat.llmio.test";
const GATEWAY_HOST = "gateway.llmio.test";
/** How long Chromium may take to show its permission dialog after the click. */
const DIALOG_TIMEOUT_MS = 10_000;
/** From the dialog's first pixels until it has the keyboard focus (keys sent earlier go to the page). */
const DIALOG_SETTLE_MS = 700;

function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? virtualDisplayMissing() : `${CHROMIUM} missing (apt-get install -y chromium)`;
}

const chromiumSkip = chromiumMissing();
if (chromiumSkip) console.warn(`extension-permissions.e2e (Chromium): skipped — ${chromiumSkip}`);
if (!hasFirefox) console.warn(`extension-permissions.e2e (Firefox): skipped — ${FIREFOX} missing (apt-get install -y firefox-esr)`);

/**
 * A private copy of the Chrome build (built if missing): the shared .output folder may be rebuilt
 * by another run while this one has it loaded. Built and copied under the lock every builder takes.
 */
function copyChromeBuild(): string {
  const copy = mkdtempSync(join(tmpdir(), "llmio-permissions-chrome-mv3-"));
  const shell = `test -f .output/chrome-mv3/manifest.json || "${process.execPath}" run build:chrome >&2; cp -r .output/chrome-mv3 "${copy}/"`;
  const run = Bun.spawnSync(["flock", "/tmp/ext-build.lock", "sh", "-c", shell], { cwd: EXTENSION_DIR, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`extension build/copy failed:\n${run.stderr.toString()}`);
  return join(copy, "chrome-mv3");
}

/** The same page URL on another host name (the page servers listen on 127.0.0.1 only). */
function onHost(url: string, host: string): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  return parsed.href;
}

describe.skipIf(chromiumSkip !== undefined)("optional host permissions in Chromium (real prompt under Xvfb)", () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let pages: ChatToolPages;
  let screen: VirtualDisplay;
  let context: BrowserContext;
  let buildCopy: string;
  let userDataDir: string;
  let options: Page;
  let gatewayUrl: string;
  let toolUrl: string;
  const pageErrors: string[] = [];

  const shot = async (page: Page, name: string) => {
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, `chromium-${name}.png`) });
  };

  const granted = (origin: string): Promise<boolean> => options.evaluate((pattern) => chrome.permissions.contains({ origins: [pattern] }), `${origin}/*`);
  const registeredMatches = (): Promise<string[]> => options.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).flatMap((script: { matches?: string[] }) => script.matches ?? []));

  /**
   * Clicks a button that asks for a permission, waits until Chromium has drawn its dialog (it is
   * part of the browser window, not an X window of its own: only the screen's pixels show it),
   * then presses the keys. Nothing else may change the screen meanwhile: no blinking caret (the
   * field is left), and the pointer rests on the button before (its hover colour is drawn).
   */
  const answerPrompt = async (button: Locator, keys: string[], name: string) => {
    // The dialog belongs to the active tab: after another tab was open, the options tab must be it again.
    await options.bringToFront();
    await options.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await button.hover();
    await Bun.sleep(300);
    const before = screen.fingerprint();
    await button.click();
    await screen.waitForChange(before, DIALOG_TIMEOUT_MS);
    await Bun.sleep(DIALOG_SETTLE_MS);
    screen.screenshot(join(SHOTS, `chromium-${name}-dialog.png`));
    for (const key of keys) {
      await screen.key(key);
      await Bun.sleep(150);
    }
  };

  /** Opens a tab on a chat-tool page and says whether the extension's prompt showed up in time. */
  const promptShown = async (url: string, waitMs: number) => {
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    await page.setViewportSize({ width: 1000, height: 640 });
    await page.goto(url);
    const shown = await page
      .getByTestId("llmio-prompt")
      .getByText("Use llmio here?")
      .waitFor({ timeout: waitMs })
      .then(() => true, () => false);
    return { page, shown };
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildCopy = copyChromeBuild();
    upstream = startFakeUpstream({ port: 0 });
    // A gateway served under a name must list it (its DNS-rebinding guard refuses other Host headers).
    gateway = startTestGateway({ http: { hosts: { boundHost: "127.0.0.1", allowedHosts: [GATEWAY_HOST] } } });
    await configureModel(gateway, "chat-model", [{ name: "alpha", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    pages = startChatToolPages();
    gatewayUrl = onHost(gateway.url, GATEWAY_HOST).replace(/\/$/, "");
    toolUrl = onHost(pages.pageUrl("settings-form"), CHAT_HOST);
    screen = await startVirtualDisplay();
    userDataDir = mkdtempSync(join(tmpdir(), "llmio-permissions-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: false,
      env: { ...process.env, DISPLAY: screen.display },
      locale: "en-US",
      viewport: null,
      args: [
        `--host-resolver-rules=MAP ${CHAT_HOST} 127.0.0.1, MAP ${GATEWAY_HOST} 127.0.0.1`,
        `--window-size=${screen.width},${screen.height}`,
        "--window-position=0,0",
        "--no-default-browser-check",
        ...QUIET_CHROMIUM_FLAGS,
        ...loadExtensionFlags(buildCopy),
      ],
    });
    const worker: Worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
    const extensionId = new URL(worker.url()).host;
    options = context.pages()[0] ?? (await context.newPage());
    options.setDefaultTimeout(10_000);
    options.on("pageerror", (error) => pageErrors.push(`options: ${error.message}`));
    await options.goto(`chrome-extension://${extensionId}/options.html`);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await screen?.stop();
    for (const dir of [userDataDir, buildCopy && join(buildCopy, "..")]) if (dir) rmSync(dir, { recursive: true, force: true });
    pages?.stop();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("a gateway on another host, denied: Save keeps nothing and says the permission was not granted", async () => {
    await options.getByTestId("gateway-url").fill(gatewayUrl);
    await options.getByTestId("credential").fill(TEST_TOKEN);
    await answerPrompt(options.getByTestId("save"), ["Return"], "gateway-deny");
    await options.getByTestId("notice").filter({ hasText: `Access to ${gatewayUrl} was not granted.` }).waitFor();
    expect(await granted(gatewayUrl)).toBe(false);
    const stored = await options.evaluate(() => chrome.storage.local.get(["gatewayUrl", "credential"]));
    expect(stored.gatewayUrl).not.toBe(gatewayUrl);
    expect(stored.credential).toBeUndefined();
    await options.getByTestId("gateway-card").screenshot({ path: join(SHOTS, "chromium-options-gateway-denied.png") });
  }, 30_000);

  test("a gateway on another host: Save asks for its origin, Tab Return allows it, and the options page reaches it", async () => {

    await answerPrompt(options.getByTestId("save"), ["Tab", "Return"], "gateway-allow");
    await options.getByTestId("notice").filter({ hasText: "Saved." }).waitFor();
    expect(await granted(gatewayUrl)).toBe(true);
    expect((await options.evaluate(() => chrome.storage.local.get("gatewayUrl"))).gatewayUrl).toBe(gatewayUrl);
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "the admin token works" }).waitFor();
    await options.getByTestId("gateway-card").screenshot({ path: join(SHOTS, "chromium-options-gateway-granted.png") });
  }, 30_000);

  test("deny: a bare Return (Deny is the default button) stores nothing, registers nothing, and the page gets no prompt", async () => {
    await options.getByTestId("host-url").fill(toolUrl);
    await options.getByTestId("host-tool").selectOption("form");
    await answerPrompt(options.getByTestId("add-host"), ["Return"], "tool-deny");
    await options.getByTestId("hosts-notice").filter({ hasText: `Access to ${new URL(toolUrl).origin} was not granted.` }).waitFor();
    expect(await options.getByTestId("user-host").count()).toBe(0);
    expect(await granted(new URL(toolUrl).origin)).toBe(false);
    expect(await registeredMatches()).toEqual([]);
    await options.getByTestId("chat-tools-card").screenshot({ path: join(SHOTS, "chromium-options-tool-denied.png") });

    const { page, shown } = await promptShown(toolUrl, 3000);
    expect(shown).toBe(false);
    await page.close();
  }, 30_000);

  test("allow: Tab Return grants the origin, the content script is registered for it, and one-click setup works there", async () => {
    const origin = new URL(toolUrl).origin;
    await options.getByTestId("host-url").fill(toolUrl);
    await options.getByTestId("host-tool").selectOption("form");
    await answerPrompt(options.getByTestId("add-host"), ["Tab", "Return"], "tool-allow");
    await options.getByTestId("hosts-notice").filter({ hasText: `Added ${toolUrl}` }).waitFor();
    expect(await granted(origin)).toBe(true);
    await waitFor(registeredMatches, (matches) => matches.length === 1 && matches[0] === `${toolUrl}*`);
    await options.getByTestId("chat-tools-card").screenshot({ path: join(SHOTS, "chromium-options-tool-granted.png") });

    const { page, shown } = await promptShown(toolUrl, 8000);
    expect(shown).toBe(true);
    const prompt = page.getByTestId("llmio-prompt");
    expect(await prompt.locator(".body").innerText()).toContain(gatewayUrl);
    await shot(page, "prompt-on-remote-host");
    await prompt.getByRole("button", { name: "Use llmio here" }).click();
    await prompt.getByText("Filled the base URL and API key").waitFor();
    expect(await page.locator("#base").inputValue()).toBe(`${gatewayUrl}/v1`);
    await page.locator("#save").click();
    // The app's own request, from chat.llmio.test to gateway.llmio.test, with the key it was given.
    await page.locator("#reply").filter({ hasText: "200 Echo: hi from My Chat App" }).waitFor();
    await shot(page, "settings-form-configured");
    await page.close();
  }, 40_000);

  test("access given back by the extension: the script stops, the options page offers Grant access, which restores it", async () => {
    const origin = new URL(toolUrl).origin;
    // The permission goes (as when another options tab removed the host); every extension page is told.
    await options.evaluate((pattern) => chrome.permissions.remove({ origins: [pattern] }), `${origin}/*`);
    await waitFor(registeredMatches, (matches) => matches.length === 0);
    const grant = options.getByTestId("grant-access");
    await grant.waitFor();
    await options.getByTestId("chat-tools-card").screenshot({ path: join(SHOTS, "chromium-options-grant-access.png") });
    const { page, shown } = await promptShown(toolUrl, 3000);
    expect(shown).toBe(false);
    await page.close();

    // Chromium remembers that the user allowed this origin before: asked again, it grants without a dialog.
    await options.bringToFront();
    await grant.click();
    await grant.waitFor({ state: "detached" });
    screen.screenshot(join(SHOTS, "chromium-tool-regranted-no-dialog.png"));
    expect(await granted(origin)).toBe(true);
    await waitFor(registeredMatches, (matches) => matches.length === 1 && matches[0] === `${toolUrl}*`);
    const again = await promptShown(toolUrl, 8000);
    expect(again.shown).toBe(true);
    await again.page.close();
  }, 40_000);

  test("removing the host gives the permission back and the content script no longer runs there", async () => {
    const origin = new URL(toolUrl).origin;
    await options.getByRole("button", { name: `Remove ${toolUrl}` }).click();
    await options.getByTestId("hosts-notice").filter({ hasText: `Removed ${toolUrl}` }).waitFor();
    expect(await granted(origin)).toBe(false);
    await waitFor(registeredMatches, (matches) => matches.length === 0);
    await options.getByTestId("chat-tools-card").screenshot({ path: join(SHOTS, "chromium-options-tool-removed.png") });

    const { page, shown } = await promptShown(toolUrl, 3000);
    expect(shown).toBe(false);
    await page.close();
  }, 30_000);

  test("moving the gateway back to loopback gives the remote gateway's permission back", async () => {
    await options.getByTestId("gateway-url").fill(gateway.url);
    await options.getByTestId("save").click();
    await options.getByTestId("notice").filter({ hasText: "Saved." }).waitFor();
    await waitFor(() => granted(gatewayUrl), (yes) => !yes);
    expect(pageErrors).toEqual([]);
  }, 20_000);
});

describe.skipIf(!hasFirefox)("optional host permissions in Firefox ESR (granted on the click)", () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let pages: ChatToolPages;
  let firefox: PuppeteerBrowser;
  let build: { dir: string; remove(): void };
  let options: PuppeteerPage;
  let gatewayUrl: string;
  let toolUrl: string;
  const pageErrors: string[] = [];
  const byTestId = (id: string) => `[data-testid="${id}"]`;
  const prompt = `${byTestId("llmio-prompt")} >>> [data-action="use"]`;

  /** Firefox patterns cannot carry a port: a grant covers the host name on every port. */
  const granted = (url: string): Promise<boolean> =>
    options.evaluate((pattern: string) => browser.permissions.contains({ origins: [pattern] }), `http://${new URL(url).hostname}/*`);
  const registeredMatches = (): Promise<string[]> =>
    options.evaluate(async () => (await browser.scripting.getRegisteredContentScripts()).flatMap((script: { matches?: string[] }) => script.matches ?? []));
  const noticeSays = (testId: string, text: string) =>
    options.waitForFunction((selector: string, text: string) => document.querySelector(selector)?.textContent?.includes(text) ?? false, { timeout: 10_000, polling: 100 }, byTestId(testId), text);

  const promptShown = async (url: string, waitMs: number) => {
    const page = await firefox.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error instanceof Error ? error.message : String(error)}`));
    await page.setViewport({ width: 1000, height: 640 });
    await navigate(page, url);
    const shown = await page.waitForSelector(prompt, { timeout: waitMs }).then(() => true, () => false);
    return { page, shown };
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    build = buildFirefoxExtension("firefox-mv2");
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway({ http: { hosts: { boundHost: "127.0.0.1", allowedHosts: [GATEWAY_HOST] } } });
    await configureModel(gateway, "chat-model", [{ name: "alpha", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    pages = startChatToolPages();
    gatewayUrl = onHost(gateway.url, GATEWAY_HOST).replace(/\/$/, "");
    toolUrl = onHost(pages.pageUrl("settings-form"), CHAT_HOST);
    firefox = await launchFirefox({ "network.dns.localDomains": `${CHAT_HOST},${GATEWAY_HOST}` });
    await firefox.installExtension(build.dir);
    options = await openFirefoxPage(firefox, extensionPageUrl("options.html"), { width: 1000, height: 1100 });
    options.on("pageerror", (error) => pageErrors.push(`options: ${error instanceof Error ? error.message : String(error)}`));
  }, 180_000);

  afterAll(async () => {
    await firefox?.close();
    build?.remove();
    pages?.stop();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("a gateway on another host: the Save click grants its host name, and the options page reaches it", async () => {
    expect(await granted(gatewayUrl)).toBe(false);
    await options.locator(byTestId("gateway-url")).fill(gatewayUrl);
    await options.locator(byTestId("credential")).fill(TEST_TOKEN);
    await options.click(byTestId("save"));
    await noticeSays("notice", "Saved.");
    expect(await granted(gatewayUrl)).toBe(true);
    await options.click(byTestId("test"));
    await noticeSays("notice", "the admin token works");
    await (await options.$(byTestId("gateway-card")))!.screenshot({ path: join(SHOTS, "firefox-options-gateway-granted.png") as `${string}.png` });
  }, 30_000);

  test("a chat tool on another host: the Add click grants it, the script is registered, and one-click setup works there", async () => {
    await options.locator(byTestId("host-url")).fill(toolUrl);
    await options.select(byTestId("host-tool"), "form");
    await options.click(byTestId("add-host"));
    await noticeSays("hosts-notice", `Added ${toolUrl}`);
    expect(await granted(toolUrl)).toBe(true);
    await waitFor(registeredMatches, (matches) => matches.length === 1 && matches[0] === `http://${CHAT_HOST}${new URL(toolUrl).pathname}*`);
    await (await options.$(byTestId("chat-tools-card")))!.screenshot({ path: join(SHOTS, "firefox-options-tool-granted.png") as `${string}.png` });

    const { page, shown } = await promptShown(toolUrl, 8000);
    expect(shown).toBe(true);
    expect(await page.$eval(`${byTestId("llmio-prompt")} >>> .body`, (element) => element.textContent ?? "")).toContain(gatewayUrl);
    await page.screenshot({ path: join(SHOTS, "firefox-prompt-on-remote-host.png") as `${string}.png` });
    await page.click(prompt);
    await page.waitForFunction(() => (document.querySelector("#base") as HTMLInputElement | null)?.value !== "", { timeout: 10_000, polling: 100 });
    expect(await page.$eval("#base", (input) => (input as HTMLInputElement).value)).toBe(`${gatewayUrl}/v1`);
    await page.click("#save");
    await page.waitForFunction(() => document.querySelector("#reply")?.textContent?.includes("200 Echo: hi from My Chat App") ?? false, { timeout: 10_000, polling: 100 });
    await page.screenshot({ path: join(SHOTS, "firefox-settings-form-configured.png") as `${string}.png` });
    await page.close();
  }, 40_000);

  test("removing the host gives the permission back and the content script no longer runs there", async () => {
    await options.click(`[aria-label="Remove ${toolUrl}"]`);
    await noticeSays("hosts-notice", `Removed ${toolUrl}`);
    expect(await granted(toolUrl)).toBe(false);
    await waitFor(registeredMatches, (matches) => matches.length === 0);
    const { page, shown } = await promptShown(toolUrl, 3000);
    expect(shown).toBe(false);
    await page.close();
    expect(pageErrors).toEqual([]);
  }, 30_000);
});

/** Polls a value until it passes the check (bun:test has no expect.poll); fails with the last value seen. */
async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await Bun.sleep(100);
    value = await read();
  }
  return value;
}
