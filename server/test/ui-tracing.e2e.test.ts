/**
 * OpenTelemetry tracing in the admin UI (issue 19), in real Chromium against a real gateway, a fake
 * upstream and a tiny OTLP sink: the tracing settings set through the API make the gateway export
 * (it follows them as `serve` does), Settings shows them with the headers masked and saves an edit
 * without losing the stored header values, checks the link template, turns the export fields off
 * when the OTEL_* environment decides, and the log detail shows the trace id with a link to the
 * operator's tracing UI. Screenshots, light and dark, land in test-results/ui-tracing/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { createDeps } from "../src/app-deps.ts";
import { openDatabase } from "../src/db/client.ts";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { SettingsTracing } from "../src/observability/settings-tracing.ts";
import { configureModel, listenTestGateway, logsOf, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-tracing");
const DESKTOP = { width: 1280, height: 900 };
const MODEL = "traced";
const COLLECTOR_KEY = "abcdefghijklmnop";
const MASKED_HEADERS = "x-honeycomb-team=abc…mnop";
const LINK_TEMPLATE = "https://jaeger.example.com/trace/{traceId}?uiEmbed=v0";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-tracing.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

/** An OTLP/HTTP collector that only counts the exports and keeps their headers (the spans are tracing.e2e's business). */
function startOtlpSink() {
  const exports: Headers[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/traces") return new Response(null, { status: 404 });
      await request.arrayBuffer();
      exports.push(request.headers);
      return new Response(null, { status: 200 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, exports, stop: () => server.stop(true) };
}

const folder = mkdtempSync(join(tmpdir(), "llmio-ui-tracing-"));
let upstream: FakeUpstream;
let sink: ReturnType<typeof startOtlpSink>;
let tracing: SettingsTracing;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
const traced = { logTrace: "", otelTrace: "" };

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

async function chat(): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "trace me from the UI test" }] }),
  });
  await response.text();
  expect(response.status).toBe(200);
  return response.headers.get("x-llmio-trace-id")!;
}

/** Waits until the sink has received `count` exports (spans leave in batches, after the request ended). */
async function exportsReach(count: number) {
  for (let tries = 0; tries < 50 && sink.exports.length < count; tries++) {
    await tracing.flush();
    await Bun.sleep(50);
  }
  expect(sink.exports.length).toBeGreaterThanOrEqual(count);
}

