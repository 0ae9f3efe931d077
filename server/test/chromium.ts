import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { TEST_TOKEN } from "./harness.ts";

/** Debian's Chromium, which the UI and extension e2e tests drive (CI installs it). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Chromium as this machine needs it: without the background-networking flags it keeps calling
 * hosts this closed network refuses. Add "--headless=new" unless a display is wanted.
 */
export const QUIET_CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Loads one unpacked extension, and only that one. */
export function loadExtensionFlags(folder: string): string[] {
  return [`--disable-extensions-except=${folder}`, `--load-extension=${folder}`];
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--headless=new", ...QUIET_CHROMIUM_FLAGS] });
}

/** A page signed in to the admin UI with the test token, in English unless the test picks another language. */
export async function signedInPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext({ colorScheme: "light", locale: "en-US", deviceScaleFactor: 1, ...options });
  await context.addInitScript((token) => {
    localStorage.setItem("llmio.token", token);
    if (!localStorage.getItem("llmio.locale")) localStorage.setItem("llmio.locale", "en");
  }, TEST_TOKEN);
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}
