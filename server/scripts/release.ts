/**
 * Release binaries for every supported platform from one machine (Bun cross-compiles,
 * fetching each target's runtime from the npm registry once), with SHA-256 checksums.
 *   bun run release   →  dist/release/llmio-<os>-<arch>[.exe] and SHA256SUMS
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const TARGETS = [
  { target: "bun-linux-x64", name: "llmio-linux-x64" },
  { target: "bun-linux-arm64", name: "llmio-linux-arm64" },
  { target: "bun-darwin-arm64", name: "llmio-darwin-arm64" },
  { target: "bun-darwin-x64", name: "llmio-darwin-x64" },
  { target: "bun-windows-x64", name: "llmio-windows-x64.exe" },
];

const root = join(import.meta.dir, "../..");
const folder = join(root, "dist/release");
mkdirSync(folder, { recursive: true });
const sums: string[] = [];
TARGETS.forEach(({ target, name }, index) => {
  const outfile = join("dist/release", name);
  const args = ["server/scripts/build.ts", "--target", target, "--outfile", outfile];
  // The UI is the same for every platform: build it once.
  if (index > 0) args.push("--skip-ui");
  const result = Bun.spawnSync([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
  if (result.exitCode !== 0) throw new Error(`building ${name} failed`);
  sums.push(`${createHash("sha256").update(readFileSync(join(root, outfile))).digest("hex")}  ${name}`);
});
writeFileSync(join(folder, "SHA256SUMS"), `${sums.join("\n")}\n`);
console.log(sums.join("\n"));
