/**
 * Money and records in the admin UI (issue 14), in real Chromium against a real gateway: the
 * client key form's "Capture bodies" switch, the cleanup history in Settings (a scheduled run and
 * one started with "Clean up now"), and the configuration file: download the YAML, upload an
 * edited copy, read the dry run's changes, apply them. Screenshots land in test-results/ui-records/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Page } from "playwright-core";
import { parse, stringify } from "yaml";
import { startFakeUpstream, type FakeUpstream } from "../src/fake-upstream/index.ts";
import { LogRetention } from "../src/observability/log-retention.ts";
import { configureModel, startTestGateway, TEST_TOKEN, type TestGateway } from "./harness.ts";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/ui-records");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-parity-records.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let upstream: FakeUpstream;
let gateway: TestGateway;
let browser: Browser;
let page: Page;

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string, fullPage = true) {
  // A full-page shot of a scrolled page draws the sticky sidebar where the scroll left it.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

describe.skipIf(!hasChromium)("money and records in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    upstream = startFakeUpstream({ port: 0 });
    gateway = startTestGateway();
    await configureModel(gateway, "records-model", [{ name: "records-upstream", baseUrl: `${upstream.url}/v1`, providerModel: "upstream-model-a" }]);
    await gateway.admin("POST", "/api/auth-keys", { name: "audited" });
    // One scheduled cleanup before the page opens (the gateway's hourly job, run at once).
    await gateway.admin("PUT", "/api/settings", { logRetentionDays: 30, logMaxRows: null });
    const scheduled = new LogRetention(gateway.db, gateway.deps.settings).start(60_000, 1);
    const deadline = Date.now() + 5_000;
    while ((await gateway.admin("GET", "/api/settings/retention/runs")).length === 0 && Date.now() < deadline) await Bun.sleep(20);
    scheduled.stop();

    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await upstream?.stop();
  });

  test("the key form's Capture bodies switch turns per-key capture on", async () => {
    await page.goto(`${gateway.url}/keys`);
    const card = page.getByTestId("key-card").filter({ hasText: "audited" });
    await card.getByRole("button", { name: "Edit" }).click();
    const dialog = page.getByRole("dialog");
    const toggle = dialog.getByRole("switch", { name: "Capture bodies" });
    expect(await toggle.getAttribute("aria-checked")).toBe("false");
    await toggle.click();
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    await shot("key-form-capture-bodies", false);
    await page.getByTestId("key-save").click();
    await dialog.waitFor({ state: "detached" });
    const keys = await gateway.admin("GET", "/api/auth-keys");
    expect(keys.find((key: { name: string }) => key.name === "audited").captureBodies).toBe(true);
    // The list says which keys have their bodies captured.
    await card.getByTestId("key-captures-bodies").waitFor();
    expect(await card.getByTestId("key-captures-bodies").innerText()).toBe("Bodies captured");
    await shot("keys-list-capturing");
    // The form shows the stored value when opened again.
    await card.getByRole("button", { name: "Edit" }).click();
    expect(await page.getByRole("dialog").getByRole("switch", { name: "Capture bodies" }).getAttribute("aria-checked")).toBe("true");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
  }, 30_000);

  test("Settings lists the cleanup history; Clean up now adds a manual run to it", async () => {
    await page.goto(`${gateway.url}/settings`);
    const history = page.getByTestId("cleanup-history");
    await history.getByTestId("cleanup-run").first().waitFor();
    expect(await history.getByTestId("cleanup-run").count()).toBe(1);
    const scheduled = await history.getByTestId("cleanup-run").first().innerText();
    expect(scheduled).toContain("Scheduled");
    expect(scheduled).toContain("By age");

    await page.getByTestId("retention-run").click();
    await page.getByRole("dialog").getByRole("button", { name: "Clean up now" }).click();
    await page.getByText(/Deleted \d+ log rows/).waitFor();
    await history.locator("[data-testid=cleanup-run][data-trigger=manual]").waitFor();
    const rows = history.getByTestId("cleanup-run");
    expect(await rows.count()).toBe(2);
    expect(await rows.first().innerText()).toContain("Manual");
    expect(await history.locator("th").allInnerTexts()).toEqual(["TIME", "RUN BY", "MODE", "ROWS DELETED", "BODIES DELETED", "DURATION"]);
    await shot("settings-cleanup-history");
  }, 30_000);

  test("configuration file: download, upload an edited copy, see the dry run's changes, apply", async () => {
    await page.goto(`${gateway.url}/settings`);
    const section = page.getByTestId("config-file");
    const downloading = page.waitForEvent("download");
    await section.getByTestId("config-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("llmio-config.yaml");
    const yaml = readFileSync((await download.path())!, "utf8");
    expect(yaml).toContain("llmio config apply FILE");
    expect(yaml).not.toContain("sk-fake-upstream-key-1234");

    const document = parse(yaml);
    document.models[0].remark = "edited in the UI test";
    document.models[0].providers[0].model = "upstream-model-b";
    document.authKeys.push({ name: "from-the-file" });
    await section.getByTestId("config-file-input").setInputFiles({ name: "edited.yaml", mimeType: "application/yaml", buffer: Buffer.from(stringify(document)) });

    const preview = section.getByTestId("config-preview");
    await preview.waitFor();
    expect(await preview.innerText()).toContain("Changes from edited.yaml");
    const changes = await preview.getByTestId("config-change").allInnerTexts();
    expect(changes.map((line) => line.replace(/\s+/g, " ").trim())).toEqual([
      "Changed Model records-model remark",
      "New Association records-model → records-upstream/upstream-model-b",
      "New Client key from-the-file",
    ]);
    expect(await preview.getByTestId("config-counts").innerText()).toBe("2 created, 1 updated, 2 unchanged, 0 deleted");
    // A dry run: nothing written yet.
    expect((await gateway.admin("GET", "/api/models"))[0].remark).not.toBe("edited in the UI test");
    await shot("config-dry-run");

    // Prune also removes the association the file no longer lists: the plan is made again.
    await section.getByRole("switch", { name: "Delete what the file does not list" }).click();
    await preview.locator("[data-testid=config-change][data-action=deleted]").waitFor();
    expect(await preview.getByTestId("config-counts").innerText()).toBe("2 created, 1 updated, 2 unchanged, 1 deleted");
    await shot("config-dry-run-prune");

    await preview.getByTestId("config-apply").click();
    const applied = section.getByTestId("config-applied");
    await applied.waitFor();
    expect(await applied.innerText()).toContain("2 created, 1 updated, 2 unchanged, 1 deleted");
    expect(await applied.locator("code").first().innerText()).toMatch(/^sk-llmio-/);
    await shot("config-applied");

    expect((await gateway.admin("GET", "/api/models"))[0].remark).toBe("edited in the UI test");
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "records-model", messages: [{ role: "user", content: "after the UI apply" }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    expect((upstream.lastRequest!.body as { model: string }).model).toBe("upstream-model-b");
  }, 30_000);

  test("a file with a mistake shows the server's message and no plan", async () => {
    const section = page.getByTestId("config-file");
    await section.getByTestId("config-file-input").setInputFiles({ name: "broken.yaml", mimeType: "application/yaml", buffer: Buffer.from("models:\n  - name: m\n    providers:\n      - provider: nowhere\n        model: x\n") });
    await section.getByRole("alert").waitFor();
    expect(await section.getByRole("alert").innerText()).toContain('models[0].providers[0].provider: unknown provider "nowhere"');
    expect(await section.getByTestId("config-preview").count()).toBe(0);
    await shot("config-error");
  }, 30_000);

  test("downloading with API keys in clear asks first", async () => {
    const section = page.getByTestId("config-file");
    await section.getByRole("switch", { name: "Include provider API keys in clear" }).click();
    await section.getByTestId("config-download").click();
    const confirm = page.getByRole("dialog");
    await confirm.getByText("Download with API keys in clear?").waitFor();
    await shot("config-secrets-confirm", false);
    const downloading = page.waitForEvent("download");
    await confirm.getByRole("button", { name: "Download with keys" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("llmio-config-with-secrets.yaml");
    expect(readFileSync((await download.path())!, "utf8")).toContain("sk-fake-upstream-key-1234");
  }, 30_000);
});
