/**
 * Provider health in the admin UI, in real Chromium against a real gateway and the fake upstream:
 * an upstream that stops shows "Down · until HH:MM:SS" with the cause named ("connection refused");
 * Reset turns it green; a successful Test connection turns it green at once; the background probe
 * turns it green by itself once the upstream is back; a disabled provider's expected share is 0.
 * Screenshots land in test-results/ui-health/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { HealthProbe } from "../src/relay/health-probe.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-health");
/** Opens after two failures and stays open a minute: only Reset, a test or a probe closes it here. */
const BREAKER = { failureThreshold: 2, openMs: 60_000 };

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-health.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream | undefined;
let port = 0;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let modelId = 0;
let localId = 0;
let spareId = 0;

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function chat() {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "chat", messages: [{ role: "user", content: "hello" }] }),
  });
  await response.text();
}

async function breakerState(): Promise<string> {
  const health: Array<{ id: number; associations: Array<{ breaker: { state: string } }> }> = await gateway.admin("GET", "/api/health/providers");
  return health.find((entry) => entry.id === localId)!.associations[0].breaker.state;
}

/** Stops the upstream (its port refuses connections) and sends requests until the breaker is open. */
async function takeUpstreamDown() {
  await upstream?.stop();
  upstream = undefined;
  for (let attempt = 0; attempt < 4 && (await breakerState()) !== "open"; attempt++) await chat();
  expect(await breakerState()).toBe("open");
}

const card = () => page.locator("[data-testid=provider-card][data-provider=local]");
const status = () => card().getByTestId("provider-status");

/** Opens the Providers page fresh (the health poll starts at once). */
async function openProviders() {
  await page.goto(`${gateway.url}/providers`);
  await card().waitFor();
}

