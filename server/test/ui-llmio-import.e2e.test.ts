/**
 * Settings → Import from LLMIO (issue 20), in real Chromium against a real gateway: upload a
 * fixture LLMIO database, read the dry run's report, import it, find the imported providers and
 * models on their pages, check again (nothing new), then a conflict: an imported provider changed
 * in llmio is reported and kept, and overwritten with "Replace conflicting entries". Last, the
 * section in Chinese. Screenshots land in test-results/llmio-import/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { CHROMIUM, launchChromium, signedInPage } from "./chromium.ts";
import { startTestGateway, type TestGateway } from "./harness.ts";
import type { LlmioFixture } from "./llmio-fixtures/fixture-types.ts";
import { createLlmioSqliteFixture } from "./llmio-fixtures/llmio-sqlite-fixture.ts";

const ROOT = join(import.meta.dir, "../..");
const UI_DIR = join(ROOT, "ui");
const SHOTS = join(ROOT, "test-results/llmio-import");

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`ui-llmio-import.e2e: skipped — ${CHROMIUM} is missing (apt-get install -y chromium)`);

let workDir: string;
let fixture: LlmioFixture;
let gateway: TestGateway;
let browser: Browser;
let page: Page;

/** The UI must exist before the gateway starts: it reads ui/dist when it is created. */
function buildUiIfMissing() {
  if (existsSync(join(UI_DIR, "dist/index.html"))) return;
  const build = Bun.spawnSync([process.execPath, "run", "--cwd", UI_DIR, "build"], { stdout: "pipe", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`UI build failed:\n${build.stdout.toString()}\n${build.stderr.toString()}`);
}

async function shot(name: string, target?: Locator) {
  await page.waitForTimeout(250);
  if (target) await target.screenshot({ path: join(SHOTS, `${name}.png`) });
  else await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const section = () => page.getByTestId("llmio-import");

/** "Created Providers openai" → the item rows of one kind as `action name`. */
async function itemsOf(panel: Locator, kind: string): Promise<string[]> {
  const rows = panel.locator(`[data-testid=llmio-item][data-kind="${kind}"]`);
  const out: string[] = [];
  for (let index = 0; index < (await rows.count()); index += 1) {
    const row = rows.nth(index);
    out.push(`${await row.getAttribute("data-action")} ${(await row.locator(".font-medium").innerText()).trim()}`);
  }
  return out;
}

/** Opens Settings with the fixture file chosen (the section forgets it on a reload). */
async function openWithFixture() {
  await page.goto(`${gateway.url}/settings`);
  await section().getByTestId("llmio-file-input").setInputFiles(fixture.path);
  await section().getByTestId("llmio-file-name").getByText("llmio.db").waitFor();
}

async function check(): Promise<Locator> {
  await section().getByTestId("llmio-check").click();
  const preview = section().getByTestId("llmio-preview");
  await preview.waitFor({ timeout: 30_000 });
  return preview;
}

describe.skipIf(!hasChromium)("Import from LLMIO in the admin UI", () => {
  beforeAll(async () => {
    buildUiIfMissing();
    mkdirSync(SHOTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), "llmio-ui-import-"));
    fixture = createLlmioSqliteFixture(join(workDir, "llmio.db"), { upstreamUrl: "http://127.0.0.1:9" });
    gateway = startTestGateway();
    browser = await launchChromium();
    page = await signedInPage(browser, { viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test("the dry run of an uploaded llmio.db lists what would be imported, and writes nothing", async () => {
    await openWithFixture();
    await shot("section", section());
    await section().getByRole("switch", { name: "Import request history" }).click();
    // A second click while the first check runs does nothing: one upload, one dry run.
    const calls: string[] = [];
    const listen = (request: { url(): string }) => {
      if (request.url().includes("/api/import/llmio")) calls.push(new URL(request.url()).pathname);
    };
    page.on("request", listen);
    // Two clicks in one go: the second finds the section busy.
    await section().getByTestId("llmio-check").evaluate((button: HTMLButtonElement) => {
      button.click();
      button.click();
    });
    const preview = section().getByTestId("llmio-preview");
    await preview.waitFor({ timeout: 30_000 });
    page.off("request", listen);
    expect(calls).toEqual(["/api/import/llmio/upload", "/api/import/llmio"]);

    expect(await preview.getByTestId("llmio-source").innerText()).toContain("(LLMIO)");
    for (const provider of fixture.providers) expect(await itemsOf(preview, "provider")).toContain(`created ${provider.name}`);
    for (const model of fixture.models) expect(await itemsOf(preview, "model")).toContain(`created ${model.name}`);
    expect((await itemsOf(preview, "client key")).length).toBe(fixture.authKeys.length);
    // The association whose model is deleted in LLMIO cannot come along: shown first, with why.
    const orphan = preview.locator("[data-testid=llmio-item][data-action=skipped]", { hasText: fixture.orphanRows[0].name.split("/").pop()! });
    await orphan.waitFor();
    expect(await orphan.getByTestId("llmio-item-detail").innerText()).not.toBe("");
    expect(await preview.locator('[data-testid=llmio-group][data-kind=association] [data-testid=llmio-item]').first().getAttribute("data-action")).toBe("skipped");
    // Counts per LLMIO table, the history, and what has no equivalent.
    expect(await preview.locator("[data-testid=llmio-table]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-table")))).toContain("model_with_providers");
    expect(await preview.getByTestId("llmio-logs").innerText()).toMatch(/\d+ read, \d+ new/);
    await preview.getByTestId("llmio-no-equivalent").waitFor();
    expect(await preview.getByTestId("llmio-apply").isEnabled()).toBe(true);
    await shot("dry-run", section());

    // A dry run: nothing written yet.
    expect(await gateway.admin("GET", "/api/providers")).toEqual([]);
    expect(await gateway.admin("GET", "/api/models")).toEqual([]);
  }, 60_000);

  test("Import applies the same choices and shows what it did", async () => {
    const preview = section().getByTestId("llmio-preview");
    await preview.getByTestId("llmio-apply").click();
    const applied = section().getByTestId("llmio-applied");
    await applied.waitFor({ timeout: 30_000 });
    expect(await applied.innerText()).toContain("Imported from LLMIO");
    expect(await applied.getByTestId("llmio-totals").innerText()).toMatch(/^[1-9]\d* new/);
    expect(await applied.getByTestId("llmio-logs").innerText()).toMatch(/\d+ read, [1-9]\d* imported/);
    expect(await section().getByTestId("llmio-preview").count()).toBe(0);
    // The toast would sit over the report in the screenshot.
    await page.getByRole("button", { name: "×" }).click();
    await shot("applied", section());

    const providers: Array<{ name: string }> = await gateway.admin("GET", "/api/providers");
    expect(providers.map((provider) => provider.name).sort()).toEqual(fixture.providers.map((provider) => provider.name).sort());
    const keys: Array<{ name: string }> = await gateway.admin("GET", "/api/auth-keys");
    expect(keys.map((key) => key.name).sort()).toEqual(fixture.authKeys.map((key) => key.name).sort());
  }, 60_000);

  test("the imported providers and models are on their pages", async () => {
    await page.goto(`${gateway.url}/providers`);
    for (const provider of fixture.providers) await page.locator(`[data-testid=provider-card][data-provider="${provider.name}"]`).waitFor();
    await shot("providers");

    await page.goto(`${gateway.url}/models`);
    const rows = page.getByTestId("model-row");
    await rows.first().waitFor();
    const text = (await rows.allInnerTexts()).join("\n");
    for (const model of fixture.models) expect(text).toContain(model.name);
    await shot("models");
  }, 30_000);

  test("checking the same database again finds nothing new to import", async () => {
    await openWithFixture();
    await section().getByRole("switch", { name: "Import request history" }).click();
    const preview = await check();
    await preview.getByTestId("llmio-nothing").waitFor();
    expect(await preview.getByTestId("llmio-totals").innerText()).toMatch(/^0 new, 0 changed, [1-9]\d* unchanged, 0 in conflict/);
    expect(await preview.locator("[data-testid=llmio-item][data-action=created], [data-testid=llmio-item][data-action=updated]").count()).toBe(0);
    expect(await preview.getByTestId("llmio-logs").innerText()).toMatch(/ 0 new, [1-9]\d* already imported/);
    expect(await preview.getByTestId("llmio-apply").isDisabled()).toBe(true);
    // The unchanged entries are there on demand.
    await preview.getByTestId("llmio-show-unchanged").click();
    for (const provider of fixture.providers) expect(await itemsOf(preview, "provider")).toContain(`unchanged ${provider.name}`);
    await shot("second-check-unchanged", section());
  }, 60_000);

  test("a provider changed in llmio since is a conflict: kept, or overwritten with Replace", async () => {
    const providers: Array<{ id: number; name: string; consoleUrl: string | null }> = await gateway.admin("GET", "/api/providers");
    const changed = providers.find((provider) => provider.name === fixture.providers[0].name)!;
    await gateway.admin("PUT", `/api/providers/${changed.id}`, { consoleUrl: "https://changed-in-llmio.example.com/" });

    await openWithFixture();
    let preview = await check();
    const conflict = preview.locator("[data-testid=llmio-item][data-action=conflict]");
    await conflict.waitFor();
    expect(await conflict.count()).toBe(1);
    expect(await conflict.locator(".font-medium").innerText()).toBe(changed.name);
    expect(await conflict.getByTestId("llmio-item-detail").innerText()).not.toBe("");
    expect(await preview.innerText()).toContain('Turn on "Replace conflicting entries"');
    expect(await preview.getByTestId("llmio-apply").isDisabled()).toBe(true);
    await shot("conflict", section());

    // Changing a choice drops the report; the next check counts the conflict as a change.
    await section().getByRole("switch", { name: "Replace conflicting entries" }).click();
    expect(await section().getByTestId("llmio-preview").count()).toBe(0);
    preview = await check();
    expect(await itemsOf(preview, "provider")).toContain(`updated ${changed.name}`);
    await preview.getByTestId("llmio-apply").click();
    await section().getByTestId("llmio-applied").waitFor({ timeout: 30_000 });
    const after: Array<{ id: number; consoleUrl: string | null }> = await gateway.admin("GET", "/api/providers");
    expect(after.find((provider) => provider.id === changed.id)!.consoleUrl).toBe(fixture.providers[0].console);
  }, 60_000);

  test("a file that is no LLMIO database shows the server's message", async () => {
    await page.goto(`${gateway.url}/settings`);
    await section().getByTestId("llmio-file-input").setInputFiles({ name: "notes.db", mimeType: "application/octet-stream", buffer: Buffer.from("not a database at all") });
    await section().getByTestId("llmio-check").click();
    const alert = section().getByRole("alert");
    await alert.waitFor({ timeout: 30_000 });
    expect((await alert.innerText()).length).toBeGreaterThan(5);
    expect(await section().getByTestId("llmio-preview").count()).toBe(0);
    await shot("not-llmio", section());
  }, 30_000);

  test("a database URL: checked before sending, and a server that does not answer is reported", async () => {
    await page.goto(`${gateway.url}/settings`);
    await section().getByRole("radio", { name: "Database URL" }).click();
    const field = section().getByTestId("llmio-dsn");
    await field.fill("root:pw@tcp(127.0.0.1:3306)/llmio");
    await section().getByTestId("llmio-check").click();
    await section().getByText("Enter a postgres:// or mysql:// URL.").waitFor();

    await field.fill("postgres://llmio:secret-pw@127.0.0.1:1/llmio");
    await section().getByTestId("llmio-check").click();
    const alert = section().locator("[role=alert]:not(.field-error)");
    await alert.waitFor({ timeout: 30_000 });
    expect((await alert.innerText()).length).toBeGreaterThan(5);
    await shot("dsn-unreachable", section());
  }, 60_000);

  test("in Chinese", async () => {
    await page.evaluate(() => localStorage.setItem("llmio.locale", "zh"));
    await openWithFixture();
    const preview = await check();
    expect(await section().innerText()).toContain("从 LLMIO 导入");
    expect(await preview.getByTestId("llmio-totals").innerText()).toMatch(/^新建 0，修改 0，未变 \d+/);
    await shot("zh", section());
    await page.evaluate(() => localStorage.setItem("llmio.locale", "en"));
  }, 60_000);
});
