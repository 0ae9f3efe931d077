/**
 * The Firefox add-on as addons.mozilla.org receives it: `wxt zip -b firefox` makes the add-on zip
 * and the sources archive; Mozilla's linter (`web-ext lint`, the extension's `lint:firefox` script)
 * finds nothing in the build; and the sources archive, unpacked in an empty folder and built with
 * the commands its SOURCE_CODE_REVIEW.md gives, yields the same files as the add-on zip.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { EXTENSION_DIR } from "./extension-support/firefox.ts";

const BUILD_LOCK = "/tmp/ext-build.lock";
const version: string = JSON.parse(readFileSync(join(EXTENSION_DIR, "package.json"), "utf8")).version;
const ADDON_ZIP = `llmio-${version}-firefox.zip`;
const SOURCES_ZIP = `llmio-${version}-sources.zip`;

let work: string;
let lint: { count: number; summary: { errors: number; notices: number; warnings: number }; errors: unknown[]; warnings: unknown[]; notices: unknown[] };

function run(command: string[], cwd: string, timeoutMs = 240_000) {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe", timeout: timeoutMs, env: { ...process.env, CI: "true" } });
  return { exitCode: result.exitCode, output: `${result.stdout.toString()}\n${result.stderr.toString()}` };
}

function mustRun(command: string[], cwd: string) {
  const result = run(command, cwd);
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} (in ${cwd}) failed:\n${result.output.slice(-4000)}`);
  return result.output;
}

/** Unpacks a zip with Info-ZIP's unzip, or Python's zipfile where unzip is missing. */
function unzip(zip: string, into: string) {
  mkdirSync(into, { recursive: true });
  if (Bun.which("unzip")) mustRun(["unzip", "-q", "-o", zip, "-d", into], tmpdir());
  else mustRun(["python3", "-m", "zipfile", "-e", zip, into], tmpdir());
}

/** Every file under `folder`, relative and sorted. */
function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(folder, path));
    }
  };
  walk(folder);
  return found.sort();
}

/** The fenced `sh` block of SOURCE_CODE_REVIEW.md: the build commands a reviewer runs. */
function reviewerCommands(note: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(note);
  if (!block) throw new Error("SOURCE_CODE_REVIEW.md has no ```sh block");
  return block[1].split("\n").map((line) => line.trim()).filter(Boolean);
}

describe("Firefox add-on package", () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "llmio-firefox-package-"));
    // Under the build lock: zip (WXT builds first), lint that very build, copy both zips out.
    const script = [
      `"${process.execPath}" run --cwd extension zip:firefox`,
      `("${process.execPath}" run --cwd extension lint:firefox --output json > "${join(work, "lint.json")}" || true)`,
      `cp "extension/.output/${ADDON_ZIP}" "extension/.output/${SOURCES_ZIP}" "${work}/"`,
    ].join(" && ");
    mustRun(["flock", BUILD_LOCK, "sh", "-c", script], join(EXTENSION_DIR, ".."));
    const text = readFileSync(join(work, "lint.json"), "utf8");
    lint = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1));
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("web-ext lint (lint:firefox) on the build: no errors, no warnings, no notices", () => {
    // The messages themselves, so a failure says what the linter found.
    expect({ errors: lint.errors, warnings: lint.warnings, notices: lint.notices }).toEqual({ errors: [], warnings: [], notices: [] });
    expect(lint.summary).toEqual({ errors: 0, notices: 0, warnings: 0 });
  });

  test("the add-on zip: the MV2 manifest with its gecko id, and nothing but the built files", () => {
    const addon = join(work, "addon");
    unzip(join(work, ADDON_ZIP), addon);
    const manifest = JSON.parse(readFileSync(join(addon, "manifest.json"), "utf8"));
    expect(manifest.manifest_version).toBe(2);
    expect(manifest.version).toBe(version);
    expect(manifest.browser_specific_settings).toEqual({
      gecko: { id: "extension@llmio.dev", strict_min_version: "140.0", data_collection_permissions: { required: ["none"] } },
      gecko_android: { strict_min_version: "142.0" },
    });
    const files = filesUnder(addon);
    expect(files).toContain("background.js");
    expect(files).toContain("popup.html");
    expect(files).toContain("options.html");
    expect(files.filter((file) => /\.(ts|tsx|map)$/.test(file))).toEqual([]);
  });

  test("the sources archive holds the workspace's lockfile and manifests, the extension, the review note; no builds, modules or tests", () => {
    const sources = join(work, "sources-listing");
    unzip(join(work, SOURCES_ZIP), sources);
    const files = filesUnder(sources);
    for (const file of ["package.json", "bun.lock", "server/package.json", "ui/package.json", "bench/package.json", "extension/package.json", "extension/wxt.config.ts", "extension/SOURCE_CODE_REVIEW.md"]) {
      expect(files).toContain(file);
    }
    // Of the other workspaces only their package.json (the gateway's code is not the add-on's).
    expect(files.filter((file) => !file.startsWith("extension/") && file.includes("/") && !file.endsWith("/package.json"))).toEqual([]);
    expect(files.filter((file) => /(^|\/)(node_modules|\.output|\.wxt)\//.test(file) || /\.test\.tsx?$/.test(file) || file.includes(".env"))).toEqual([]);
    // The lockfile is the repository's own, byte for byte.
    expect(readFileSync(join(sources, "bun.lock"), "utf8")).toBe(readFileSync(join(EXTENSION_DIR, "../bun.lock"), "utf8"));
  });

  test("the sources archive, unpacked in an empty folder and built as SOURCE_CODE_REVIEW.md says, gives the add-on zip's files", () => {
    const checkout = join(work, "clean");
    unzip(join(work, SOURCES_ZIP), checkout);
    const commands = reviewerCommands(readFileSync(join(checkout, "extension/SOURCE_CODE_REVIEW.md"), "utf8"));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const command of commands) {
      const [program, ...args] = command.split(/\s+/);
      expect(program).toBe("bun");
      mustRun([process.execPath, ...args], checkout);
    }
    const rebuilt = join(work, "rebuilt");
    const shipped = join(work, "shipped");
    unzip(join(checkout, "extension/.output", ADDON_ZIP), rebuilt);
    unzip(join(work, ADDON_ZIP), shipped);
    // Same files, same bytes: nothing in the add-on depends on the machine or the folder it was built in.
    expect(filesUnder(rebuilt)).toEqual(filesUnder(shipped));
    const differing = filesUnder(shipped).filter((file) => !readFileSync(join(rebuilt, file)).equals(readFileSync(join(shipped, file))));
    expect(differing).toEqual([]);
  }, 300_000);
});