describe.skipIf(!hasChromium)("provider health in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    port = upstream.port;
    gateway = startTestGateway({ breaker: BREAKER });
    const model = await gateway.admin("POST", "/api/models", { name: "chat", maxRetry: 1 });
    modelId = model.id;
    const local = await gateway.admin("POST", "/api/providers", { name: "local", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-local-key-0001"] });
    localId = local.id;
    const spare = await gateway.admin("POST", "/api/providers", { name: "spare", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-spare-key-0001"], enabled: false });
    spareId = spare.id;
    await gateway.admin("POST", "/api/model-providers", { modelId, providerId: local.id, providerModel: "fake-model", weight: 1 });
    await gateway.admin("POST", "/api/model-providers", { modelId, providerId: spare.id, providerModel: "fake-model", weight: 3 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", locale: "en-US", deviceScaleFactor: 1 });
    await context.addInitScript((token) => {
      localStorage.setItem("llmio.token", token);
      localStorage.setItem("llmio.locale", "en");
    }, TEST_TOKEN);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("a provider whose upstream stopped: Down until HH:MM:SS, connection refused; Reset turns it green", async () => {
    await takeUpstreamDown();
    await openProviders();
    await status().filter({ hasText: /Down · until \d\d:\d\d:\d\d/ }).waitFor();
    expect(await status().getAttribute("data-status")).toBe("down");
    expect(await card().getByTestId("provider-cause").innerText()).toBe("connection refused");
    expect(await card().getByTestId("association-breaker").innerText()).toMatch(/Breaker open until \d\d:\d\d:\d\d/);
    expect(await card().innerText()).not.toContain("keys unusable");
    await shot("provider-down");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("provider-down-phone");
    await page.setViewportSize({ width: 1280, height: 800 });

    await card().getByTestId("provider-reset").click();
    await status().filter({ hasText: "Healthy" }).waitFor();
    expect(await status().getAttribute("class")).toContain("badge-ok");
    expect(await card().getByTestId("provider-reset").count()).toBe(0);
    expect(await card().getByTestId("provider-last-check").innerText()).toMatch(/^Reset · \d\d:\d\d:\d\d$/);
    await shot("provider-reset");
  }, 60_000);

  test("Test connection that works turns it green at once", async () => {
    await takeUpstreamDown();
    await openProviders();
    await status().filter({ hasText: "Down" }).waitFor();
    upstream = startFakeUpstream({ port });
    await card().getByTestId("provider-test").click();
    await card().getByTestId("test-result").filter({ hasText: "Connection works" }).waitFor();
    // The card polls every 5 s; the test asks for the health at once.
    await status().filter({ hasText: "Healthy" }).waitFor({ timeout: 2_000 });
    await shot("provider-test-closes");
  }, 60_000);

  test("the background probe turns it green by itself once the upstream is back", async () => {
    await takeUpstreamDown();
    const probe = new HealthProbe(gateway.deps, { intervalMs: 300 }).start();
    try {
      await openProviders();
      await card().getByTestId("provider-last-check").filter({ hasText: "Background check" }).filter({ hasText: "connection refused" }).waitFor();
      await status().filter({ hasText: "Down" }).waitFor();
      await shot("provider-probe-still-down");
      upstream = startFakeUpstream({ port });
      // No click, no request: the probe closes the breaker and the page's 5 s health poll shows it.
      await status().filter({ hasText: "Healthy" }).waitFor({ timeout: 12_000 });
      expect(await card().getByTestId("provider-last-check").innerText()).toMatch(/^Background check · \d\d:\d\d:\d\d · works$/);
      await shot("provider-probe-recovered");
    } finally {
      probe.stop();
    }
  }, 60_000);

  test("model detail: a disabled or pinned-away provider's share is 0, an open breaker says until when", async () => {
    await page.goto(`${gateway.url}/models/${modelId}`);
    const rows = page.getByTestId("association-row");
    await rows.first().waitFor();
    const share = async (provider: string) => rows.filter({ hasText: provider }).getByTestId("expected-share").innerText();
    // spare has weight 3 against local's 1, but it is disabled: it gets nothing.
    expect(await share("spare")).toBe("≈ 0% of traffic");
    expect(await share("local")).toBe("≈ 100% of traffic");
    expect(await rows.filter({ hasText: "spare" }).innerText()).toContain("Disabled");
    // Both enabled: the weights decide; pinned to spare: local gets nothing.
    await gateway.admin("PUT", `/api/providers/${spareId}`, { enabled: true });
    await page.reload();
    await rows.filter({ hasText: "spare" }).getByTestId("expected-share").filter({ hasText: "75%" }).waitFor();
    expect(await share("local")).toBe("≈ 25% of traffic");
    await gateway.admin("PUT", `/api/models/${modelId}/pin`, { providerId: spareId });
    await page.reload();
    await rows.filter({ hasText: "spare" }).getByTestId("expected-share").filter({ hasText: "100%" }).waitFor();
    expect(await share("local")).toBe("≈ 0% of traffic");
    await shot("model-detail-pinned");
    await gateway.admin("PUT", `/api/models/${modelId}/pin`, { providerId: null });
    await gateway.admin("PUT", `/api/providers/${spareId}`, { enabled: false });
    await takeUpstreamDown();
    await page.reload();
    await rows.filter({ hasText: "local" }).getByTestId("association-breaker").filter({ hasText: /^open until \d\d:\d\d:\d\d/ }).waitFor();
    await shot("model-detail-share");
    await gateway.admin("POST", `/api/providers/${localId}/health/reset`);
  }, 60_000);

  test("in Chinese: the same state in Chinese words", async () => {
    await takeUpstreamDown();
    await page.evaluate(() => localStorage.setItem("llmio.locale", "zh"));
    await page.addInitScript(() => localStorage.setItem("llmio.locale", "zh"));
    await openProviders();
    await status().filter({ hasText: /不可用 · 至 \d\d:\d\d:\d\d/ }).waitFor();
    expect(await card().getByTestId("provider-cause").innerText()).toBe("连接被拒绝");
    await shot("provider-down-zh");
    await card().getByTestId("provider-reset").click();
    await status().filter({ hasText: "健康" }).waitFor();
  }, 60_000);
});
