import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** `sha256sum` lines (`<hex>  <name>`) for the named files of `folder`, written to its SHA256SUMS; returns them. */
export function writeChecksums(folder: string, names: string[]): string[] {
  const lines = names.map((name) => `${createHash("sha256").update(readFileSync(join(folder, name))).digest("hex")}  ${name}`);
  writeFileSync(join(folder, "SHA256SUMS"), `${lines.join("\n")}\n`);
  return lines;
}
