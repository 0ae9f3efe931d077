import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { openDatabase } from "../db/client.ts";
import { openTestDatabase, testStorage } from "../db/test-database.ts";
import { seedCatalog } from "./seed-catalog.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const folder = mkdtempSync(join(tmpdir(), "llmio-config-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// The flags under test, not the caller's environment, must pick the database.
const { LLMIO_DB_PATH: _dbPath, STATE_DIRECTORY: _stateDirectory, DATABASE_URL: _databaseUrl, ...environment } = process.env;

function llmio(args: string[], env: Record<string, string | undefined> = environment) {
  const result = Bun.spawnSync([process.execPath, MAIN, ...args], {
    cwd: folder,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

async function seededFile(name: string): Promise<string> {
  const path = join(folder, name);
  const db = openDatabase(path);
  await seedCatalog(db);
  await db.close();
  return path;
}

/**
 * The flags selecting an empty database (SQLite: a file not created yet), or one holding the
 * seeded catalog. On PostgreSQL both are the test database, emptied first: a test is done
 * with one before it asks for the next.
 */
async function database(name: string, seeded = false): Promise<string[]> {
  if (testStorage === "sqlite") return ["--db-path", seeded ? await seededFile(name) : join(folder, name)];
  const db = await openTestDatabase();
  if (seeded) await seedCatalog(db);
  await db.close();
  return ["--database-url", process.env.LLMIO_TEST_DATABASE_URL!];
}

describe(`llmio config (as a process, ${testStorage})`, () => {
  test("export prints the catalog as YAML, keys masked", async () => {
    const result = llmio(["config", "export", ...(await database("export.db", true))]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith("# llmio ");
    const document = parse(result.stdout);
    expect(document.providers.map((provider: { name: string }) => provider.name)).toEqual(["openai", "anthropic"]);
    expect(document.providers[0].apiKeys).toEqual(["sk-…aaaa", "sk-…bbbb"]);
    expect(document.models[0].providers[0]).toMatchObject({ provider: "openai", model: "gpt-4o-2024-08-06", weight: 3 });
  });

  test("export --with-secrets --out writes a private file; --data-dir finds llmio.db", async () => {
    const dataDir = join(folder, "state");
    await seededFile("state/llmio.db");
    const out = join(folder, "secrets.yaml");
    const result = llmio(["config", "export", "--data-dir", dataDir, "--with-secrets", "--out", out]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`wrote ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(out, "utf8")).providers[0].apiKeys[0]).toBe("sk-openai-first-key-aaaa");
  });

  test("apply reports changes, then unchanged; a dry run writes nothing", async () => {
    const source = llmio(["config", "export", ...(await database("source.db", true)), "--with-secrets"]).stdout;
    const file = join(folder, "catalog.yaml");
    writeFileSync(file, source);
    const target = await database("target.db");
    const dryRun = llmio(["config", "apply", file, ...target, "--dry-run"]);
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).toStartWith("Dry run: nothing was written.");
    expect(llmio(["config", "export", ...target]).stdout).toContain("providers: []");

    const first = llmio(["config", "apply", file, ...target]);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain("created    provider openai\n");
    expect(first.stdout).toMatch(/created    auth key ci\n {11}key: sk-llmio-/);
    expect(first.stdout).toEndWith("9 created, 0 updated, 0 unchanged, 0 deleted\n");
    expect(first.stderr).toContain(testStorage === "sqlite" ? "picks these changes up within a second" : "pick these changes up within 5 seconds");

    const second = llmio(["config", "apply", file, ...target]);
    expect(second.stdout).toEndWith("0 created, 0 updated, 9 unchanged, 0 deleted\n");
    expect(second.stderr).not.toContain("restart");
  });

  test("an invalid file fails with the file and path, no stack trace", async () => {
    const file = join(folder, "bad.yaml");
    writeFileSync(file, "models:\n  - name: m\n    providers:\n      - provider: nowhere\n        model: x\n");
    const result = llmio(["config", "apply", file, ...(await database("bad.db"))]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(`llmio: ${file}: models[0].providers[0].provider: unknown provider "nowhere"`);
    expect(result.stderr).not.toContain("    at ");
  });

  test("export of a database that does not exist is an error, not a new empty file", () => {
    const result = llmio(["config", "export", "--db-path", join(folder, "missing.db")]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`llmio: no database at ${join(folder, "missing.db")}`);
  });

  test("a DATABASE_URL that is not PostgreSQL is an error, its message one line", () => {
    const result = llmio(["config", "export"], { ...environment, DATABASE_URL: "mysql://db.example/llmio" });
    // A wrong setting, like a wrong flag: exit status 2.
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe("llmio: DATABASE_URL must be a postgres:// URL (without it llmio uses SQLite)");
  });

  test("an unreachable PostgreSQL is an error naming it without the password", () => {
    const result = llmio(["config", "export", "--database-url", "postgres://llmio:hunter2@127.0.0.1:1/llmio"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe("llmio: cannot open the database postgres://127.0.0.1:1/llmio: Failed to connect");
    expect(result.stderr).not.toContain("hunter2");
  });

  test.if(testStorage === "postgres")("DATABASE_URL in the environment selects PostgreSQL", async () => {
    await database("unused", true);
    const result = llmio(["config", "export"], { ...environment, DATABASE_URL: process.env.LLMIO_TEST_DATABASE_URL });
    expect(result.exitCode).toBe(0);
    expect(parse(result.stdout).providers.map((provider: { name: string }) => provider.name)).toEqual(["openai", "anthropic"]);
  });
});
