/**
 * Release binaries for every supported platform from one machine (Bun cross-compiles,
 * fetching each target's runtime from the npm registry once), the browser extension's
 * packages, and SHA-256 checksums of all of them.
 *   bun run release   →  dist/release/llmio-<os>-<arch>[.exe], llmio-extension-<version>-*.zip, SHA256SUMS
 *   bun server/scripts/release.ts --extension-only --out DIR   (the extension packages alone)
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeChecksums } from "./release-checksums.ts";
import { releaseExtension } from "./release-extension.ts";

const TARGETS = [
  { target: "bun-linux-x64", name: "llmio-linux-x64" },
  { target: "bun-linux-arm64", name: "llmio-linux-arm64" },
  { target: "bun-darwin-arm64", name: "llmio-darwin-arm64" },
  { target: "bun-darwin-x64", name: "llmio-darwin-x64" },
  { target: "bun-windows-x64", name: "llmio-windows-x64.exe" },
];

const root = join(import.meta.dir, "../..");
const { values } = parseArgs({ options: { out: { type: "string", default: "dist/release" }, "extension-only": { type: "boolean", default: false } } });
const folder = resolve(root, values.out!);
mkdirSync(folder, { recursive: true });

function buildBinaries(): string[] {
  return TARGETS.map(({ target, name }, index) => {
    const args = ["server/scripts/build.ts", "--target", target, "--outfile", join(folder, name)];
    // The UI is the same for every platform: build it once.
    if (index > 0) args.push("--skip-ui");
    const result = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
    if (result.exitCode !== 0) throw new Error(`building ${name} failed`);
    return name;
  });
}

const names = [...(values["extension-only"] ? [] : buildBinaries()), ...releaseExtension(folder)];
console.log(writeChecksums(folder, names).join("\n"));
