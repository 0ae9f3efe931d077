/**
 * The admin UI end to end, in real Chromium (Debian's /usr/bin/chromium driven by playwright-core)
 * against a real gateway and the fake upstream: log in, create a provider, a model and an
 * association through the forms, send requests through the gateway, find them on the dashboard
 * and in the logs, open a trace; test connection, dark mode, Chinese, a 390 px phone.
 * Screenshots of every page land in test-results/ui/ (light + dark, desktop + phone).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import type { NewRequestLog } from "../src/db/schema.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui");
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let modelId = 0;
let traceId = "";
let clientKey = "";

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

/** Saves a screenshot; dialogs and drawers (fixed over the page) are taken as the viewport shows them. */
async function shot(target: Page, name: string, fullPage = true) {
  await target.waitForTimeout(250); // let transitions and chart resizes settle
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Sends one chat request through the gateway; returns its trace id. */
async function chat(model: string, options: { key?: string; stream?: boolean; userAgent?: string } = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${options.key ?? TEST_TOKEN}`,
      "content-type": "application/json",
      "user-agent": options.userAgent ?? "ui-e2e/1.0",
    },
    body: JSON.stringify({ model, stream: options.stream ?? false, messages: [{ role: "user", content: "hello from the UI test" }] }),
  });
  await response.text();
  return { status: response.status, traceId: response.headers.get("x-llmio-trace-id") ?? "" };
}

async function flushLogs() {
  await Bun.sleep(30);
  await gateway.logWriter.flush();
}

/** A page of the UI in a fresh context, already logged in, the dashboard on its 7-day view. */
async function openContext(options: { dark: boolean; viewport: { width: number; height: number } }) {
  const fresh = await browser.newContext({ viewport: options.viewport, colorScheme: options.dark ? "dark" : "light", locale: "en-US", deviceScaleFactor: 1 });
  await fresh.addInitScript((token) => {
    localStorage.setItem("llmio.token", token);
    localStorage.setItem("llmio.dashboard.range", "7d");
  }, TEST_TOKEN);
  return fresh;
}

/**
 * A week of plausible traffic written straight into the log table (busier by day, a few
 * errors, several clients), so the charts in the screenshots have shapes to show.
 */
async function seedHistory() {
  const now = Date.now();
  const providers: { id: number; name: string }[] = await gateway.admin("GET", "/api/providers");
  const fake = providers.find((provider) => provider.name === "fake-openai")!;
  const broken = providers.find((provider) => provider.name === "broken-upstream")!;
  const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${modelId}`);
  await gateway.admin("PUT", `/api/model-providers/${association.id}`, { priceInput: 2.5, priceCachedInput: 1.25, priceOutput: 10 });
  const keys: { id: number }[] = await gateway.admin("GET", "/api/auth-keys");
  const agents = ["claude-cli/2.1.0 (external, cli)", "codex_cli_rs/0.169.0", "CherryStudio/1.5.2", "OpenAI/Python 1.99.0", "ImmersiveTranslate/1.20"];
  const protocols = ["anthropic", "openai-responses", "openai-chat", "openai-chat", "openai-chat"];
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const rows: NewRequestLog[] = [];
  for (let minutesAgo = 7 * 24 * 60; minutesAgo > 90; minutesAgo -= 9) {
    const createdAt = now - minutesAgo * 60_000;
    const hour = new Date(createdAt).getHours();
    if (random() > (hour >= 9 && hour <= 22 ? 0.9 : 0.25)) continue;
    const client = Math.floor(random() * agents.length);
    const failed = random() < 0.06;
    const firstByteMs = Math.round(250 + random() * 900 + (hour % 6) * 60);
    const promptTokens = Math.round(300 + random() * 2800);
    const completionTokens = failed ? 0 : Math.round(60 + random() * 700);
    const cachedTokens = client === 0 ? Math.round(promptTokens * 0.6) : 0;
    rows.push({
      traceId: `seed-${minutesAgo}`,
      model: client === 4 ? "flaky" : "echo",
      providerId: failed && client === 4 ? broken.id : fake.id,
      providerName: failed && client === 4 ? broken.name : fake.name,
      providerModel: "fake-model",
      clientProtocol: protocols[client],
      status: failed ? "error" : "success",
      statusCode: failed ? [429, 500, 502][Math.floor(random() * 3)] : 200,
      error: failed ? "upstream rate limit or server error (seeded)" : null,
      stream: client < 2,
      promptTokens,
      completionTokens,
      cachedTokens,
      totalTokens: promptTokens + completionTokens,
      firstByteMs: failed ? null : firstByteMs,
      durationMs: failed ? Math.round(100 + random() * 400) : firstByteMs + Math.round(400 + random() * 6000),
      clientIp: "127.0.0.1",
      authKeyId: client === 2 ? keys[0]?.id ?? null : null,
      userAgent: agents[client],
      createdAt,
    });
  }
  for (let start = 0; start < rows.length; start += 200) await gateway.db.orm.insert(gateway.db.tables.requestLogs).values(rows.slice(start, start + 200));
}

