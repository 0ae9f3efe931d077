import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLlmioSqliteFixture } from "../../../test/llmio-fixtures/llmio-sqlite-fixture.ts";
import type { LlmioFixture } from "../../../test/llmio-fixtures/fixture-types.ts";
import type { ImportReport } from "../../admin/llmio-import/import-report.ts";
import { suiteHarness, TEST_TOKEN } from "./test-support.ts";

describe("/api/import/llmio", () => {
  const harness = suiteHarness();
  const { call } = harness;
  let folder: string;
  let fixture: LlmioFixture;
  let file: Uint8Array<ArrayBuffer>;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "llmio-import-api-"));
    fixture = createLlmioSqliteFixture(join(folder, "llmio.db"));
    file = new Uint8Array(readFileSync(fixture.path));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function upload(body: Uint8Array<ArrayBuffer> | string, token: string | null = TEST_TOKEN, name = "my llmio.db") {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (token) headers.authorization = `Bearer ${token}`;
    const url = `http://localhost/api/import/llmio/upload?name=${encodeURIComponent(name)}`;
    return harness.app.handle(new Request(url, { method: "POST", headers, body: new Blob([body]) }));
  }

  const options = { dryRun: true, replace: false, withLogs: true, sinceDays: null };

  test("an upload needs the admin token; nothing of an unauthenticated upload is kept", async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith("llmio-imports-")).flatMap((name) => readdirSync(join(tmpdir(), name))).length;
    const refused = await upload(file, null);
    expect(refused.status).toBe(401);
    const after = readdirSync(tmpdir()).filter((name) => name.startsWith("llmio-imports-")).flatMap((name) => readdirSync(join(tmpdir(), name))).length;
    expect(after).toBe(before);
    expect((await upload("")).status).toBe(400);
  });

  test("upload, dry run, import: the report is the CLI's, and the catalog is there afterwards", async () => {
    const uploaded = await upload(file);
    expect(uploaded.status).toBe(200);
    const { upload: id, bytes } = (await uploaded.json()) as { upload: string; bytes: number };
    expect(bytes).toBe(file.byteLength);

    const dryRun = await call("POST", "/api/import/llmio", { upload: id, ...options });
    expect(dryRun.status).toBe(200);
    const plan = dryRun.json as ImportReport;
    expect(plan).toMatchObject({ dryRun: true, variant: "llmio", source: "sqlite uploaded file my llmio.db" });
    expect(plan.totals.created).toBeGreaterThan(0);
    expect((await call("GET", "/api/models")).json).toEqual([]);
    // The report never carries a key's secret.
    expect(dryRun.text).not.toContain(fixture.e2e.key);

    const applied = await call("POST", "/api/import/llmio", { upload: id, ...options, dryRun: false });
    expect(applied.status).toBe(200);
    expect((applied.json as ImportReport).totals.created).toBe(plan.totals.created);
    const models = (await call("GET", "/api/models")).json as Array<{ name: string }>;
    expect(models.map((model) => model.name).sort()).toEqual(fixture.models.map((model) => model.name).sort());
    // The upload is removed once imported.
    expect((await call("POST", "/api/import/llmio", { upload: id, ...options })).status).toBe(404);
  });

  test("bad requests get a clear 400/404 in the admin shape", async () => {
    const notLlmio = await upload("SQLite format 3\u0000 but not really a database");
    const { upload: id } = (await notLlmio.json()) as { upload: string };
    const refused = await call("POST", "/api/import/llmio", { upload: id, ...options });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain("uploaded file my llmio.db is not a SQLite database");
    expect(refused.json.error).not.toContain(tmpdir());
    expect((await call("POST", "/api/import/llmio", { upload: "../../etc/passwd", ...options })).status).toBe(404);
    expect((await call("POST", "/api/import/llmio", { dsn: "file:///etc/passwd", ...options })).json.error).toContain("postgres:// or mysql://");
    expect((await call("POST", "/api/import/llmio", { ...options })).status).toBe(400);
    expect((await call("POST", "/api/import/llmio", { upload: id, dsn: "postgres://x/y", ...options })).status).toBe(400);
    const unreachable = await call("POST", "/api/import/llmio", { dsn: "postgres://nobody:secret@127.0.0.1:1/llmio", ...options });
    expect(unreachable.status).toBe(400);
    expect(unreachable.json.error).toContain("cannot connect to postgres://127.0.0.1:1/llmio");
    expect(unreachable.text).not.toContain("secret");
  });
});
