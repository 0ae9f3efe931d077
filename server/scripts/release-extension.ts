/**
 * The browser extension's release packages: `wxt zip` for Chrome (MV3) and Firefox (MV2, with the
 * sources archive addons.mozilla.org asks for), copied into the release folder as
 *   llmio-extension-<version>-chrome.zip, -firefox.zip and -firefox-sources.zip.
 * `wxt zip` writes into the shared extension/.output folder, so zipping and copying happen under
 * the extension build lock (flock(1) on EXTENSION_BUILD_LOCK, where flock exists): no concurrent
 * build in the same checkout can swap the files between the two steps.
 *   bun server/scripts/release-extension.ts --stage DIR   (the locked step: zip, copy into DIR)
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = join(import.meta.dir, "../..");
const EXTENSION_DIR = join(ROOT, "extension");
const OUTPUT_DIR = join(EXTENSION_DIR, ".output");
export const EXTENSION_BUILD_LOCK = "/tmp/ext-build.lock";

/** What `wxt zip` leaves in .output (by the suffix of its artifact and sources templates) → the release name. */
const ARTIFACTS = [
  { suffix: "-chrome.zip", release: "chrome.zip" },
  { suffix: "-firefox.zip", release: "firefox.zip" },
  { suffix: "-sources.zip", release: "firefox-sources.zip" },
] as const;

export function extensionVersion(): string {
  return (JSON.parse(readFileSync(join(EXTENSION_DIR, "package.json"), "utf8")) as { version: string }).version;
}

export function releaseNameOf(version: string, release: (typeof ARTIFACTS)[number]["release"]): string {
  return `llmio-extension-${version}-${release}`;
}

function run(command: string[]) {
  const result = Bun.spawnSync(command, { cwd: ROOT, stdout: "inherit", stderr: "inherit" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed with exit code ${result.exitCode}`);
}

/** The locked step: zip both browsers (wxt builds first), then copy this version's zips into `stage`. */
function zipInto(stage: string, version: string) {
  run([process.execPath, "run", "--cwd", EXTENSION_DIR, "zip:chrome"]);
  run([process.execPath, "run", "--cwd", EXTENSION_DIR, "zip:firefox"]);
  const files = readdirSync(OUTPUT_DIR);
  for (const { suffix, release } of ARTIFACTS) {
    const found = files.find((name) => name.endsWith(`${version}${suffix}`));
    if (!found) throw new Error(`wxt zip left no *${version}${suffix} in ${OUTPUT_DIR} (found: ${files.join(", ")})`);
    copyFileSync(join(OUTPUT_DIR, found), join(stage, releaseNameOf(version, release)));
  }
}

/**
 * Zips the extension and puts its packages into `folder`; returns their file names (for SHA256SUMS).
 * Runs the zip step in a child process that holds the build lock for its whole life.
 */
export function releaseExtension(folder: string): string[] {
  const version = extensionVersion();
  mkdirSync(folder, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), "llmio-extension-release-"));
  try {
    const step = [process.execPath, import.meta.path, "--stage", stage];
    run(Bun.which("flock") ? ["flock", EXTENSION_BUILD_LOCK, ...step] : step);
    return ARTIFACTS.map(({ release }) => {
      const name = releaseNameOf(version, release);
      // Staged outside the release folder first: a failed zip leaves no half-written package there.
      renameOrCopy(join(stage, name), join(folder, name));
      return name;
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** rename(2) fails across file systems (/tmp is often its own): copy then. */
function renameOrCopy(from: string, to: string) {
  try {
    renameSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { stage: { type: "string" } } });
  if (!values.stage) throw new Error("usage: release-extension.ts --stage DIR (release.ts calls it under the build lock)");
  zipInto(values.stage, extensionVersion());
}
