/**
 * The response cache in the admin UI (issue 18), in real Chromium against a real gateway and a
 * fake upstream: the model form turns the cache on, the same request sent twice is answered the
 * second time from the cache, Settings shows what the cache holds and purges it (confirmed), the
 * logs mark the hit (badge, savings, filter, detail), the dashboard shows the hit rate and what
 * was saved, and the model detail purges one model's answers. Screenshots, light and dark, land in
 * test-results/ui-response-cache/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-response-cache");
const DESKTOP = { width: 1280, height: 900 };
const MODEL = "translate";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-response-cache.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let modelId: number;
const traces = { miss: "", hit: "" };

function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(target: Page, name: string, fullPage = true) {
  if (fullPage) await target.evaluate(() => window.scrollTo(0, 0));
  await target.waitForTimeout(250);
  await target.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** The same deterministic paragraph a translation plugin sends again and again. */
async function translate(): Promise<{ trace: string; cache: string | null }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({
      model: MODEL,
      temperature: 0,
      messages: [
        { role: "system", content: "You are a professional translator. Translate the text into French." },
        { role: "user", content: "The same navigation bar appears on every page of the site." },
      ],
    }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return { trace: response.headers.get("x-llmio-trace-id")!, cache: response.headers.get("x-llmio-cache") };
}

async function flushLogs() {
  await Bun.sleep(50);
  await gateway.logWriter.flush();
}

/** Confirms the open confirmation dialog with its danger button. */
async function confirm(target: Page, label: string) {
  await target.getByRole("dialog").getByRole("button", { name: label, exact: true }).click();
  await target.getByRole("dialog").waitFor({ state: "detached" });
}

