/**
 * Firefox ESR for the extension's browser suites: builds the Firefox add-on under the shared build
 * lock and copies it to a private folder, launches Debian's /usr/bin/firefox-esr headless through
 * puppeteer-core over WebDriver BiDi (geckodriver cannot be installed here), installs the add-on as
 * a temporary add-on, and opens its moz-extension:// pages.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const FIREFOX = "/usr/bin/firefox-esr";
export const hasFirefox = existsSync(FIREFOX);

/** The gecko id from extension/wxt.config.ts (both the MV2 and the MV3 build carry it). */
export const ADDON_ID = "extension@llmio.dev";
/** Any fixed v4 UUID: pinned by a pref before launch, so every moz-extension:// URL is known. */
export const ADDON_UUID = "0b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";
export const EXTENSION_ORIGIN = `moz-extension://${ADDON_UUID}`;

const ROOT = join(import.meta.dir, "../../..");
export const EXTENSION_DIR = join(ROOT, "extension");
const BUILD_LOCK = "/tmp/ext-build.lock";

export type FirefoxBuild = "firefox-mv2" | "firefox-mv3";
const BUILD_SCRIPT: Record<FirefoxBuild, string> = { "firefox-mv2": "build:firefox", "firefox-mv3": "build:firefox-mv3" };

/**
 * Builds the add-on (always: a stale .output would test old code) and copies it to a temp folder,
 * both under the lock every extension build in this tree takes, so a parallel build cannot change
 * the files while Firefox reads them. Returns the copy; `remove` deletes it.
 */
export function buildFirefoxExtension(build: FirefoxBuild = "firefox-mv2"): { dir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), `llmio-${build}-`));
  const dir = join(parent, build);
  const script = `"${process.execPath}" run --cwd "${EXTENSION_DIR}" ${BUILD_SCRIPT[build]} && cp -r "${join(EXTENSION_DIR, ".output", build)}" "${dir}"`;
  const result = Bun.spawnSync(["flock", BUILD_LOCK, "sh", "-c", script], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0 || !existsSync(join(dir, "manifest.json"))) {
    throw new Error(`Firefox extension build failed:\n${result.stdout.toString()}\n${result.stderr.toString()}`);
  }
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * Firefox ESR, headless, with a fresh profile (puppeteer makes and removes it).
 * - `--remote-allow-system-access`: without it BiDi refuses to navigate to moz-extension:// pages.
 * - `extensions.webextensions.uuids`: the add-on's internal UUID, fixed in advance for its id.
 * - `extensions.webextOptionalPermissionPrompts=false`: `permissions.request` from a real click is
 *   granted without the doorhanger nobody can answer headless.
 * `extraPrefs` adds to these (e.g. `network.dns.localDomains` to map test host names to loopback).
 */
export async function launchFirefox(extraPrefs: Record<string, string | number | boolean> = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
      "extensions.webextOptionalPermissionPrompts": false,
      "intl.locale.requested": "en-US",
      ...extraPrefs,
    },
  });
}

/**
 * Opens a page and waits until it has loaded. puppeteer's `goto` to a moz-extension:// URL never
 * resolves in Firefox (the page loads all the same), so the navigation is started and its end polled.
 */
export async function openFirefoxPage(browser: Browser, url: string, viewport = { width: 400, height: 600 }): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport(viewport);
  await navigate(page, url);
  return page;
}

export async function navigate(page: Page, url: string) {
  if (!url.startsWith("moz-extension:")) {
    await page.goto(url, { waitUntil: "load" });
    return;
  }
  // An extension page opened while the add-on is still starting loads without its `browser` API
  // (seen once in CI: "browser is not defined"); such a page is opened again.
  for (let tries = 1; ; tries++) {
    page.goto(url, { timeout: 5000 }).catch(() => undefined);
    const ready = await page
      .waitForFunction(
        (expected: string) => location.href === expected && document.readyState === "complete" && typeof (globalThis as { browser?: { runtime?: { id?: string } } }).browser?.runtime?.id === "string",
        { timeout: 10_000, polling: 100 },
        url,
      )
      .then(() => true, (error: unknown) => (tries < 3 ? false : Promise.reject(error)));
    if (ready) return;
  }
}

export function extensionPageUrl(path: string) {
  return `${EXTENSION_ORIGIN}/${path}`;
}

