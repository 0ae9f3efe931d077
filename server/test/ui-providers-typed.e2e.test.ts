/**
 * Providers typed by hand, in real Chromium against a real gateway and the fake upstream: a base
 * URL without its version (`http://host:port` instead of `…/v1`) is caught on save and on Test
 * connection, and the corrected URL is one click away; "Import models" that fails (401, 404, an
 * answer that is not JSON) says what the provider answered inside the dialog, and the page stays
 * usable (it used to turn into an endless skeleton, the message only in the console).
 * Screenshots land in test-results/ui-providers-typed/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-providers-typed");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-providers-typed.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
/** Serves an HTML page for every path, as a base URL pointing at a website does. */
let website: ReturnType<typeof Bun.serve>;
/** Uncaught errors in the page: none may happen. */
const pageErrors: string[] = [];

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string) {
  await page.waitForTimeout(250); // let transitions settle
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function openProviders() {
  await page.goto(`${gateway.url}/providers`);
  await page.getByTestId("provider-new").first().waitFor();
}

const card = (name: string) => page.locator(`[data-testid=provider-card][data-provider="${name}"]`);

/** Whether the page (outside dialogs) shows skeleton rows. */
const skeletonShown = () => page.locator("main [aria-busy=true]").count();

describe.skipIf(!hasChromium)("providers typed by hand, in Chromium", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    website = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("<!doctype html><title>Welcome</title><h1>Welcome</h1>", { headers: { "content-type": "text/html" } }) });
    gateway = startTestGateway();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: "light", locale: "en-US", deviceScaleFactor: 1 });
    await context.addInitScript((token) => localStorage.setItem("llmio.token", token), TEST_TOKEN);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
    website?.stop(true);
  });

  test("a versionless base URL: saving warns with the corrected URL, one click saves it, the connection works", async () => {
    await openProviders();
    await page.getByTestId("provider-new").first().click();
    const form = page.locator("#provider-form");
    await form.locator("[data-template=custom]").click();
    await form.locator("input[name=name]").fill("typed-by-hand");
    await form.locator("input[name=baseUrl]").fill(upstream.url);
    await form.locator("textarea[name=apiKeys]").fill("sk-typed-by-hand-1234");
    await page.click("[data-testid=provider-save]");

    const warning = form.getByTestId("base-url-warning");
    await warning.waitFor();
    expect(await warning.innerText()).toContain(`${upstream.url}/v1`);
    // Saved as typed already; the dialog stays open on it.
    const [saved] = await gateway.admin("GET", "/api/providers");
    expect(saved).toMatchObject({ name: "typed-by-hand", baseUrl: upstream.url });
    await shot("form-warning");

    await warning.getByTestId("base-url-fix").click();
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await card("typed-by-hand").waitFor();
    expect(await card("typed-by-hand").innerText()).toContain(`${upstream.url}/v1`);
    expect(await gateway.admin("GET", `/api/providers/${saved.id}`)).toMatchObject({ baseUrl: `${upstream.url}/v1` });
    expect((await gateway.admin("GET", "/api/providers")).length).toBe(1);

    await card("typed-by-hand").getByTestId("provider-test").click();
    const result = card("typed-by-hand").getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-ok")).toBe("true");
    // A model the provider lists, not a fixed gpt-4o-mini.
    expect(await result.innerText()).toContain("fake-model");
    expect(await result.innerText()).not.toContain("gpt-4o-mini");
    await shot("form-fixed-connection-works");
  }, 60_000);

  test("Test connection on a versionless provider: the 404 with the corrected URL; one click updates it and the test passes", async () => {
    await gateway.admin("POST", "/api/providers", { name: "typed-api", type: "openai", baseUrl: upstream.url, apiKeys: ["sk-typed-api-1234"] });
    await openProviders();
    await card("typed-api").getByTestId("provider-test").click();
    const result = card("typed-api").getByTestId("test-result");
    await result.waitFor();
    expect(await result.getAttribute("data-ok")).toBe("false");
    expect(await result.innerText()).toContain("HTTP 404");
    const warning = result.getByTestId("base-url-warning");
    expect(await warning.innerText()).toContain(`${upstream.url}/v1`);
    await shot("test-warning");

    await warning.getByTestId("base-url-fix").click();
    await page.waitForFunction(() => document.querySelector('[data-provider="typed-api"] [data-testid=test-result]')?.getAttribute("data-ok") === "true");
    expect(await card("typed-api").innerText()).toContain(`${upstream.url}/v1`);
    const providers: { name: string; baseUrl: string }[] = await gateway.admin("GET", "/api/providers");
    expect(providers.find((provider) => provider.name === "typed-api")?.baseUrl).toBe(`${upstream.url}/v1`);
    await shot("test-fixed");
  }, 60_000);

  test("Import models refused with 401: the provider's status and message in the dialog, the page stays usable", async () => {
    await gateway.admin("POST", "/api/providers", { name: "rejected-key", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["bad-key-0123456789"] });
    await openProviders();
    await card("rejected-key").getByTestId("provider-import").click();
    const dialog = page.getByRole("dialog");
    const error = dialog.getByTestId("import-error");
    await error.waitFor();
    expect(await error.getAttribute("data-status")).toBe("401");
    expect(await error.innerText()).toContain("The provider answered HTTP 401");
    expect(await error.innerText()).toContain("Incorrect API key");
    expect(await dialog.getByTestId("base-url-warning").count()).toBe(0);
    expect(await skeletonShown()).toBe(0);
    expect(await card("typed-by-hand").isVisible()).toBe(true);
    await shot("import-401");

    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    // Still a working page: another card's test runs.
    await card("typed-by-hand").getByTestId("provider-test").click();
    await card("typed-by-hand").locator("[data-testid=test-result][data-ok=true]").waitFor();
  }, 60_000);

  test("Import models from a versionless URL: the 404 and the base-URL hint above it; one click fixes it and the list loads", async () => {
    await gateway.admin("POST", "/api/providers", { name: "versionless-import", type: "openai", baseUrl: upstream.url, apiKeys: ["sk-versionless-1234"] });
    await openProviders();
    await card("versionless-import").getByTestId("provider-import").click();
    const dialog = page.getByRole("dialog");
    const error = dialog.getByTestId("import-error");
    await error.waitFor();
    expect(await error.getAttribute("data-status")).toBe("404");
    expect(await error.innerText()).toContain("Unknown fake upstream route: GET /models");
    const warning = dialog.getByTestId("base-url-warning");
    expect(await warning.innerText()).toContain(`${upstream.url}/v1`);
    // The hint comes first.
    const [hintBox, errorBox] = [await warning.boundingBox(), await error.boundingBox()];
    expect(hintBox!.y).toBeLessThan(errorBox!.y);
    expect(await skeletonShown()).toBe(0);
    await shot("import-404-hint");

    await warning.getByTestId("base-url-fix").click();
    await dialog.getByText("fake-model-mini").waitFor();
    expect(await dialog.getByTestId("import-error").count()).toBe(0);
    expect(await card("versionless-import").innerText()).toContain(`${upstream.url}/v1`);
    await shot("import-fixed");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
  }, 60_000);

  test("Import models from a URL that answers a web page: not JSON, said in the dialog", async () => {
    await gateway.admin("POST", "/api/providers", { name: "a-website", type: "openai", baseUrl: `http://127.0.0.1:${website.port}/v1`, apiKeys: ["sk-website-1234"] });
    await openProviders();
    await card("a-website").getByTestId("provider-import").click();
    const error = page.getByRole("dialog").getByTestId("import-error");
    await error.waitFor();
    expect(await error.innerText()).toContain("The provider answered HTTP 200");
    expect(await error.innerText()).toContain("the answer is not JSON");
    expect(await skeletonShown()).toBe(0);
    await shot("import-not-json");
    expect(pageErrors).toEqual([]);
  }, 60_000);

  test("in Chinese, dark, on a 390 px phone: the hint and the provider's answer read in Chinese and fit", async () => {
    await gateway.admin("POST", "/api/providers", { name: "versionless-zh", type: "gemini", baseUrl: upstream.url, apiKeys: ["sk-versionless-zh-1234"] });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", locale: "zh-CN", deviceScaleFactor: 1 });
    await context.addInitScript((token) => {
      localStorage.setItem("llmio.token", token);
      localStorage.setItem("llmio.locale", "zh");
      localStorage.setItem("llmio.theme", "dark");
    }, TEST_TOKEN);
    const phone = await context.newPage();
    phone.setDefaultTimeout(10_000);
    try {
      await phone.goto(`${gateway.url}/providers`);
      await phone.locator('[data-testid=provider-card][data-provider="versionless-zh"] [data-testid=provider-import]').click();
      const dialog = phone.getByRole("dialog");
      await dialog.getByTestId("import-error").waitFor();
      expect(await dialog.getByTestId("import-error").innerText()).toContain("服务商返回 HTTP 404");
      const warning = dialog.getByTestId("base-url-warning");
      expect(await warning.innerText()).toContain("此 Base URL 可能缺少 API 版本路径");
      expect(await warning.innerText()).toContain(`${upstream.url}/v1beta`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await phone.waitForTimeout(250);
      await phone.screenshot({ path: join(SHOTS, "import-404-zh-dark-phone.png") });
    } finally {
      await context.close();
    }
  }, 60_000);
});
