/**
 * A private copy of an extension build for one test run. Several suites (and people) build the
 * extension into the shared extension/.output at the same time, so building and copying happen
 * under one lock (/tmp/ext-build.lock, as the `flock` used by hand) and a test loads only its copy.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const EXTENSION_DIR = join(import.meta.dir, "../../../extension");
const BUILD_LOCK = "/tmp/ext-build.lock";

export type ExtensionTarget = "chrome-mv3" | "firefox-mv2";
const BUILD_SCRIPT: Record<ExtensionTarget, string> = { "chrome-mv3": "build:chrome", "firefox-mv2": "build:firefox" };

export interface ExtensionCopy {
  /** The folder to load (it holds manifest.json). */
  dir: string;
  remove(): void;
}

/** Builds the target when it is missing (or `rebuild`), then copies it out, all under the lock. */
export function copyExtensionBuild(target: ExtensionTarget, options: { rebuild?: boolean } = {}): ExtensionCopy {
  const output = join(EXTENSION_DIR, ".output", target);
  const parent = mkdtempSync(join(tmpdir(), `llmio-${target}-`));
  const dir = join(parent, target);
  const build = options.rebuild || !existsSync(join(output, "manifest.json")) ? `bun run --cwd "${EXTENSION_DIR}" ${BUILD_SCRIPT[target]} && ` : "";
  const script = `${build}cp -r "${output}" "${parent}/"`;
  const run = Bun.spawnSync(["flock", BUILD_LOCK, "sh", "-c", script], { stdout: "pipe", stderr: "pipe", env: { ...process.env, PATH: `${join(process.execPath, "..")}:${process.env.PATH}` } });
  if (run.exitCode !== 0 || !existsSync(join(dir, "manifest.json"))) {
    rmSync(parent, { recursive: true, force: true });
    throw new Error(`extension build/copy failed:\n${run.stdout.toString()}\n${run.stderr.toString()}`);
  }
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