describe.skipIf(!hasChromium)("the response cache in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    const model = await configureModel(gateway, MODEL, [{ name: "deepl-ish", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    modelId = model.id;
    const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${modelId}`);
    await gateway.admin("PUT", `/api/model-providers/${association.id}`, { priceInput: 3000, priceOutput: 15000 });
    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: DESKTOP });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the model form turns the cache on; the switches wait for a TTL", async () => {
    await page.goto(`${gateway.url}/models/${modelId}`);
    await page.getByTestId("model-cache-ttl").filter({ hasText: "Off" }).waitFor();
    await page.getByTestId("model-edit").click();
    const form = page.locator("#model-form");
    const switches = form.getByTestId("model-cache-switches").getByRole("switch");
    expect(await switches.count()).toBe(3);
    for (const index of [0, 1, 2]) expect(await switches.nth(index).isDisabled()).toBe(true);
    // Coalescing is on by default, the other two off.
    expect(await switches.evaluateAll((buttons) => buttons.map((button) => button.getAttribute("aria-checked")))).toEqual(["false", "false", "true"]);

    const ttl = form.locator("input[name=cacheTtlSeconds]");
    await ttl.fill("-5");
    await page.getByTestId("model-save").click();
    await form.getByText("A whole number, 0 or more.").waitFor();
    await ttl.fill("600");
    expect(await switches.first().isDisabled()).toBe(false);
    await form.getByRole("switch", { name: "Cache everything" }).click();
    await form.getByTestId("model-cache-switches").scrollIntoViewIfNeeded();
    await shot(page, "model-form-cache-light", false);
    await page.getByTestId("model-save").click();
    await form.waitFor({ state: "detached" });

    const saved = (await gateway.admin("GET", "/api/models")).find((item: { id: number }) => item.id === modelId);
    expect(saved).toMatchObject({ cacheTtlSeconds: 600, cacheEverything: true, cachePerKey: false, coalesce: true });
    const detail = page.getByTestId("model-cache");
    await page.getByTestId("model-cache-ttl").filter({ hasText: "10 min" }).waitFor();
    expect(await detail.innerText()).toMatch(/Cache everything\s+On[\s\S]*Separate cache per client key\s+Off[\s\S]*Coalesce identical in-flight requests\s+On/);
    await shot(page, "model-detail-cache-light");
  }, 60_000);

  test("the same request twice: a miss, then a hit; Settings shows the stored answer", async () => {
    const first = await translate();
    const second = await translate();
    expect([first.cache, second.cache]).toEqual(["miss", "hit"]);
    traces.miss = first.trace;
    traces.hit = second.trace;
    await flushLogs();

    await page.goto(`${gateway.url}/settings`);
    const section = page.getByTestId("settings-cache");
    await section.getByTestId("cache-model-row").filter({ hasText: MODEL }).waitFor();
    expect(await section.getByTestId("cache-entries").innerText()).toContain("1");
    expect(await section.getByTestId("cache-memory").innerText()).toMatch(/of 64 MB/);
    expect(await section.locator("input[name=cacheMaxMb]").inputValue()).toBe("64");
    await section.scrollIntoViewIfNeeded();
    await shot(page, "settings-cache-light");

    // The memory bound is an ordinary setting.
    await section.locator("input[name=cacheMaxMb]").fill("128");
    await page.getByTestId("settings-save").click();
    await page.getByText("Saved").first().waitFor();
    expect((await gateway.admin("GET", "/api/settings")).cacheMaxMb).toBe(128);
  }, 60_000);

  test("the logs mark the hit: a cached badge with its savings, a cache filter, and the detail", async () => {
    await page.goto(`${gateway.url}/logs`);
    const hitRow = page.locator(`[data-testid=log-row][data-trace="${traces.hit}"]`);
    await hitRow.waitFor();
    expect(await hitRow.getByTestId("log-cached").innerText()).toContain("Cached");
    expect(await hitRow.innerText()).toContain("Served from cache");
    expect(await hitRow.innerText()).not.toContain("deepl-ish");
    expect(await hitRow.getByTestId("log-saved-tokens").innerText()).toMatch(/^saved \d/);
    expect(await hitRow.getByTestId("log-cost").innerText()).toMatch(/^saved \$\d/);
    const missRow = page.locator(`[data-testid=log-row][data-trace="${traces.miss}"]`);
    expect(await missRow.innerText()).toContain("deepl-ish");
    expect(await missRow.getByTestId("log-cached").count()).toBe(0);
    await shot(page, "logs-cached-row-light", false);

    await page.locator("#log-cache").selectOption("hit");
    await page.waitForURL(/cache=hit/);
    await missRow.waitFor({ state: "detached" });
    expect(await page.getByTestId("log-row").count()).toBe(1);
    await page.locator("#log-cache").selectOption("miss");
    await hitRow.waitFor({ state: "detached" });
    await missRow.waitFor();

    await page.goto(`${gateway.url}/logs?detail=${traces.hit}`);
    const savings = page.getByTestId("detail-cache-hit");
    await savings.waitFor();
    expect(await savings.innerText()).toContain("no upstream was called");
    expect(Number((await savings.getByTestId("detail-saved-tokens").innerText()).replace(/\D/g, ""))).toBeGreaterThan(0);
    expect(await savings.getByTestId("detail-saved-cost").innerText()).toMatch(/^\$\d/);
    expect(await page.getByTestId("detail-cache-status").innerText()).toBe("Hit");
    await shot(page, "log-detail-hit-light", false);
  }, 60_000);

  test("the dashboard shows the hit rate, the tokens and the money saved", async () => {
    await page.goto(`${gateway.url}/`);
    const row = page.getByTestId("dashboard-cache");
    await row.waitFor();
    expect(await row.getByTestId("kpi-cache-hit-rate").innerText()).toMatch(/50%[\s\S]*hits: 1 · misses: 1/);
    expect(await row.getByTestId("kpi-cache-saved-tokens").innerText()).toMatch(/tokens saved\s+\d/i);
    expect(await row.getByTestId("kpi-cache-saved-cost").innerText()).toMatch(/\$\d/);
    await shot(page, "dashboard-cache-light");
  }, 30_000);

  test("dark theme: the same pages read well", async () => {
    const dark = await signedInPage(browser, { viewport: DESKTOP, colorScheme: "dark" });
    try {
      await dark.goto(`${gateway.url}/`);
      await dark.getByTestId("dashboard-cache").waitFor();
      await shot(dark, "dashboard-cache-dark");
      await dark.goto(`${gateway.url}/logs`);
      await dark.locator(`[data-testid=log-row][data-trace="${traces.hit}"]`).waitFor();
      await shot(dark, "logs-cached-row-dark", false);
      await dark.goto(`${gateway.url}/logs?detail=${traces.hit}`);
      await dark.getByTestId("detail-cache-hit").waitFor();
      await shot(dark, "log-detail-hit-dark", false);
      await dark.goto(`${gateway.url}/settings`);
      await dark.getByTestId("cache-model-row").waitFor();
      await shot(dark, "settings-cache-dark");
      await dark.goto(`${gateway.url}/models/${modelId}`);
      await dark.getByTestId("model-edit").click();
      await dark.locator("#model-form").getByTestId("model-cache-switches").scrollIntoViewIfNeeded();
      await shot(dark, "model-form-cache-dark", false);
    } finally {
      await dark.context().close();
    }
  }, 60_000);

  test("purging: one model's cache from its page, then all of it from Settings, each confirmed first", async () => {
    await page.goto(`${gateway.url}/models/${modelId}`);
    await page.getByTestId("model-cache-purge").click();
    await page.getByRole("dialog").getByText(`Purge the cache of ${MODEL}?`).waitFor();
    // Cancelling keeps the answers.
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect((await gateway.admin("GET", "/api/cache")).entries).toBe(1);
    await page.getByTestId("model-cache-purge").click();
    await confirm(page, "Purge this model's cache");
    await page.getByText("Cached answers removed: 1").waitFor();
    expect((await gateway.admin("GET", "/api/cache")).entries).toBe(0);
    expect((await translate()).cache).toBe("miss");

    await page.goto(`${gateway.url}/settings`);
    const section = page.getByTestId("settings-cache");
    await section.getByTestId("cache-model-row").waitFor();
    await section.getByTestId("cache-purge-all").click();
    await page.getByRole("dialog").getByText("Purge the whole response cache?").waitFor();
    await confirm(page, "Purge all");
    await section.getByTestId("cache-empty").waitFor();
    expect((await gateway.admin("GET", "/api/cache")).entries).toBe(0);
    await section.scrollIntoViewIfNeeded();
    await shot(page, "settings-cache-purged-light");
  }, 60_000);
});
