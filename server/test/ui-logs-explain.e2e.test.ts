/**
 * Issue 13, "Logs that explain", in real Chromium: the log list shows why a call failed in its own
 * column (rejected calls folded with their count), the detail drawer renders a captured streamed
 * exchange for people (messages, tools, parameters; the answer's text, reasoning, tool calls, usage
 * and finish reason) with a Raw toggle, a "no healthy provider" row names each provider with why
 * and until when, and the list filters by the client's session. Screenshots: test-results/ui-logs/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { type Browser, type Locator, type Page } from "playwright-core";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-logs");
const SESSION_CLAUDE = "7f1c9a52-3e5b-4d2a-9c61-0b8e2f4a6d13";
const SESSION_CODEX = "019a4b7c-2d3e-7f00-8a1b-5c6d7e8f9a0b";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-logs-explain.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let streamedTrace = "";
let refusedTrace = "";

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string, fullPage = false) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/** Waits (bounded) until the locator matches `count` elements. */
async function waitForCount(locator: Locator, count: number) {
  const deadline = Date.now() + 10_000;
  while ((await locator.count()) !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} matches, found ${await locator.count()}`);
    await Bun.sleep(100);
  }
}

/** Waits until every row's text passes `check` (a filter change re-renders the list only when its page arrives). */
async function waitForRows(locator: Locator, count: number, check: (text: string) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const texts = await locator.allInnerTexts();
    if (texts.length === count && texts.every(check)) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} matching rows, found: ${JSON.stringify(texts)}`);
    await Bun.sleep(100);
  }
}

async function flushLogs() {
  await Bun.sleep(50);
  await gateway.logWriter.flush();
}

