/**
 * A new user's first minutes in the admin UI, in real Chromium against a real gateway and the
 * fake upstream (issue 13, "Smaller, all needed"):
 *   - the empty dashboard invites the first steps, and its buttons open the provider and model
 *     forms and lead to quick start; once a call went through, the invitation goes;
 *   - quick start with a model-limited client key (just created, chosen from the keys, or
 *     pasted) offers only the models that key may use;
 *   - signing in from a locked-out address says why and for how long (English and Chinese).
 * Screenshots land in test-results/ui-first-steps/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-first-steps");
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The lockout rule of this gateway: 3 failures within a minute lock an address out for 10 minutes. */
const LOCKOUT = { maxFailures: 3, windowMs: 60_000, lockoutMs: 10 * 60_000 };

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-first-steps.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(target: Page, name: string, fullPage = true) {
  await target.waitForTimeout(250); // let transitions settle
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** A fresh browser context, logged in with the admin token unless `loggedIn` is false. */
async function open(options: { dark?: boolean; viewport?: { width: number; height: number }; loggedIn?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.dark ? "dark" : "light", locale: "en-US", deviceScaleFactor: 1 });
  if (options.loggedIn !== false) {
    await context.addInitScript((token) => {
      localStorage.setItem("llmio.token", token);
      localStorage.setItem("llmio.dashboard.range", "today");
    }, TEST_TOKEN);
  }
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return { context, page };
}

/** The options of the quick start's model select, in order. */
async function offeredModels(page: Page): Promise<string[]> {
  return page.locator("select#quick-model option").evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
}