describe.skipIf(!hasChromium)("OpenTelemetry tracing in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    sink = startOtlpSink();
    // As `serve` wires it: tracing from the settings (no OTEL_* environment), re-applied when they change.
    tracing = new SettingsTracing({}, () => {});
    gateway = listenTestGateway(createDeps({ token: TEST_TOKEN }, openDatabase(join(folder, "llmio.db")), { logWriter: { flushIntervalMs: 10 }, tracing }));
    await tracing.follow(gateway.deps.settings);
    await configureModel(gateway, MODEL, [{ name: "upstream", baseUrl: `${upstream.url}/v1`, providerModel: "fake-model" }]);
    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: DESKTOP });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await tracing?.shutdown();
    sink?.stop();
    await upstream?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  test("settings set through the API turn tracing on: a request is exported and its log row keeps the trace id", async () => {
    expect(tracing.enabled).toBe(false);
    const saved = await gateway.admin("PUT", "/api/settings", {
      tracingEndpoint: sink.url,
      tracingHeaders: `x-honeycomb-team=${COLLECTOR_KEY}`,
      tracingSampleRatio: 1,
      tracingLinkTemplate: LINK_TEMPLATE,
    });
    expect(saved.tracingHeaders).toBe(MASKED_HEADERS);
    // The first export loads the OpenTelemetry SDK, which takes a moment.
    for (let tries = 0; tries < 100 && !tracing.enabled; tries++) await Bun.sleep(50);
    expect(tracing.enabled).toBe(true);

    traced.logTrace = await chat();
    await exportsReach(1);
    expect(sink.exports[0].get("x-honeycomb-team")).toBe(COLLECTOR_KEY);
    const [row] = await logsOf(gateway, traced.logTrace);
    expect(row.otelTraceId).toMatch(/^[0-9a-f]{32}$/);
    traced.otelTrace = row.otelTraceId;
  }, 30_000);

  test("Settings shows the section with the headers masked; saving an edit keeps the stored header values", async () => {
    await page.goto(`${gateway.url}/settings`);
    const section = page.getByTestId("settings-tracing");
    await section.waitFor();
    expect(await section.textContent()).toContain("Tracing (OpenTelemetry)");
    expect(await section.textContent()).toContain("The OTEL_* environment variables win when they are set.");
    const endpoint = section.locator("input[name=tracingEndpoint]");
    const headers = section.locator("input[name=tracingHeaders]");
    const ratio = section.locator("input[name=tracingSampleRatio]");
    const template = section.locator("input[name=tracingLinkTemplate]");
    expect(await endpoint.inputValue()).toBe(sink.url);
    expect(await headers.inputValue()).toBe(MASKED_HEADERS);
    expect(await ratio.inputValue()).toBe("100");
    expect(await template.inputValue()).toBe(LINK_TEMPLATE);
    expect(await section.getByTestId("tracing-from-environment").count()).toBe(0);
    for (const field of [endpoint, headers, ratio, template]) expect(await field.isDisabled()).toBe(false);
    await section.scrollIntoViewIfNeeded();
    await shot(page, "settings-tracing-light", false);

    // The link template must name {traceId}; the error shows at the field and nothing is saved.
    await template.fill("https://jaeger.example.com/search");
    await page.getByTestId("settings-save").click();
    await section.getByText("Must contain {traceId}.").waitFor();
    expect((await gateway.admin("GET", "/api/settings")).tracingLinkTemplate).toBe(LINK_TEMPLATE);
    await section.scrollIntoViewIfNeeded();
    await shot(page, "settings-tracing-invalid-light", false);
    await template.fill(LINK_TEMPLATE);
    await section.getByText("Must contain {traceId}.").waitFor({ state: "detached" });

    // Only the ratio changes; the masked headers stay in the field and are not sent, so the key stays whole.
    await ratio.fill("50");
    await page.getByTestId("settings-save").click();
    await page.getByText("Saved").first().waitFor();
    const after = await gateway.admin("GET", "/api/settings");
    expect(after).toMatchObject({ tracingSampleRatio: 0.5, tracingHeaders: MASKED_HEADERS, tracingEndpoint: sink.url, tracingLinkTemplate: LINK_TEMPLATE });
    expect(await headers.inputValue()).toBe(MASKED_HEADERS);
    expect(await ratio.inputValue()).toBe("50");
    await page.getByText("Unsaved changes").waitFor({ state: "detached" });

    // Back to every trace for the next test; the export still carries the stored key.
    await ratio.fill("100");
    await page.getByTestId("settings-save").click();
    for (let tries = 0; tries < 40 && (await gateway.admin("GET", "/api/settings")).tracingSampleRatio !== 1; tries++) await Bun.sleep(50);
    await Bun.sleep(150);
    const before = sink.exports.length;
    await chat();
    await exportsReach(before + 1);
    expect(sink.exports.at(-1)!.get("x-honeycomb-team")).toBe(COLLECTOR_KEY);
  }, 60_000);

  test("the log detail shows the OpenTelemetry trace id, copyable, and a link to the tracing UI in a new tab", async () => {
    await page.goto(`${gateway.url}/logs`);
    const row = page.locator(`[data-testid=log-row][data-trace="${traced.logTrace}"]`);
    await row.waitFor();
    expect(await row.getByTestId("log-otel").getAttribute("aria-label")).toBe("Traced with OpenTelemetry");
    await shot(page, "logs-traced-light", false);

    await page.goto(`${gateway.url}/logs?detail=${traced.logTrace}`);
    const detail = page.getByTestId("log-detail");
    await detail.getByTestId("detail-otel-trace").waitFor();
    expect(await detail.getByTestId("detail-otel-trace").innerText()).toBe(traced.otelTrace);
    expect(await detail.getByTestId("detail-ids").innerText()).toContain("Trace (OpenTelemetry)");
    const link = detail.getByTestId("detail-otel-link");
    await link.waitFor();
    expect(await link.innerText()).toContain("Open in tracing UI");
    expect(await link.getAttribute("href")).toBe(LINK_TEMPLATE.replace("{traceId}", traced.otelTrace));
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
    // Two copy buttons: the gateway's id and the OpenTelemetry one.
    expect(await detail.getByTestId("detail-ids").getByRole("button", { name: "Copy" }).count()).toBe(2);
    await shot(page, "log-detail-otel-light", false);
  }, 30_000);

  test("without a link template the detail shows the id alone", async () => {
    await gateway.admin("PUT", "/api/settings", { tracingLinkTemplate: null });
    await page.goto(`${gateway.url}/logs?detail=${traced.logTrace}`);
    await page.getByTestId("detail-otel-trace").waitFor();
    await page.getByTestId("attempt").first().waitFor();
    expect(await page.getByTestId("detail-otel-link").count()).toBe(0);
    await gateway.admin("PUT", "/api/settings", { tracingLinkTemplate: LINK_TEMPLATE });
  }, 30_000);

  test("when the OTEL_* environment decides, Settings says so and only the link template stays editable", async () => {
    // The settings route reads the process environment on each request; the gateway's tracing was built without it.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://collector.from.environment:4318";
    try {
      expect((await gateway.admin("GET", "/api/settings")).tracingFromEnvironment).toBe(true);
      await page.goto(`${gateway.url}/settings`);
      const section = page.getByTestId("settings-tracing");
      await section.getByTestId("tracing-from-environment").waitFor();
      expect(await section.getByTestId("tracing-from-environment").innerText()).toContain("OTEL_* environment variables of the server");
      for (const name of ["tracingEndpoint", "tracingHeaders", "tracingSampleRatio"]) expect(await section.locator(`input[name=${name}]`).isDisabled()).toBe(true);
      expect(await section.locator("input[name=tracingLinkTemplate]").isDisabled()).toBe(false);
      await section.scrollIntoViewIfNeeded();
      await shot(page, "settings-tracing-environment-light", false);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
  }, 30_000);

  test("dark theme and Traditional Chinese: the same pages read well", async () => {
    const dark = await signedInPage(browser, { viewport: DESKTOP, colorScheme: "dark" });
    try {
      await dark.goto(`${gateway.url}/settings`);
      await dark.getByTestId("settings-tracing").scrollIntoViewIfNeeded();
      await shot(dark, "settings-tracing-dark", false);
      await dark.goto(`${gateway.url}/logs`);
      await dark.locator(`[data-testid=log-row][data-trace="${traced.logTrace}"]`).getByTestId("log-otel").waitFor();
      await shot(dark, "logs-traced-dark", false);
      await dark.goto(`${gateway.url}/logs?detail=${traced.logTrace}`);
      await dark.getByTestId("detail-otel-link").waitFor();
      await shot(dark, "log-detail-otel-dark", false);
    } finally {
      await dark.context().close();
    }
    const chinese = await signedInPage(browser, { viewport: DESKTOP });
    await chinese.context().addInitScript(() => localStorage.setItem("llmio.locale", "zh-TW"));
    try {
      await chinese.goto(`${gateway.url}/settings`);
      const section = chinese.getByTestId("settings-tracing");
      await section.getByText("鏈路追蹤（OpenTelemetry）").waitFor();
      await section.scrollIntoViewIfNeeded();
      await shot(chinese, "settings-tracing-zh-TW-light", false);
      await chinese.goto(`${gateway.url}/logs?detail=${traced.logTrace}`);
      await chinese.getByTestId("detail-otel-link").filter({ hasText: "在追蹤介面中開啟" }).waitFor();
      await shot(chinese, "log-detail-otel-zh-TW-light", false);
    } finally {
      await chinese.context().close();
    }
  }, 60_000);
});
