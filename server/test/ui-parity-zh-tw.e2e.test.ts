/**
 * Traditional Chinese (zh-TW) in the admin UI, in real Chromium against a real gateway and the fake
 * upstream: the language picker switches to 繁體中文 (and the choice survives a reload); a browser in
 * zh-TW or zh-HK opens in it by itself; every page is visited and no English message of the UI
 * shows through (each visible text is compared against the English dictionary). Screenshots of every
 * page land in test-results/ui-zh-tw/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { en } from "../../ui/src/lib/i18n/en.ts";
import { zhTW } from "../../ui/src/lib/i18n/zh-TW.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-zh-tw");
const DESKTOP = { width: 1440, height: 900 };

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-parity-zh-tw.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let modelId = 0;
let traceId = "";

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(page: Page, name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * English messages that must never show in zh-TW: those whose Traditional Chinese differs (not
 * "Token", "Base URL", "JSON") and that have no placeholders (compared whole).
 */
const ENGLISH_ONLY = new Set(
  (Object.keys(en) as (keyof typeof en)[])
    .filter((key) => zhTW[key] !== en[key] && !en[key].includes("{"))
    .map((key) => en[key].trim()),
);

/** Texts of the page's visible elements that carry text themselves, plus labels and placeholders. */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>("body *"))) {
      if (element.closest("pre, code, [data-testid=snippet]")) continue;
      const own = Array.from(element.childNodes)
        .filter((node) => node.nodeType === Node.TEXT_NODE)
        .map((node) => node.textContent ?? "")
        .join("")
        .trim();
      const visible = element.offsetParent !== null || getComputedStyle(element).position === "fixed";
      if (own && visible) texts.push(own);
      for (const attribute of ["aria-label", "title", "placeholder"]) {
        const value = element.getAttribute(attribute)?.trim();
        if (value) texts.push(value);
      }
    }
    return texts;
  });
}

/** Pages, and what shows they are ready. */
function pages(): { name: string; path: string; ready: string }[] {
  return [
    { name: "dashboard", path: "/", ready: "[data-testid=kpi-requests]" },
    { name: "providers", path: "/providers", ready: "[data-testid=provider-card]" },
    { name: "models", path: `/models/${modelId}`, ready: "[data-testid=association-row]" },
    { name: "logs", path: "/logs", ready: "[data-testid=log-row]:visible, [data-testid=log-card]:visible" },
    { name: "log-detail", path: `/logs?detail=${traceId}`, ready: "[data-testid=attempt]" },
    { name: "keys", path: "/keys", ready: "[data-testid=key-card]" },
    { name: "settings", path: "/settings", ready: "[data-testid=settings-save]" },
    { name: "quick-start", path: "/quick-start", ready: "[data-testid=snippet]" },
    { name: "not-found", path: "/no-such-page", ready: "text=找不到頁面" },
  ];
}

describe.skipIf(!hasChromium)("admin UI in Traditional Chinese (zh-TW)", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    const model = await configureModel(gateway, "echo", [{ name: "fake-openai", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    modelId = model.id;
    await gateway.admin("POST", "/api/auth-keys", { name: "laptop" });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hello" }] }),
    });
    await response.text();
    traceId = response.headers.get("x-llmio-trace-id") ?? "";
    await Bun.sleep(30);
    await gateway.logWriter.flush();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the picker switches an English UI to 繁體中文, kept across a reload", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: "en-US" });
    await context.addInitScript((token) => localStorage.setItem("llmio.token", token), TEST_TOKEN);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(`${gateway.url}/`);
      await page.getByRole("link", { name: "Dashboard" }).first().waitFor();
      const options = await page.locator("[data-testid=locale-select] >> nth=0").locator("option").allTextContents();
      expect(options).toEqual(["English", "简体中文", "繁體中文"]);
      await page.selectOption("[data-testid=locale-select] >> nth=0", "zh-TW");
      await page.getByRole("link", { name: "儀表板" }).first().waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-TW");
      await page.getByRole("link", { name: "設定" }).first().waitFor();
      await page.reload();
      await page.getByRole("link", { name: "儀表板" }).first().waitFor();
      expect(await page.evaluate(() => localStorage.getItem("llmio.locale"))).toBe("zh-TW");
      await shot(page, "picker-dashboard");
    } finally {
      await context.close();
    }
  }, 60_000);

  for (const browserLocale of ["zh-TW", "zh-HK"]) {
    test(`a browser in ${browserLocale} opens in Traditional Chinese`, async () => {
      const context = await browser.newContext({ viewport: DESKTOP, locale: browserLocale });
      await context.addInitScript((token) => localStorage.setItem("llmio.token", token), TEST_TOKEN);
      const page = await context.newPage();
      try {
        await page.goto(`${gateway.url}/settings`);
        await page.getByRole("link", { name: "設定" }).first().waitFor({ timeout: 10_000 });
        expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-TW");
      } finally {
        await context.close();
      }
    }, 30_000);
  }

  test("every page in zh-TW shows no English message of the UI; screenshots light and dark", async () => {
    const leaks: string[] = [];
    for (const dark of [false, true]) {
      const context = await browser.newContext({ viewport: DESKTOP, locale: "zh-TW", colorScheme: dark ? "dark" : "light" });
      await context.addInitScript((token) => {
        localStorage.setItem("llmio.token", token);
        localStorage.setItem("llmio.locale", "zh-TW");
      }, TEST_TOKEN);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      try {
        for (const target of pages()) {
          await page.goto(`${gateway.url}${target.path}`);
          await page.locator(target.ready).first().waitFor();
          await page.waitForTimeout(300);
          if (!dark) for (const text of await visibleTexts(page)) if (ENGLISH_ONLY.has(text)) leaks.push(`${target.name}: "${text}"`);
          await shot(page, `${target.name}-${dark ? "dark" : "light"}`);
        }
        // A form and a dialog too: the provider form (templates, hints, validation messages).
        await page.goto(`${gateway.url}/providers`);
        await page.getByRole("button", { name: "新增供應商" }).first().click();
        await page.getByRole("dialog").waitFor();
        await page.getByRole("dialog").getByRole("button", { name: "建立" }).click().catch(() => undefined);
        await page.waitForTimeout(300);
        if (!dark) for (const text of await visibleTexts(page)) if (ENGLISH_ONLY.has(text)) leaks.push(`provider form: "${text}"`);
        await shot(page, `provider-form-${dark ? "dark" : "light"}`);
      } finally {
        await context.close();
      }
    }
    expect([...new Set(leaks)]).toEqual([]);
  }, 180_000);
});
