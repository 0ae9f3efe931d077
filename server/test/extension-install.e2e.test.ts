/**
 * The extension's first install, in real Chromium (playwright-core, Debian's /usr/bin/chromium) with
 * the unpacked MV3 build in a fresh profile each time: with a real `llmio serve` on the default
 * address (127.0.0.1:7070) the install opens the options tab with the gateway URL filled in and
 * says it found llmio; with nothing there, or another server answering /health, the tab opens with
 * the field empty (the default as placeholder) and a hint how to start llmio. The same two cases in
 * Firefox ESR (puppeteer-core over WebDriver BiDi, the MV2 build as a temporary add-on).
 * Needs 127.0.0.1:7070 free and says so when it is not. Screenshots: test-results/extension-install/.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM, loadExtensionFlags, QUIET_CHROMIUM_FLAGS } from "./chromium.ts";
import puppeteer, { type Browser as FirefoxBrowser, type Page as FirefoxPage } from "puppeteer-core";

/** The extension APIs, as seen by code evaluated inside the extension's own pages. */
declare const chrome: any;

const ROOT = join(import.meta.dir, "../..");
const EXTENSION_DIR = join(ROOT, "extension");
const BUILD_LOCK = "/tmp/ext-build.lock";
const SHOTS = join(ROOT, "test-results/extension-install");
const MAIN = join(import.meta.dir, "../src/main.ts");
const DEFAULT_PORT = 7070;
const DEFAULT_URL = `http://127.0.0.1:${DEFAULT_PORT}`;

const FIREFOX = "/usr/bin/firefox-esr";
/** The MV2 build's gecko id, and a fixed moz-extension host for it (any v4 UUID). */
const GECKO_ID = "extension@llmio.dev";
const FIREFOX_UUID = "6f1d1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`extension-install.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);
const hasFirefox = existsSync(FIREFOX);
if (!hasFirefox) console.warn(`extension-install.e2e: Firefox part skipped — ${FIREFOX} is missing (apt-get install -y firefox-esr)`);

const scratch = mkdtempSync(join(tmpdir(), "llmio-extension-install-"));
let extensionCopy = "";
let context: BrowserContext | undefined;
let stopServer: (() => Promise<void>) | undefined;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A private copy of a fresh build: built and copied under the extension build lock, so a
 * concurrent build in the same checkout can neither be half-read nor overwrite what this test loads.
 */
function buildExtensionCopy(buildScript: "build:chrome" | "build:firefox", folder: "chrome-mv3" | "firefox-mv2"): string {
  const target = join(scratch, folder);
  const command = `${JSON.stringify(process.execPath)} run --cwd ${JSON.stringify(EXTENSION_DIR)} ${buildScript} >&2 && cp -r ${JSON.stringify(join(EXTENSION_DIR, ".output", folder))} ${JSON.stringify(target)}`;
  const build = Bun.spawnSync(["flock", BUILD_LOCK, "sh", "-c", command], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0 || !existsSync(join(target, "manifest.json"))) throw new Error(`extension build failed:\n${build.stderr.toString()}`);
  return target;
}

/** Fails the suite with a clear reason when something already listens on the default address. */
function assertDefaultPortFree() {
  try {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: DEFAULT_PORT, socket: { data() {} } });
    probe.stop(true);
  } catch (error) {
    throw new Error(`127.0.0.1:${DEFAULT_PORT} is taken (${(error as Error).message}): this test needs the default gateway address free; stop whatever listens there (ss -ltnp 'sport = :${DEFAULT_PORT}') and rerun`);
  }
}

