import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What goes into the sources archive (`wxt zip -b firefox` → llmio-<version>-sources.zip) that
 * addons.mozilla.org reviewers rebuild the add-on from. The extension is one workspace of a Bun
 * monorepo whose single lockfile is at the root, so the archive is rooted there: the root
 * package.json and bun.lock, every workspace's package.json (bun needs them to apply the lockfile
 * unchanged; only the extension's dependencies get installed), and the extension's own folder
 * with SOURCE_CODE_REVIEW.md (the build commands). Dot folders (.output, .wxt), node_modules and
 * unit tests stay out (WXT's defaults).
 */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export function sourcesArchiveFiles(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { workspaces: string[] };
  return ["package.json", "bun.lock", ...workspaces.filter((folder) => folder !== "extension").map((folder) => `${folder}/package.json`), "extension/**"];
}
