/**
 * Tests inside the admin UI (issue 14), in real Chromium against a real gateway and the fake
 * upstream: a Test button per association shows latency, status and the answer or the upstream's
 * error under the row; "Test all" lists every association's outcome; the Tool-call test dialog
 * shows its steps as they stream in, then pass or fail with the transcript (English and Chinese).
 * Screenshots land in test-results/ui-association-tests/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-association-tests");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-parity-association-tests.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let modelId = 0;

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string, options: { now?: boolean } = {}) {
  // `now`: the visible part at once, to catch a state that lasts well under a second.
  if (!options.now) await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: !options.now });
}

const row = (providerName: string) => page.getByTestId("association-row").filter({ hasText: providerName });

describe.skipIf(!hasChromium)("association tests in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    modelId = (await gateway.admin("POST", "/api/models", { name: "weather", maxRetry: 1 })).id;
    const associations: Array<{ name: string; type: string; providerModel: string }> = [
      // A delay on every call, so the running states can be seen.
      { name: "openai-chat", type: "openai", providerModel: "fake-model+place-args+first-byte-delay=1500" },
      { name: "responses", type: "openai-responses", providerModel: "fake-model" },
      { name: "claude", type: "anthropic", providerModel: "fake-model+place-args" },
      { name: "gemini-down", type: "gemini", providerModel: "fake-model+status=503" },
    ];
    for (const association of associations) {
      const baseUrl = association.type === "gemini" ? `${upstream.url}/v1beta` : `${upstream.url}/v1`;
      const provider = await gateway.admin("POST", "/api/providers", { name: association.name, type: association.type, baseUrl, apiKeys: ["sk-fake-upstream-key-1234"] });
      await gateway.admin("POST", "/api/model-providers", { modelId, providerId: provider.id, providerModel: association.providerModel });
    }
    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${gateway.url}/models/${modelId}`);
    await row("gemini-down").waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("Test on one association: the answer, or the upstream's error, with latency and status", async () => {
    await row("openai-chat").getByTestId("association-test").click();
    await row("openai-chat").getByText("Testing…").waitFor();
    const ok = row("openai-chat").getByTestId("association-test-result");
    await ok.waitFor();
    expect(await ok.getAttribute("data-ok")).toBe("true");
    const okText = await ok.innerText();
    expect(okText).toContain("HTTP 200");
    expect(okText).toContain("Echo: Say OK");
    expect(okText).toMatch(/\d+ ms|\d+(\.\d+)? s/);

    await row("gemini-down").getByTestId("association-test").click();
    const failed = row("gemini-down").getByTestId("association-test-result");
    await failed.waitFor();
    expect(await failed.getAttribute("data-ok")).toBe("false");
    expect(await failed.innerText()).toContain("HTTP 503");
    expect(await row("gemini-down").getByTestId("association-test-error").innerText()).toContain("Fake upstream fault: status 503");
    await shot("test-one");
  }, 30_000);

  test("Test all: every association's outcome in the panel, and under each row", async () => {
    await page.getByTestId("association-test-all").click();
    const panel = page.getByTestId("test-all-panel");
    await panel.getByText("Testing…").waitFor();
    await panel.getByTestId("test-all-summary").waitFor();
    expect(await panel.getByTestId("test-all-summary").innerText()).toBe("3 of 4 answered");
    const lines = panel.getByTestId("association-test-result");
    expect(await lines.count()).toBe(4);
    expect(await lines.nth(3).innerText()).toContain("gemini-down");
    expect(await lines.nth(3).getAttribute("data-ok")).toBe("false");
    expect(await row("claude").getByTestId("association-test-result").getAttribute("data-ok")).toBe("true");
    await shot("test-all");
  }, 30_000);

  test("Tool-call test: steps appear as they stream, then Passed with the transcript", async () => {
    await row("openai-chat").getByTestId("association-tool-test").click();
    const dialog = page.getByTestId("tool-test-dialog");
    // Each call takes 1.5 s: the first step shows running before the verdict exists.
    await dialog.locator("[data-testid=tool-test-step][data-state=running]").first().waitFor();
    expect(await dialog.getByTestId("tool-test-verdict").count()).toBe(0);
    await shot("tool-test-running", { now: true });
    const verdict = dialog.getByTestId("tool-test-verdict");
    await verdict.waitFor();
    expect(await verdict.getAttribute("data-ok")).toBe("true");
    expect(await dialog.locator("[data-testid=tool-test-step][data-state=passed]").count()).toBe(3);
    const transcript = await dialog.getByTestId("tool-test-transcript").innerText();
    expect(transcript).toContain('get_weather({"location":"Paris"})');
    expect(transcript).toContain('get_weather({"location":"Tokyo"})');
    await shot("tool-test-passed");
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).last().click();
    await dialog.waitFor({ state: "detached" });
  }, 30_000);

  test("Tool-call test that fails: the failed step says why, in Chinese too", async () => {
    await row("responses").getByTestId("association-tool-test").click();
    const dialog = page.getByTestId("tool-test-dialog");
    const verdict = dialog.getByTestId("tool-test-verdict");
    await verdict.waitFor();
    expect(await verdict.getAttribute("data-ok")).toBe("false");
    expect(await verdict.innerText()).toContain("expected get_weather with location Tokyo");
    expect(await dialog.locator("[data-testid=tool-test-step][data-state=failed]").count()).toBe(1);
    await shot("tool-test-failed");
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).last().click();

    await page.evaluate(() => localStorage.setItem("llmio.locale", "zh"));
    await page.reload();
    await row("claude").waitFor();
    await row("claude").getByTestId("association-tool-test").click();
    const zhVerdict = page.getByTestId("tool-test-verdict");
    await zhVerdict.waitFor();
    expect(await zhVerdict.innerText()).toContain("通过");
    expect(await page.getByTestId("tool-test-dialog").innerText()).toContain("对话记录");
    await shot("tool-test-passed-zh");
    await page.evaluate(() => localStorage.setItem("llmio.locale", "en"));
  }, 30_000);
});