/** Waits (5 s at most) for the model select to offer exactly these models, then checks it. */
async function expectOffered(page: Page, expected: string[]) {
  await page
    .waitForFunction(
      (names) => JSON.stringify([...document.querySelectorAll("select#quick-model option")].map((option) => (option as HTMLOptionElement).value)) === JSON.stringify(names),
      expected,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  expect(await offeredModels(page)).toEqual(expected);
}

describe.skipIf(!hasChromium)("first steps in the admin UI (Chromium)", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    buildUiIfMissing();
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway({ lockout: LOCKOUT });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the empty dashboard invites the first steps; its buttons open the forms and quick start", async () => {
    const { context, page } = await open();
    try {
      await page.goto(`${gateway.url}/`);
      const steps = page.getByTestId("first-steps");
      await steps.waitFor();
      expect(await steps.getByRole("heading", { name: "Get started" }).count()).toBe(1);
      expect(await steps.locator("[data-step]").evaluateAll((items) => items.map((item) => `${item.getAttribute("data-step")}:${item.getAttribute("data-done")}`))).toEqual([
        "provider:false",
        "model:false",
        "client:false",
      ]);
      await shot(page, "empty-dashboard-light");

      // Step 1: the provider form opens on the dashboard; saving checks the step.
      await page.getByTestId("first-steps-provider").click();
      const providerForm = page.locator("#provider-form");
      await providerForm.waitFor();
      await providerForm.locator("[data-template=openai]").click();
      await providerForm.locator("input[name=name]").fill("fake-openai");
      await providerForm.locator("input[name=baseUrl]").fill(`${upstream.url}/v1`);
      await providerForm.locator("textarea[name=apiKeys]").fill("sk-fake-upstream-key-1234");
      await page.click("[data-testid=provider-save]");
      await steps.locator("[data-step=provider][data-done=true]").waitFor();
      expect(await gateway.admin("GET", "/api/providers")).toMatchObject([{ name: "fake-openai" }]);

      // Step 2: the model form; saving leads to the model's page, where providers are associated.
      await page.getByTestId("first-steps-model").click();
      await page.locator("#model-form input[name=name]").fill("echo");
      await page.click("[data-testid=model-save]");
      await page.waitForURL(/\/models\/\d+$/);
      const modelId = Number(new URL(page.url()).pathname.split("/").pop());
      const [provider] = await gateway.admin("GET", "/api/providers");
      await gateway.admin("POST", "/api/model-providers", { modelId, providerId: provider.id, providerModel: "fake-model" });

      // Step 3: back on the dashboard, the first two are done and quick start is one click away.
      await page.getByRole("link", { name: "Dashboard" }).first().click();
      await steps.locator("[data-step=model][data-done=true]").waitFor();
      expect(await steps.locator("[data-step=client]").getAttribute("data-done")).toBe("false");
      await shot(page, "first-steps-two-done-light");
      await page.getByTestId("first-steps-quick-start").click();
      await page.waitForURL(/\/quick-start$/);
      await page.getByTestId("snippet").waitFor();

      // A first call: the invitation is gone.
      const call = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "echo", messages: [{ role: "user", content: "hello" }] }),
      });
      expect(call.status).toBe(200);
      await call.text();
      await Bun.sleep(30);
      await gateway.logWriter.flush();
      await page.getByRole("link", { name: "Dashboard" }).first().click();
      await page.getByTestId("kpi-requests").filter({ hasText: "1" }).waitFor();
      await page.waitForTimeout(300);
      expect(await steps.count()).toBe(0);
      // The axes of a range with a single call read each label once.
      const yTicks: string[] = JSON.parse((await page.locator(".llmio-chart").first().getAttribute("data-y-ticks")) ?? "[]");
      expect(yTicks).toEqual(["0", "1"]);
      await shot(page, "dashboard-after-first-call-light");
    } finally {
      await context.close();
    }
  }, 60_000);

  test("the empty dashboard on a phone, dark and in Chinese", async () => {
    const fresh = startTestGateway();
    const context = await browser.newContext({ viewport: PHONE, colorScheme: "dark", locale: "zh-CN", deviceScaleFactor: 1 });
    try {
      await context.addInitScript((token) => {
        localStorage.setItem("llmio.token", token);
        localStorage.setItem("llmio.locale", "zh");
      }, TEST_TOKEN);
      const page = await context.newPage();
      await page.goto(`${fresh.url}/`);
      const steps = page.getByTestId("first-steps");
      await steps.getByRole("heading", { name: "开始使用" }).waitFor();
      expect(await steps.innerText()).toContain("添加提供商");
      await shot(page, "empty-dashboard-phone-dark-zh");
      await page.getByTestId("first-steps-quick-start").click();
      await page.waitForURL(/\/quick-start$/);
    } finally {
      await context.close();
      await fresh.stop();
    }
  }, 60_000);

  test("quick start with a model-limited client key offers only the models that key may use", async () => {
    const existing: { name: string }[] = await gateway.admin("GET", "/api/models");
    for (const name of ["echo", "gpt-4o", "claude-sonnet"]) {
      if (!existing.some((model) => model.name === name)) await gateway.admin("POST", "/api/models", { name });
    }
    const { context, page } = await open();
    try {
      // The admin token may use every model.
      await page.goto(`${gateway.url}/quick-start`);
      await page.locator("select#quick-model").waitFor();
      await expectOffered(page, ["echo", "gpt-4o", "claude-sonnet"]);

      // A key issued on the Keys page for two models, then "Use in quick start".
      await page.getByRole("link", { name: "API keys" }).first().click();
      await page.getByTestId("key-new").first().click();
      const form = page.locator("#key-form");
      await form.locator("input[name=name]").fill("laptop");
      await form.getByRole("switch", { name: "All models" }).click();
      await form.getByRole("button", { name: "echo", exact: true }).click();
      await form.getByRole("button", { name: "claude-sonnet", exact: true }).click();
      await page.click("[data-testid=key-save]");
      const created = page.getByRole("dialog").filter({ hasText: "Key created" });
      await created.waitFor();
      await created.getByRole("link", { name: "Use in quick start" }).click();
      await page.waitForURL(/\/quick-start$/);
      await page.locator("select#quick-model").waitFor();
      expect(await page.locator("select#quick-key").inputValue()).toBe("fresh");
      await expectOffered(page, ["echo", "claude-sonnet"]);
      expect(await page.getByTestId("quick-models-of-key").innerText()).toContain("echo, claude-sonnet");
      await page.locator("[data-client=openai-sdk]").first().click();
      const code = await page.getByTestId("snippet-code").first().innerText();
      expect(code).toContain('model: "echo"');
      await shot(page, "quick-start-fresh-key-light");

      // A key chosen from the list (its value shown only when created: KEY until pasted).
      const limited = await gateway.admin("POST", "/api/auth-keys", { name: "gpt-only", allowedModels: ["gpt-*"] });
      await page.reload();
      await page.locator(`select#quick-key option[value="client:${limited.id}"]`).waitFor({ state: "attached" });
      await page.locator("select#quick-key").selectOption(`client:${limited.id}`);
      await expectOffered(page, ["gpt-4o"]);
      expect(await page.getByTestId("snippet-code").first().innerText()).toContain('apiKey: "KEY"');
      await page.getByTestId("quick-key-paste").fill(limited.key);
      await page.getByLabel("Show the key in the snippets").check();
      expect(await page.getByTestId("snippet-code").first().innerText()).toContain(`apiKey: "${limited.key}"`);
      await shot(page, "quick-start-listed-key-light");

      // The same key pasted: found by its hint; the admin token pasted: every model again.
      await page.locator("select#quick-key").selectOption("paste");
      await page.getByTestId("quick-key-paste").fill(limited.key);
      await expectOffered(page, ["gpt-4o"]);
      await page.getByTestId("quick-key-paste").fill(TEST_TOKEN);
      await expectOffered(page, ["echo", "gpt-4o", "claude-sonnet"]);
      expect(await page.getByTestId("quick-models-of-key").count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  // Last: the lockout refuses this address (127.0.0.1) everything, the test's admin calls included.
  test("signing in from a locked-out address says why and for how long", async () => {
    const { context, page } = await open({ loggedIn: false });
    try {
      await page.goto(`${gateway.url}/login`);
      for (const guess of ["guess-one", "guess-two", "guess-three"]) {
        await page.fill("#token", guess);
        const [answer] = await Promise.all([page.waitForResponse((response) => response.url().endsWith("/api/status")), page.click("button[type=submit]")]);
        expect(answer.status()).toBe(401);
        await page.locator("#token-error").filter({ hasText: "not valid" }).waitFor();
      }
      // Even the right token is refused now, and the page says why, for how long and until when.
      await page.fill("#token", TEST_TOKEN);
      await page.click("button[type=submit]");
      const notice = page.locator("#token-error").filter({ hasText: "Too many failed sign-in attempts" });
      await notice.waitFor();
      const text = await notice.innerText();
      expect(text).toContain("from this address");
      expect(text).toContain("for 10 min more");
      const until = new Date(Date.now() + LOCKOUT.lockoutMs);
      const clock = (date: Date) => date.toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      expect([clock(until), clock(new Date(until.getTime() - 60_000))].some((time) => text.includes(time))).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem("llmio.token"))).toBeNull();
      await shot(page, "login-locked-out-light");

      // The client's error shape says the same on the proxy.
      const proxied = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${TEST_TOKEN}` }, body: "{}" });
      expect(proxied.status).toBe(429);
      const body = (await proxied.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/^Too many failed authentication attempts from this IP address \(3 within 1 minute\); it is locked out: try again in 10 minutes, after \S+Z$/);

      // In Chinese too.
      await page.getByTestId("locale-select").selectOption("zh");
      await page.click("button[type=submit]");
      await page.locator("#token-error").filter({ hasText: "登录失败次数过多" }).waitFor();
      await shot(page, "login-locked-out-zh");
    } finally {
      await context.close();
    }
  }, 60_000);
});
