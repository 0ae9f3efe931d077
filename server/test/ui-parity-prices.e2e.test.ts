/**
 * Prices and cost in the admin UI (issue 14), in real Chromium against a real gateway: the
 * association form's currency and cache-write price, a Cost column in the logs list, the cost and
 * the prices of the time in the log detail, and the dashboard's cost per currency (never added
 * across currencies). Screenshots land in test-results/ui-prices/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, logsOf, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-prices");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-parity-prices.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let cnyModelId: number;
const traces: Record<"usd" | "cny", string> = { usd: "", cny: "" };

function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string, fullPage = true) {
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

async function chat(model: string) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Tell me something about prices and history, please." }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("x-llmio-trace-id")!;
}

describe.skipIf(!hasChromium)("prices and cost in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    const usd = await configureModel(gateway, "usd-model", [{ name: "dollar-provider", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    const cny = await configureModel(gateway, "cny-model", [{ name: "yuan-provider", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    cnyModelId = cny.id;
    const [usdAssociation] = await gateway.admin("GET", `/api/model-providers?modelId=${usd.id}`);
    await gateway.admin("PUT", `/api/model-providers/${usdAssociation.id}`, { priceInput: 3000, priceOutput: 15000 });

    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the association form sets the currency and the cache-write price", async () => {
    await page.goto(`${gateway.url}/models/${cnyModelId}`);
    const row = page.getByTestId("association-row").first();
    await row.getByRole("button", { name: "Edit" }).click();
    const form = page.locator("#association-form");
    await form.locator("select[name=currency]").selectOption("CNY");
    await form.getByLabel("Input", { exact: true }).fill("2000");
    await form.locator("input[name=priceCacheWrite]").fill("2500");
    await form.getByLabel("Output", { exact: true }).fill("8000");
    await shot("association-form-prices", false);
    await page.click("[data-testid=association-save]");
    await form.waitFor({ state: "detached" });
    const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${cnyModelId}`);
    expect(association).toMatchObject({ currency: "CNY", priceInput: 2000, priceCacheWrite: 2500, priceOutput: 8000 });
    // The form shows what was saved when opened again.
    await row.getByRole("button", { name: "Edit" }).click();
    expect(await form.locator("select[name=currency]").inputValue()).toBe("CNY");
    expect(await form.locator("input[name=priceCacheWrite]").inputValue()).toBe("2500");
    await page.keyboard.press("Escape");
  }, 30_000);

  test("the logs list has a Cost column in each row's currency", async () => {
    traces.usd = await chat("usd-model");
    traces.cny = await chat("cny-model");
    const usdRow = (await logsOf(gateway, traces.usd))[0];
    const cnyRow = (await logsOf(gateway, traces.cny))[0];
    expect(usdRow.currency).toBe("USD");
    expect(cnyRow.currency).toBe("CNY");
    expect(usdRow.cost).toBeGreaterThan(0);
    await page.goto(`${gateway.url}/logs`);
    await page.getByTestId("log-row").nth(1).waitFor();
    const header = await page.getByTestId("logs-table").locator("thead").innerText();
    expect(header.toLowerCase()).toContain("cost");
    const costOf = (trace: string) => page.locator(`[data-testid=log-row][data-trace="${trace}"] [data-testid=log-cost]`).innerText();
    expect(await costOf(traces.usd)).toMatch(/^\$\d/);
    expect(await costOf(traces.cny)).toMatch(/^¥\d/);
    await shot("logs-cost-column");
  }, 30_000);

  test("the log detail shows the cost and the prices of the time, unchanged after a price change", async () => {
    const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${cnyModelId}`);
    await gateway.admin("PUT", `/api/model-providers/${association.id}`, { priceInput: 1, priceOutput: 1 });
    await page.goto(`${gateway.url}/logs?detail=${traces.cny}`);
    const cost = page.getByTestId("log-detail").getByTestId("attempt-cost");
    await cost.waitFor();
    const text = await cost.innerText();
    expect(text).toContain("¥");
    expect(text).toContain("2000 in");
    expect(text).toContain("2500 cache write");
    expect(text).toContain("8000 out");
    expect(text).toContain("CNY");
    await shot("log-detail-cost");
  }, 30_000);

  test("the dashboard shows the cost per currency: total, per model and per provider", async () => {
    await page.goto(`${gateway.url}/`);
    const kpi = page.getByTestId("kpi-cost");
    await kpi.waitFor();
    await page.waitForFunction(() => document.querySelector("[data-testid=kpi-cost]")?.textContent?.includes("¥"));
    const total = await kpi.innerText();
    expect(total).toMatch(/\$\d/);
    expect(total).toMatch(/¥\d/);
    const body = await page.locator("main").innerText();
    expect(body).toContain("dollar-provider");
    expect(body).toContain("yuan-provider");
    await shot("dashboard-cost-per-currency");
  }, 30_000);
});
