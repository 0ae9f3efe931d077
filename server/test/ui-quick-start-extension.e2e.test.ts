/**
 * The admin UI's Quick start shows the browser extension card (what it does, where the install
 * guide and the packages are), in English and Chinese, light and dark, in real Chromium against
 * a real gateway. Needs a built UI (`bun run build:ui`). Screenshots: test-results/ui-quick-start-extension/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";
import { startTestGateway, type TestGateway } from "./harness.ts";

const ROOT = join(import.meta.dir, "../..");
const SHOTS = join(ROOT, "test-results/ui-quick-start-extension");
const hasChromium = existsSync(CHROMIUM);
const hasUi = existsSync(join(ROOT, "ui/dist/index.html"));
if (!hasChromium) console.warn(`ui-quick-start-extension.e2e: skipped — ${CHROMIUM} is missing`);
if (!hasUi) console.warn("ui-quick-start-extension.e2e: skipped — no ui/dist (bun run build:ui)");

let gateway: TestGateway;
let browser: Browser;

describe.skipIf(!hasChromium || !hasUi)("Quick start: the browser extension card", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    gateway = startTestGateway();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test("English, light: what it does, the README section and where the packages come from", async () => {
    const page = await signedInPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway.url}/quick-start`);
    const card = page.getByTestId("quick-extension");
    await card.waitFor();
    expect(await card.getByRole("heading").innerText()).toBe("Browser extension");
    expect(await card.innerText()).toContain("one-click setup of NextChat, LobeChat and Open WebUI");
    // No repository URL is set in this project: the card names the places instead of linking.
    const where = await page.getByTestId("quick-extension-where").innerText();
    expect(where).toContain("README.md, section “Browser extension”");
    expect(where).toContain("bun run release into dist/release/");
    await card.scrollIntoViewIfNeeded();
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(SHOTS, "quick-start-en.png"), fullPage: true });
    await page.context().close();
  }, 30_000);

  test("Chinese, dark", async () => {
    const page = await signedInPage(browser, { viewport: { width: 1280, height: 900 }, colorScheme: "dark", locale: "zh-CN" });
    await page.addInitScript(() => localStorage.setItem("llmio.locale", "zh"));
    await page.goto(`${gateway.url}/quick-start`);
    const card = page.getByTestId("quick-extension");
    await card.waitFor();
    expect(await card.getByRole("heading").innerText()).toBe("浏览器扩展");
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(SHOTS, "quick-start-zh-dark.png"), fullPage: true });
    await page.context().close();
  }, 30_000);
});
