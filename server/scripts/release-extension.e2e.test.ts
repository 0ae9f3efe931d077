/**
 * `bun run release`'s extension part, run for real into a temp folder (no binaries are
 * cross-compiled): the three packages appear under their release names, SHA256SUMS lists exactly
 * them with their true hashes, and each zip holds what its browser loads.
 */
import { afterAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extensionVersion, releaseNameOf } from "./release-extension.ts";

const ROOT = join(import.meta.dir, "../..");
const out = mkdtempSync(join(tmpdir(), "llmio-release-test-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** One file of a zip, through unzip(1) (Debian's `unzip`, as in CI). */
function unzipText(zip: string, entry: string): string {
  const result = Bun.spawnSync(["unzip", "-p", zip, entry], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`unzip -p ${zip} ${entry}: ${result.stderr.toString()}`);
  return result.stdout.toString();
}

test("the release's extension packages: Chrome, Firefox and its sources, listed in SHA256SUMS", () => {
  const release = Bun.spawnSync([process.execPath, "server/scripts/release.ts", "--extension-only", "--out", out], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (release.exitCode !== 0) throw new Error(`release failed:\n${release.stdout.toString()}\n${release.stderr.toString()}`);

  const version = extensionVersion();
  const names = [releaseNameOf(version, "chrome.zip"), releaseNameOf(version, "firefox.zip"), releaseNameOf(version, "firefox-sources.zip")];
  expect(names).toEqual([`llmio-extension-${version}-chrome.zip`, `llmio-extension-${version}-firefox.zip`, `llmio-extension-${version}-firefox-sources.zip`]);
  expect(readdirSync(out).sort()).toEqual([...names, "SHA256SUMS"].sort());

  // sha256sum's format, one line per package, each hash the file's own.
  const lines = readFileSync(join(out, "SHA256SUMS"), "utf8").trimEnd().split("\n");
  expect(lines.map((line) => line.split("  ")[1])).toEqual(names);
  for (const line of lines) {
    const [hash, name] = line.split("  ");
    expect(hash).toBe(createHash("sha256").update(readFileSync(join(out, name!))).digest("hex"));
  }

  const chrome = JSON.parse(unzipText(join(out, names[0]!), "manifest.json"));
  expect(chrome.manifest_version).toBe(3);
  expect(chrome.version).toBe(version);
  const firefox = JSON.parse(unzipText(join(out, names[1]!), "manifest.json"));
  expect(firefox.manifest_version).toBe(2);
  expect(firefox.browser_specific_settings.gecko.id).toBeString();
  // The sources archive rebuilds the add-on from the workspace root: lockfile, the extension's package.json and config.
  expect(unzipText(join(out, names[2]!), "bun.lock")).toContain("workspaces");
  expect(JSON.parse(unzipText(join(out, names[2]!), "extension/package.json")).version).toBe(version);
  expect(unzipText(join(out, names[2]!), "extension/wxt.config.ts")).toContain("defineConfig");
}, 120_000);
