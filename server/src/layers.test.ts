/**
 * The layering rule (README, "Architecture"): a file may import from its own folder or from a
 * layer below its own, never from one above. Layers, bottom first; each entry is a folder or a
 * root file of server/src. Tests and test-support files may import anything.
 */
import { describe, expect, test } from "bun:test";
import { Glob } from "bun";
import { readdirSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

const LAYERS: string[][] = [
  ["lib", "generated", "runtime", "version"],
  ["config", "ui-assets"],
  ["db"],
  ["core"],
  ["protocols"],
  ["routing"],
  ["auth"],
  ["observability"],
  ["shared-state"],
  ["cache"],
  ["relay", "fake-upstream"],
  ["admin"],
  ["app-deps"],
  ["routes"],
  ["cli"],
  ["app"],
  ["serve"],
  ["main"],
];

const SOURCE = resolve(import.meta.dir);
const rankOf = new Map(LAYERS.flatMap((names, rank) => names.map((name) => [name, rank] as const)));

/** The layer entry a path belongs to: its top folder under server/src, or its root file's name. */
function entryOf(path: string): string {
  const [top, ...rest] = relative(SOURCE, path).split("/");
  return rest.length === 0 ? top.replace(/\.ts$/, "") : top;
}

function isTestFile(path: string): boolean {
  return /\.test\.ts$|test-support|test-kit/.test(path);
}

async function productionImports(): Promise<Array<{ file: string; target: string }>> {
  const found: Array<{ file: string; target: string }> = [];
  for await (const path of new Glob("**/*.ts").scan({ cwd: SOURCE, absolute: true })) {
    if (isTestFile(path)) continue;
    const text = await Bun.file(path).text();
    for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      found.push({ file: path, target: resolve(dirname(path), match[1]) });
    }
  }
  return found;
}

describe("layers", () => {
  test("every folder and root file of server/src has a layer", () => {
    const entries = readdirSync(SOURCE, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || (entry.name.endsWith(".ts") && !isTestFile(entry.name)))
      .map((entry) => entry.name.replace(/\.ts$/, ""));
    expect(entries.filter((entry) => !rankOf.has(entry))).toEqual([]);
  });

  test("no import runs up a layer", async () => {
    const imports = await productionImports();
    expect(imports.length).toBeGreaterThan(500);
    const upward = imports
      .filter(({ file, target }) => (rankOf.get(entryOf(target)) ?? -1) > (rankOf.get(entryOf(file)) ?? -1))
      .map(({ file, target }) => `${relative(SOURCE, file)} → ${relative(SOURCE, target)}`);
    expect(upward).toEqual([]);
  });

  test("a layer's peers do not import each other", async () => {
    const imports = await productionImports();
    const sideways = imports
      .filter(({ file, target }) => entryOf(file) !== entryOf(target) && rankOf.get(entryOf(file)) === rankOf.get(entryOf(target)))
      .map(({ file, target }) => `${relative(SOURCE, file)} → ${relative(SOURCE, target)}`);
    expect(sideways).toEqual([]);
  });
});
