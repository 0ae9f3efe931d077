import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { openDatabase } from "../db/client.ts";
import { seedCatalog } from "./seed-catalog.ts";

const MAIN = join(import.meta.dir, "../main.ts");
const folder = mkdtempSync(join(tmpdir(), "llmio-config-cli-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// The flags under test, not the caller's environment, must pick the database.
const { LLMIO_DB_PATH: _dbPath, STATE_DIRECTORY: _stateDirectory, ...environment } = process.env;

function llmio(...args: string[]) {
  const result = Bun.spawnSync([process.execPath, MAIN, ...args], {
    cwd: folder,
    env: environment,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function seededFile(name: string): string {
  const path = join(folder, name);
  const db = openDatabase(path);
  seedCatalog(db);
  db.$client.close();
  return path;
}

describe("llmio config (as a process)", () => {
  test("export prints the catalog as YAML, keys masked", () => {
    const result = llmio("config", "export", "--db-path", seededFile("export.db"));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith("# llmio ");
    const document = parse(result.stdout);
    expect(document.providers.map((provider: { name: string }) => provider.name)).toEqual(["openai", "anthropic"]);
    expect(document.providers[0].apiKeys).toEqual(["sk-…aaaa", "sk-…bbbb"]);
    expect(document.models[0].providers[0]).toMatchObject({ provider: "openai", model: "gpt-4o-2024-08-06", weight: 3 });
  });

  test("export --with-secrets --out writes a private file; --data-dir finds llmio.db", () => {
    const dataDir = join(folder, "state");
    seededFile("state/llmio.db");
    const out = join(folder, "secrets.yaml");
    const result = llmio("config", "export", "--data-dir", dataDir, "--with-secrets", "--out", out);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`wrote ${out}`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(parse(readFileSync(out, "utf8")).providers[0].apiKeys[0]).toBe("sk-openai-first-key-aaaa");
  });

  test("apply reports changes, then unchanged; a dry run writes nothing", () => {
    const source = llmio("config", "export", "--db-path", seededFile("source.db"), "--with-secrets").stdout;
    const file = join(folder, "catalog.yaml");
    writeFileSync(file, source);
    const target = join(folder, "target.db");
    const dryRun = llmio("config", "apply", file, "--db-path", target, "--dry-run");
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).toStartWith("Dry run: nothing was written.");
    expect(llmio("config", "export", "--db-path", target).stdout).toContain("providers: []");

    const first = llmio("config", "apply", file, "--db-path", target);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain("created    provider openai\n");
    expect(first.stdout).toMatch(/created    auth key ci\n {11}key: sk-llmio-/);
    expect(first.stdout).toEndWith("9 created, 0 updated, 0 unchanged, 0 deleted\n");
    expect(first.stderr).toContain("picks these changes up within a second");

    const second = llmio("config", "apply", file, "--db-path", target);
    expect(second.stdout).toEndWith("0 created, 0 updated, 9 unchanged, 0 deleted\n");
    expect(second.stderr).not.toContain("restart");
  });

  test("an invalid file fails with the file and path, no stack trace", () => {
    const file = join(folder, "bad.yaml");
    writeFileSync(file, "models:\n  - name: m\n    providers:\n      - provider: nowhere\n        model: x\n");
    const result = llmio("config", "apply", file, "--db-path", join(folder, "bad.db"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(`llmio: ${file}: models[0].providers[0].provider: unknown provider "nowhere"`);
    expect(result.stderr).not.toContain("    at ");
  });

  test("export of a database that does not exist is an error, not a new empty file", () => {
    const result = llmio("config", "export", "--db-path", join(folder, "missing.db"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`llmio: no database at ${join(folder, "missing.db")}`);
  });
});