/** Pages worth a screenshot, and what shows they are ready. */
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
  ];
}

describe.skipIf(!hasChromium)("admin UI in Chromium", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    context = await browser.newContext({ viewport: DESKTOP, colorScheme: "light", locale: "en-US" });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the gateway serves the UI: hashed assets cached for a year, index.html not cached, deep links fall back to it", async () => {
    const index = await fetch(`${gateway.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const script = await fetch(`${gateway.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await script.arrayBuffer();
    const deep = await fetch(`${gateway.url}/models/42`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    const api = await fetch(`${gateway.url}/api/nothing-here`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(api.headers.get("content-type")).toContain("application/json");
  });

  test("login: a wrong token is refused in place, the right one opens the dashboard", async () => {
    await page.goto(`${gateway.url}/logs`);
    await page.waitForURL(/\/login\?next=%2Flogs/);
    await shot(page, "login-light");
    await page.fill("#token", "not-the-token");
    await page.click("button[type=submit]");
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    await page.fill("#token", TEST_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/logs$/);
    expect(await page.evaluate(() => localStorage.getItem("llmio.token"))).toBe(TEST_TOKEN);
    await page.getByRole("link", { name: "Dashboard" }).first().click();
    await page.locator("[data-testid=kpi-requests]").waitFor();
  }, 30_000);

  test("settings: body capture on, saved", async () => {
    await page.getByRole("link", { name: "Settings" }).first().click();
    await page.getByRole("switch", { name: "Keep request and response bodies" }).click();
    await page.click("[data-testid=settings-save]");
    await page.locator("[data-toast=ok]").filter({ hasText: "Saved" }).waitFor();
    expect((await gateway.admin("GET", "/api/settings")).bodyCapture).toBe(true);
  }, 30_000);

  test("providers: create one from the OpenAI template, test the connection, list its models", async () => {
    await page.getByRole("link", { name: "Providers" }).first().click();
    await page.getByTestId("provider-new").click();
    const form = page.locator("#provider-form");
    await form.locator("[data-template=openai]").click();
    await form.locator("input[name=name]").fill("fake-openai");
    await form.locator("input[name=baseUrl]").fill(`${upstream.url}/v1`);
    // Save without a key: the error shows at the field.
    await page.click("[data-testid=provider-save]");
    await form.getByText("Add at least one key.").waitFor();
    await form.locator("textarea[name=apiKeys]").fill("sk-fake-upstream-key-1234");
    await shot(page, "provider-form-light", false);
    await page.click("[data-testid=provider-save]");
    const card = page.locator("[data-testid=provider-card][data-provider=fake-openai]");
    await card.waitFor();
    expect(await card.innerText()).toContain("sk-…1234");

    await card.getByTestId("provider-test").click();
    const result = card.getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-ok")).toBe("true");
    expect(await result.innerText()).toMatch(/Connection works · \d+(\.\d+)? m?s/);

    await card.getByTestId("provider-import").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("fake-model-mini").waitFor();
    await shot(page, "providers-import-light", false);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  }, 30_000);

  test("models: create one and give it the provider through the association form", async () => {
    await page.getByRole("link", { name: "Models" }).first().click();
    await page.getByTestId("model-new").first().click();
    await page.locator("#model-form input[name=name]").fill("echo");
    await page.click("[data-testid=model-save]");
    await page.waitForURL(/\/models\/\d+$/);
    modelId = Number(new URL(page.url()).pathname.split("/").pop());
    await page.getByTestId("association-new").click();
    const form = page.locator("#association-form");
    await form.locator("input[name=providerModel]").fill("fake-model");
    await form.locator("input[name=weight]").fill("3");
    await shot(page, "association-form-light", false);
    await page.click("[data-testid=association-save]");
    const row = page.getByTestId("association-row");
    await row.waitFor();
    expect(await row.innerText()).toContain("fake-model");
    const associations = await gateway.admin("GET", `/api/model-providers?modelId=${modelId}`);
    expect(associations).toMatchObject([{ providerModel: "fake-model", weight: 3, enabled: true }]);
  }, 30_000);

  test("keys: issue a client key, shown once with a copy button", async () => {
    await page.getByRole("link", { name: "API keys" }).first().click();
    await page.getByTestId("key-new").first().click();
    await page.locator("#key-form input[name=name]").fill("laptop");
    await page.click("[data-testid=key-save]");
    const created = page.getByTestId("created-key");
    await created.waitFor();
    clientKey = (await created.innerText()).trim();
    expect(clientKey.length).toBeGreaterThan(20);
    await shot(page, "keys-created-light", false);
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByTestId("key-card").waitFor();
  }, 30_000);

  test("requests through the gateway appear on the dashboard", async () => {
    // A second model with a failing and a healthy provider gives the charts errors and failovers.
    const flaky = await gateway.admin("POST", "/api/models", { name: "flaky", maxRetry: 2 });
    const broken = await gateway.admin("POST", "/api/providers", { name: "broken-upstream", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-broken-0000"] });
    await gateway.admin("POST", "/api/model-providers", { modelId: flaky.id, providerId: broken.id, providerModel: "fake-model+status=500", weight: 5 });
    const providers = await gateway.admin("GET", "/api/providers");
    const fake = providers.find((provider: { name: string }) => provider.name === "fake-openai");
    await gateway.admin("POST", "/api/model-providers", { modelId: flaky.id, providerId: fake.id, providerModel: "fake-model", weight: 1 });

    const first = await chat("echo");
    expect(first.status).toBe(200);
    traceId = first.traceId;
    for (let index = 0; index < 6; index++) await chat("echo", { stream: index % 2 === 0, userAgent: index % 2 ? "claude-cli/2.1.0" : "OpenAI/JS 7.57.0" });
    for (let index = 0; index < 3; index++) await chat("echo", { key: clientKey, userAgent: "Cherry Studio/1.5" });
    for (let index = 0; index < 4; index++) await chat("flaky");
    expect((await chat("no-such-model")).status).toBe(404);
    await flushLogs();

    await page.getByRole("link", { name: "Dashboard" }).first().click();
    const requests = page.getByTestId("kpi-requests");
    await page.waitForFunction(() => Number(document.querySelector("[data-testid=kpi-requests] .text-2xl")?.textContent?.replace(/\D/g, "")) >= 14);
    expect(await requests.textContent()).toContain("Requests");
    // uPlot draws on canvas: three charts.
    expect(await page.locator(".llmio-chart canvas").count()).toBe(3);
    expect(await page.getByText("echo", { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.locator("text=laptop").count()).toBeGreaterThan(0);
    await page.getByTestId("live-panel").locator("dl").waitFor();
    await shot(page, "dashboard-light");
  }, 30_000);

  test("models: drag a model above another to reorder the list", async () => {
    await page.getByRole("link", { name: "Models" }).first().click();
    const rows = page.getByTestId("model-row");
    await page.locator("[data-testid=model-row][data-model=flaky]").waitFor();
    expect(await rows.evaluateAll((items) => items.map((item) => item.getAttribute("data-model")))).toEqual(["echo", "flaky"]);
    const handle = page.locator("[data-testid=model-row][data-model=flaky] [data-drag-handle]");
    const target = await page.locator("[data-testid=model-row][data-model=echo]").boundingBox();
    const start = await handle.boundingBox();
    await page.mouse.move(start!.x + start!.width / 2, start!.y + start!.height / 2);
    await page.mouse.down();
    await page.mouse.move(start!.x + start!.width / 2, target!.y + 4, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector("[data-testid=model-row]")?.getAttribute("data-model") === "flaky");
    await Bun.sleep(100);
    const models: { name: string }[] = await gateway.admin("GET", "/api/models");
    expect(models.map((model) => model.name)).toEqual(["flaky", "echo"]);
  }, 30_000);

  test("providers: a failing connection test shows the upstream's error in place", async () => {
    await page.getByRole("link", { name: "Providers" }).first().click();
    const card = page.locator("[data-testid=provider-card][data-provider=broken-upstream]");
    await card.getByTestId("provider-test").click();
    const result = card.getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-ok")).toBe("false");
    expect(await result.innerText()).toContain("Connection failed");
    expect(await result.innerText()).toContain("500");
  }, 30_000);

  test("logs: the request is listed, its detail drawer shows attempts, timings and bodies", async () => {
    await page.getByRole("link", { name: "Logs" }).first().click();
    const row = page.locator(`[data-testid=log-row][data-trace="${traceId}"]`);
    await row.waitFor();
    await row.click();
    await page.waitForURL(new RegExp(`detail=${traceId}`));
    const drawer = page.getByTestId("log-detail");
    await drawer.getByTestId("attempt").first().waitFor();
    expect(await drawer.getByTestId("detail-trace").innerText()).toBe(traceId);
    const text = await drawer.innerText();
    expect(text).toContain("fake-openai");
    expect(text).toContain("First byte");
    // The request is shown readable (its messages), not as raw JSON.
    await drawer.getByTestId("body-request").waitFor();
    expect(await drawer.getByTestId("body-request").innerText()).toContain("hello from the UI test");
    await shot(page, "log-detail-light", false);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });

    // Filter: errors only → the flaky model's failed attempts, each with a 500.
    await page.selectOption("#log-status", "error");
    await page.waitForURL(/status=error/);
    // The URL changes before the filtered page arrives: wait for the table to show it.
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll("[data-testid=log-row] td:nth-child(4)")];
      return cells.length > 0 && cells.every((cell) => !cell.textContent?.includes("200"));
    }, undefined, { timeout: 10_000 });
    const statuses = await page.locator("[data-testid=log-row] td:nth-child(4)").allInnerTexts();
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) expect(status).not.toContain("200");
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL((url) => !url.search.includes("status="));
  }, 30_000);

  test("dark mode and Chinese", async () => {
    await page.getByRole("link", { name: "Dashboard" }).first().click();
    const toggle = page.locator("aside [data-testid=theme-toggle]");
    // system → light → dark
    while ((await toggle.getAttribute("data-theme")) !== "dark") await toggle.click();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    await page.selectOption("[data-testid=locale-select] >> nth=0", "zh");
    await page.getByRole("link", { name: "仪表盘" }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await page.getByTestId("kpi-requests").getByText("请求数").waitFor();
    await shot(page, "dashboard-dark-zh");
    await page.getByRole("link", { name: "提供商" }).first().click();
    await page.getByTestId("provider-card").first().waitFor();
    await shot(page, "providers-dark-zh");
    await page.getByRole("link", { name: "日志" }).first().click();
    await page.getByTestId("log-row").first().waitFor();
    await shot(page, "logs-dark-zh");
    // Both choices survive a reload.
    await page.reload();
    await page.getByRole("link", { name: "仪表盘" }).first().waitFor();
    expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    await page.selectOption("[data-testid=locale-select] >> nth=0", "en");
    while ((await toggle.getAttribute("data-theme")) !== "system") await toggle.click();
  }, 30_000);

  test("every page in light and dark, desktop and 390 px: screenshots, no sideways scrolling", async () => {
    await seedHistory();
    const overflow: string[] = [];
    for (const dark of [false, true]) {
      for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
        const variant = await openContext({ dark, viewport });
        const tab = await variant.newPage();
        tab.setDefaultTimeout(10_000);
        for (const target of pages()) {
          await tab.goto(`${gateway.url}${target.path}`);
          await tab.locator(target.ready).first().waitFor();
          await shot(tab, `${target.name}-${dark ? "dark" : "light"}-${size}`, target.name !== "log-detail");
          const width = await tab.evaluate(() => document.documentElement.scrollWidth);
          if (width > viewport.width + 1) overflow.push(`${target.name} ${size} ${dark ? "dark" : "light"}: ${width}px`);
        }
        if (size === "phone") {
          await tab.goto(`${gateway.url}/`);
          await tab.getByTestId("menu-button").click();
          await tab.getByRole("dialog").getByRole("link", { name: "Providers" }).waitFor();
          await shot(tab, `menu-${dark ? "dark" : "light"}-phone`, false);
          await tab.getByRole("dialog").getByRole("link", { name: "Providers" }).click();
          await tab.getByTestId("provider-card").first().waitFor();
        }
        await variant.close();
      }
    }
    expect(overflow).toEqual([]);
  }, 180_000);

  test("logs: older pages come by keyset cursor, and newer goes back", async () => {
    await page.goto(`${gateway.url}/logs?range=7d`);
    const firstRow = page.locator("[data-testid=log-row]").first();
    await firstRow.waitFor();
    const newest = await firstRow.getAttribute("data-trace");
    const [older] = await Promise.all([page.waitForResponse((response) => response.url().includes("cursor=")), page.getByTestId("logs-older").click()]);
    expect(older.status()).toBe(200);
    await page.getByText("Page 2").waitFor();
    expect(await firstRow.getAttribute("data-trace")).not.toBe(newest);
    await page.getByRole("button", { name: "Newer" }).click();
    await page.waitForFunction((trace) => document.querySelector("[data-testid=log-row]")?.getAttribute("data-trace") === trace, newest);
  }, 30_000);

  test("a 401 from the API sends the user back to login, and logout forgets the token", async () => {
    await page.evaluate(() => localStorage.setItem("llmio.token", "revoked-token"));
    await page.goto(`${gateway.url}/providers`);
    await page.waitForURL(/\/login\?next=%2Fproviders/);
    expect(await page.evaluate(() => localStorage.getItem("llmio.token"))).toBeNull();
    await page.fill("#token", TEST_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForURL(/\/providers$/);
    await page.getByTestId("logout").first().click();
    await page.waitForURL(/\/login/);
    expect(await page.evaluate(() => localStorage.getItem("llmio.token"))).toBeNull();
  }, 30_000);
});
