/**
 * Outbound request settings in the admin UI (issue 14), in real Chromium against a real gateway,
 * the fake upstream and a real forwarding proxy (`proxy`, basic auth): the provider form's proxy
 * field (socks5:// refused at the field, the password shown masked, a masked value saved back keeps
 * it), the association form's extra body (JSON checked at the field), extra headers and the
 * forward-client-headers switch; each saved result is read back from the API and seen by the upstream.
 * Screenshots land in test-results/ui-outbound/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { createProxy } from "proxy";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-outbound");
const PASSWORD = "ui-proxy-password-77";

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-parity-outbound.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;
let proxyServer: ReturnType<typeof createProxy>;
let proxyPort = 0;
let modelId = 0;
let providerId = 0;
const proxied: string[] = [];

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string) {
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
}

async function chat(headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "outbound-ui", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

describe.skipIf(!hasChromium)("outbound settings in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    proxyServer = createProxy(createServer());
    proxyServer.authenticate = (request) => {
      proxied.push(`${request.method} ${request.url}`);
      return request.headers["proxy-authorization"] === `Basic ${Buffer.from(`llmio:${PASSWORD}`).toString("base64")}`;
    };
    await new Promise<void>((resolve) => proxyServer.listen(0, "127.0.0.1", () => resolve()));
    proxyPort = (proxyServer.address() as { port: number }).port;
    modelId = (await gateway.admin("POST", "/api/models", { name: "outbound-ui", maxRetry: 1 })).id;
    providerId = (await gateway.admin("POST", "/api/providers", { name: "proxied", type: "openai", baseUrl: `${upstream.url}/v1`, apiKeys: ["sk-fake-upstream-key-1234"] })).id;
    await gateway.admin("POST", "/api/model-providers", { modelId, providerId, providerModel: "fake-model" });
    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: { width: 1280, height: 1000 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
    proxyServer?.close();
  });

  async function openProviderForm() {
    await page.goto(`${gateway.url}/providers`);
    const card = page.locator("[data-testid=provider-card][data-provider=proxied]");
    await card.getByTestId("provider-edit").click();
    const form = page.locator("#provider-form");
    await form.getByRole("button", { name: "Endpoints, limits, headers" }).click();
    return form;
  }

  test("provider form: socks5 refused at the field; an HTTP proxy with credentials saved, shown masked, kept when saved back", async () => {
    let form = await openProviderForm();
    const field = form.locator("input[name=proxyUrl]");
    await field.fill("socks5://127.0.0.1:1080");
    await page.click("[data-testid=provider-save]");
    const refused = form.getByText("Enter an http:// or https:// proxy URL (SOCKS is not supported).");
    await refused.waitFor();
    await refused.scrollIntoViewIfNeeded();
    await shot("provider-proxy-refused");

    await field.fill(`http://llmio:${PASSWORD}@127.0.0.1:${proxyPort}`);
    await page.click("[data-testid=provider-save]");
    await form.waitFor({ state: "detached" });
    const saved = await gateway.admin("GET", `/api/providers/${providerId}`);
    expect(saved.proxyUrl).toContain("llmio:");
    expect(saved.proxyUrl).not.toContain(PASSWORD);

    // Opened again: the masked value; saving it back keeps the stored password (the proxy still lets calls through).
    form = await openProviderForm();
    expect(await form.locator("input[name=proxyUrl]").inputValue()).toBe(saved.proxyUrl);
    await form.locator("input[name=proxyUrl]").scrollIntoViewIfNeeded();
    await shot("provider-proxy-masked");
    await page.click("[data-testid=provider-save]");
    await form.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(PASSWORD);
    proxied.length = 0;
    expect(await chat()).toBe(200);
    expect(proxied).toContain(`POST ${upstream.url}/v1/chat/completions`);
  }, 60_000);

  test("association form: invalid JSON refused at the field; extra body, headers and the forward switch saved and sent", async () => {
    await page.goto(`${gateway.url}/models/${modelId}`);
    const row = page.getByTestId("association-row").first();
    await row.waitFor();
    await row.getByRole("button", { name: "Edit" }).click();
    const form = page.locator("#association-form");
    const body = form.locator("textarea[name=extraBody]");
    await body.fill('{"chat_template_kwargs": {"enable_thinking": false},');
    await page.click("[data-testid=association-save]");
    const refused = form.getByText('Enter a JSON object, like {"reasoning_effort": "low"}.');
    await refused.waitFor();
    await refused.scrollIntoViewIfNeeded();
    await shot("association-extra-body-refused");

    await body.fill('{"chat_template_kwargs": {"enable_thinking": false}, "reasoning_effort": "low"}');
    await form.locator("textarea[name=extraHeaders]").fill("X-Team: ui\nX-Trace-Source: llmio");
    await form.getByRole("switch", { name: "Forward the client's headers" }).click();
    await shot("association-outbound-filled");
    await page.click("[data-testid=association-save]");
    await form.waitFor({ state: "detached" });

    const [association] = await gateway.admin("GET", `/api/model-providers?modelId=${modelId}`);
    expect(association.extraBody).toEqual({ chat_template_kwargs: { enable_thinking: false }, reasoning_effort: "low" });
    expect(association.extraHeaders).toEqual({ "X-Team": "ui", "X-Trace-Source": "llmio" });
    expect(association.forwardClientHeaders).toBe(false);

    expect(await chat({ "x-from-client": "yes" })).toBe(200);
    const received = upstream.lastRequest!;
    expect((received.body as Record<string, unknown>).chat_template_kwargs).toEqual({ enable_thinking: false });
    expect((received.body as Record<string, unknown>).reasoning_effort).toBe("low");
    expect(received.headers["x-team"]).toBe("ui");
    expect(received.headers["x-from-client"]).toBeUndefined();

    // Opened again, the form shows what was saved.
    await row.getByRole("button", { name: "Edit" }).click();
    expect(JSON.parse(await form.locator("textarea[name=extraBody]").inputValue())).toEqual(association.extraBody);
    expect(await form.getByRole("switch", { name: "Forward the client's headers" }).getAttribute("aria-checked")).toBe("false");
    await shot("association-outbound-saved");
  }, 60_000);
});