/** `llmio serve` from source on the default address, as a user would start it, with its own database. */
async function startLlmioOnDefaultPort(): Promise<() => Promise<void>> {
  const folder = mkdtempSync(join(scratch, "serve-"));
  const child = Bun.spawn([process.execPath, MAIN, "serve", "--host", "127.0.0.1", "--port", String(DEFAULT_PORT), "--db-path", join(folder, "llmio.db")], {
    env: { ...process.env, TOKEN: "install-test-token-0123456789", LLMIO_LOG_LEVEL: "error" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const stop = async () => {
    child.kill("SIGKILL");
    await child.exited;
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await fetch(`${DEFAULT_URL}/health/ready`, { signal: AbortSignal.timeout(500) }).then((response) => response.ok, () => false);
    if (up) return stop;
    if (child.exitCode !== null) throw new Error(`llmio serve exited: ${await new Response(child.stderr).text()}`);
    await Bun.sleep(100);
  }
  await stop();
  throw new Error("llmio serve did not answer /health/ready within 10 s");
}

/** Installs the extension into a fresh profile (the install event fires) and returns the options tab it opens. */
async function installAndFindOptionsTab(): Promise<{ options: Page; extensionId: string }> {
  const userDataDir = mkdtempSync(join(scratch, "profile-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    locale: "en-US",
    viewport: { width: 900, height: 900 },
    args: ["--headless=new", ...QUIET_CHROMIUM_FLAGS, ...loadExtensionFlags(extensionCopy)],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 15_000 }));
  const extensionId = new URL(worker.url()).host;
  const optionsUrl = `chrome-extension://${extensionId}/options.html`;
  // The tab may open before or after this point: look at the open pages until it is there.
  for (let attempt = 0; attempt < 100; attempt++) {
    const options = context.pages().find((page) => page.url() === optionsUrl);
    if (options) {
      options.setDefaultTimeout(10_000);
      await options.waitForLoadState("load");
      return { options, extensionId };
    }
    await Bun.sleep(100);
  }
  throw new Error(`no options tab opened on install; open pages: ${context.pages().map((page) => page.url()).join(", ")}`);
}

async function shot(page: Page, name: string) {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe.skipIf(!hasChromium)("extension first install in Chromium", () => {
  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
    extensionCopy = buildExtensionCopy("build:chrome", "chrome-mv3");
  }, 120_000);

  afterEach(async () => {
    await context?.close();
    context = undefined;
    await stopServer?.();
    stopServer = undefined;
  });

  test("llmio on 127.0.0.1:7070: the options tab opens with the gateway URL filled in and stored", async () => {
    assertDefaultPortFree();
    stopServer = await startLlmioOnDefaultPort();
    const { options } = await installAndFindOptionsTab();
    const notice = options.getByTestId("first-install-notice");
    await notice.waitFor();
    expect(await notice.getAttribute("data-gateway")).toBe("found");
    expect(await notice.innerText()).toContain(`Found llmio at ${DEFAULT_URL}`);
    expect(await options.getByTestId("gateway-url").inputValue()).toBe(DEFAULT_URL);
    expect(await options.evaluate(() => chrome.storage.local.get(null))).toEqual({ gatewayUrl: DEFAULT_URL, firstInstall: { gateway: "found", url: DEFAULT_URL } });
    await shot(options, "found-llmio");

    // Test works at once: the gateway answers and asks for a token.
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "The gateway answers" }).waitFor();
    // Saving ends the first-install state: the notice goes, the URL stays.
    await options.getByTestId("save").click();
    await options.getByTestId("notice").filter({ hasText: "Saved." }).waitFor();
    expect(await options.getByTestId("first-install-notice").count()).toBe(0);
    expect(await options.evaluate(() => chrome.storage.local.get(["gatewayUrl", "firstInstall"]))).toEqual({ gatewayUrl: DEFAULT_URL });
  }, 60_000);

  test("nothing on 127.0.0.1:7070: the options tab opens unprefilled, the default as placeholder, with a hint", async () => {
    assertDefaultPortFree();
    const { options } = await installAndFindOptionsTab();
    const notice = options.getByTestId("first-install-notice");
    await notice.waitFor();
    expect(await notice.getAttribute("data-gateway")).toBe("absent");
    expect(await notice.innerText()).toContain(`No llmio answered at ${DEFAULT_URL}. Start it`);
    const field = options.getByTestId("gateway-url");
    expect(await field.inputValue()).toBe("");
    expect(await field.getAttribute("placeholder")).toBe(DEFAULT_URL);
    expect(await options.evaluate(() => chrome.storage.local.get(null))).toEqual({ firstInstall: { gateway: "absent", url: DEFAULT_URL } });
    await shot(options, "no-gateway");

    // The empty field means the placeholder: Test reaches the default address (nothing there).
    await options.getByTestId("test").click();
    await options.getByTestId("notice").filter({ hasText: "Not reachable" }).waitFor();
  }, 60_000);

  test("another server answering /health with ok on 127.0.0.1:7070 is not taken for llmio", async () => {
    assertDefaultPortFree();
    const other = Bun.serve({ hostname: "127.0.0.1", port: DEFAULT_PORT, fetch: (request) => (new URL(request.url).pathname === "/health" ? Response.json({ status: "ok" }) : new Response("not found", { status: 404 })) });
    stopServer = async () => void other.stop(true);
    const { options } = await installAndFindOptionsTab();
    await options.getByTestId("first-install-notice").waitFor();
    expect(await options.getByTestId("first-install-notice").getAttribute("data-gateway")).toBe("absent");
    expect(await options.getByTestId("gateway-url").inputValue()).toBe("");
  }, 60_000);
});

