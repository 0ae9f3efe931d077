/**
 * The README's test command: the server suites (bun test: unit, SDK, CLI, browser e2e) and the
 * UI and extension unit suites (Vitest). Every suite runs even when an earlier one fails.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "../..");
const suites: Array<{ name: string; command: string[]; cwd: string }> = [
  { name: "server", command: [process.execPath, "test"], cwd: root },
  { name: "ui", command: [process.execPath, "run", "test", "--passWithNoTests"], cwd: join(root, "ui") },
  { name: "extension", command: [process.execPath, "run", "test", "--passWithNoTests"], cwd: join(root, "extension") },
];

let failed = false;
for (const suite of suites) {
  if (!existsSync(join(suite.cwd, "package.json"))) continue;
  const scripts = (await Bun.file(join(suite.cwd, "package.json")).json()).scripts ?? {};
  if (suite.name !== "server" && !scripts.test) continue;
  console.error(`\n=== ${suite.name} tests ===`);
  const result = Bun.spawnSync(suite.command, { cwd: suite.cwd, stdout: "inherit", stderr: "inherit", env: process.env });
  if (result.exitCode !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