/** Calls as users make them: a misconfigured client, Claude Code, Codex, an unknown model, a dead provider. */
async function makeTraffic() {
  const wrong = new OpenAI({ apiKey: "sk-old-key-from-last-year-0000wxyz", baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  for (let call = 0; call < 37; call++) await wrong.chat.completions.create({ model: "echo", messages: [{ role: "user", content: "hi" }] }).catch(() => {});

  // Claude Code style: streamed, with tools, its session in metadata.user_id (and the header).
  const claude = new Anthropic({ apiKey: TEST_TOKEN, baseURL: gateway.url, maxRetries: 0, defaultHeaders: { "x-claude-code-session-id": SESSION_CLAUDE, "user-agent": "claude-cli/2.1.330 (external, sdk-cli)" } });
  const stream = claude.messages.stream({
    model: "echo",
    max_tokens: 512,
    temperature: 0.3,
    system: "You are Claude Code, a coding assistant. Answer briefly.",
    metadata: { user_id: JSON.stringify({ device_id: "d".repeat(64), account_uuid: "", session_id: SESSION_CLAUDE }) },
    tools: [{ name: "get_weather", description: "Current weather of a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
    messages: [{ role: "user", content: "What is the weather in Paris? Use the tool, then tell me what to wear." }],
  });
  const { response } = await stream.withResponse();
  streamedTrace = response.headers.get("x-llmio-trace-id")!;
  await stream.finalMessage();

  // Codex style: Responses API, its session in a header and the cache key.
  const codex = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0, defaultHeaders: { "session-id": SESSION_CODEX, "user-agent": "codex_exec/0.169.0" } });
  for (const input of ["list the files", "now read README.md"]) {
    const events = await codex.responses.create({ model: "echo", input, prompt_cache_key: SESSION_CODEX, stream: true });
    for await (const _event of events) {
      // drain
    }
  }
  await claude.messages.create({ model: "no-such-model", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch(() => {});

  const admin = new OpenAI({ apiKey: TEST_TOKEN, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  await admin.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "hi" }] }).catch(() => {});
  const refused = await admin.chat.completions.create({ model: "broken", messages: [{ role: "user", content: "hi" }] }).catch((error: { headers?: Headers }) => error);
  refusedTrace = (refused as { headers?: Headers }).headers?.get("x-llmio-trace-id") ?? "";
  await flushLogs();
}

describe.skipIf(!hasChromium)("Logs that explain, in Chromium", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway({ breaker: { failureThreshold: 1, openMs: 120_000 } });
    await gateway.admin("PUT", "/api/settings", { bodyCapture: true });
    await configureModel(gateway, "echo", [{ name: "fake-openai", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model+tool+reasoning" }]);
    await configureModel(gateway, "broken", [{ name: "local-llama", baseUrl: "http://127.0.0.1:9/v1", providerModel: "llama3.1:8b" }], { maxRetry: 0 });
    await makeTraffic();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: "light", locale: "en-US", deviceScaleFactor: 1 });
    await context.addInitScript((token) => localStorage.setItem("llmio.token", token), TEST_TOKEN);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the list shows why each call failed in its own column; 37 identical bad calls are one row marked ×37", async () => {
    await page.goto(`${gateway.url}/logs`);
    const table = page.getByTestId("logs-table");
    await table.waitFor();
    expect(await table.locator("thead th").allInnerTexts()).toContain("REASON");
    const rejected = page.locator("[data-testid=log-row]", { hasText: "unknown API key" });
    expect(await rejected.count()).toBe(1);
    expect(await rejected.getByTestId("log-repeat").innerText()).toBe("×37");
    expect(await rejected.innerText()).toContain("unknown key sk-…wxyz");
    const reasons = await page.getByTestId("log-reason").allInnerTexts();
    expect(reasons).toEqual(expect.arrayContaining(["unknown API key\n×37", "unknown model", "no healthy provider", "connection failed"]));
    await shot("logs-reasons", true);
  }, 30_000);

  test("a \"no healthy provider\" row names the provider, why and until when", async () => {
    await page.goto(`${gateway.url}/logs?detail=${refusedTrace}`);
    const error = page.getByTestId("attempt-error");
    await error.waitFor();
    const text = await error.innerText();
    expect(text).toMatch(/local-llama \(llama3\.1:8b\): circuit breaker open until \S+Z \(in \d+ s\) \(1 failure in a row; last: connection refused/);
    expect(await page.getByTestId("attempt-reason").innerText()).toBe("no healthy provider");
    await shot("log-detail-no-healthy-provider");
  }, 30_000);

  test("the detail renders a streamed exchange for people, with a Raw toggle", async () => {
    await page.goto(`${gateway.url}/logs`);
    await page.locator(`[data-testid=log-row][data-trace="${streamedTrace}"]`).click();
    const request = page.getByTestId("exchange-request");
    await request.waitFor();
    expect(await request.innerText()).toContain("What is the weather in Paris? Use the tool, then tell me what to wear.");
    expect(await request.innerText()).toContain("You are Claude Code, a coding assistant.");
    expect(await page.getByTestId("exchange-tools").innerText()).toContain("get_weather");
    const parameters = await page.getByTestId("exchange-parameters").innerText();
    expect(parameters).toContain("temperature");
    expect(parameters).toContain("max_tokens");
    const answer = page.getByTestId("exchange-answer");
    expect(await answer.innerText()).toMatch(/assembled from \d+ stream events/);
    const toolCall = answer.getByTestId("exchange-tool-call");
    expect(await toolCall.innerText()).toContain("get_weather");
    expect(await toolCall.innerText()).toContain('"location": "Paris"');
    expect(await answer.getByTestId("exchange-usage").innerText()).toMatch(/input \d+/);
    expect(await answer.getByTestId("exchange-finish").innerText()).toContain("tool_use");
    await answer.getByTestId("exchange-reasoning").locator("summary").click();
    expect(await answer.getByTestId("exchange-reasoning").innerText()).toContain("Thinking about");
    // Nothing scrolls sideways in the drawer.
    const overflow = await page.evaluate(() => [...document.querySelectorAll("[data-testid=log-detail] *")].filter((element) => element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX !== "visible").length);
    expect(overflow).toBe(0);
    await page.getByTestId("exchange-request").scrollIntoViewIfNeeded();
    await shot("log-detail-readable-request");
    await answer.scrollIntoViewIfNeeded();
    await shot("log-detail-readable-answer");

    await page.getByRole("radio", { name: "Raw" }).click();
    const raw = page.getByTestId("body-response").getByTestId("body");
    await raw.waitFor();
    expect(await raw.innerText()).toContain("event: content_block_delta");
    expect(await page.getByTestId("exchange-answer").count()).toBe(0);
    const wrapped = await raw.evaluate((element) => element.scrollWidth <= element.clientWidth + 1);
    expect(wrapped).toBe(true);
    await raw.scrollIntoViewIfNeeded();
    await shot("log-detail-raw");
    await page.getByRole("radio", { name: "Readable" }).click();
    await page.getByTestId("exchange-answer").waitFor();
  }, 30_000);

  test("the session filter: from the detail drawer, and typed in the filter bar", async () => {
    expect(await page.getByTestId("detail-session").innerText()).toBe(SESSION_CLAUDE);
    await page.getByTestId("detail-session-filter").click();
    await page.waitForURL(/session=/);
    await page.getByTestId("log-detail").waitFor({ state: "detached" });
    const rows = page.locator("[data-testid=log-row]");
    // The session's served call, and the call it made to a model that does not exist.
    await waitForCount(rows, 2);
    expect(await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute("data-trace")))).toContain(streamedTrace);
    expect(await page.getByTestId("log-reason").allInnerTexts()).toEqual(["unknown model", "—"]);
    expect(await page.locator("#log-session").inputValue()).toBe(SESSION_CLAUDE);
    await shot("logs-session-claude");

    await page.locator("#log-session").fill(SESSION_CODEX);
    await page.locator("#log-session").press("Enter");
    await page.waitForURL(new RegExp(`session=${SESSION_CODEX}`));
    // The Claude session's rows are still shown until the Codex session's page arrives.
    await waitForRows(rows, 2, (text) => text.includes("echo"));
    await shot("logs-session-codex");

    await page.locator("#log-reason").selectOption("rejected");
    await page.locator("#log-session").fill("");
    await page.locator("#log-session").press("Enter");
    await waitForRows(rows, 2, (text) => text.includes("unknown"));
    expect((await page.getByTestId("log-reason").allInnerTexts()).sort()).toEqual(["unknown API key\n×37", "unknown model"]);
    await shot("logs-rejected-only");
  }, 30_000);
});