/**
 * Firefox: the tab the add-on opens is not among puppeteer's pages (BiDi lists no tab an extension
 * opened), so the test looks from a page of the extension's own: the popup, until the install has
 * opened options.html (`tabs.query` shows the extension its own pages' URLs), then options.html
 * itself. Not options.html first: `openOptionsPage` would only focus that tab instead of opening one.
 */
describe.skipIf(!hasFirefox)("extension first install in Firefox ESR", () => {
  let firefoxCopy = "";
  let firefox: FirefoxBrowser | undefined;
  const optionsUrl = `moz-extension://${FIREFOX_UUID}/options.html`;
  const popupUrl = `moz-extension://${FIREFOX_UUID}/popup.html`;

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
    firefoxCopy = buildExtensionCopy("build:firefox", "firefox-mv2");
  }, 120_000);

  afterEach(async () => {
    await firefox?.close();
    firefox = undefined;
    await stopServer?.();
    stopServer = undefined;
  });

  /** Firefox's goto of a moz-extension page never resolves: start it, then wait for the page. */
  async function show(page: FirefoxPage, url: string) {
    page.goto(url, { timeout: 5_000 }).catch(() => undefined);
    await page.waitForFunction((expected) => location.href === expected && document.readyState === "complete", { timeout: 15_000, polling: 100 }, url);
  }

  /** Installs the add-on into a fresh profile; returns a page on its popup once the install opened options.html. */
  async function installInFirefox(): Promise<FirefoxPage> {
    firefox = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX,
      headless: true,
      args: ["--remote-allow-system-access"], // lets the driver open moz-extension:// pages
      extraPrefsFirefox: { "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }), "intl.locale.requested": "en-US" },
    });
    // Firefox opens the options page in place of a blank selected tab: give it a page first, so the
    // install opens a tab of its own.
    const page = (await firefox.pages())[0] ?? (await firefox.newPage());
    await page.setViewport({ width: 900, height: 900 });
    const placeholder = join(scratch, "before-install.html");
    await Bun.write(placeholder, "<!doctype html><title>before install</title>");
    await page.goto(`file://${placeholder}`);
    await firefox.installExtension(firefoxCopy);
    await show(page, popupUrl);
    await page.waitForFunction(
      async (url) => ((await (globalThis as any).browser.tabs.query({})) as { url: string }[]).some((tab) => tab.url === url),
      { timeout: 15_000, polling: 200 },
      optionsUrl,
    );
    return page;
  }

  test("llmio on 127.0.0.1:7070: options opened, the URL stored and filled in", async () => {
    assertDefaultPortFree();
    stopServer = await startLlmioOnDefaultPort();
    const page = await installInFirefox();
    expect(await page.evaluate(() => (globalThis as any).browser.storage.local.get(null))).toEqual({ gatewayUrl: DEFAULT_URL, firstInstall: { gateway: "found", url: DEFAULT_URL } });
    await show(page, optionsUrl);
    await page.waitForSelector("[data-testid=first-install-notice][data-gateway=found]", { timeout: 10_000 });
    expect(await page.$eval("[data-testid=gateway-url]", (input) => (input as HTMLInputElement).value)).toBe(DEFAULT_URL);
    await page.screenshot({ path: join(SHOTS, "firefox-found-llmio.png") });
  }, 60_000);

  test("nothing on 127.0.0.1:7070: options opened, the field empty with the default as placeholder", async () => {
    assertDefaultPortFree();
    const page = await installInFirefox();
    expect(await page.evaluate(() => (globalThis as any).browser.storage.local.get(null))).toEqual({ firstInstall: { gateway: "absent", url: DEFAULT_URL } });
    await show(page, optionsUrl);
    await page.waitForSelector("[data-testid=first-install-notice][data-gateway=absent]", { timeout: 10_000 });
    expect(await page.$eval("[data-testid=gateway-url]", (input) => [(input as HTMLInputElement).value, input.getAttribute("placeholder")])).toEqual(["", DEFAULT_URL]);
    await page.screenshot({ path: join(SHOTS, "firefox-no-gateway.png") });
  }, 60_000);
});
