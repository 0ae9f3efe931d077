import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Recorded wire fixtures: `<protocol folder>/__fixtures__/<name>.jsonl`, one JSON payload per
 * line (blank lines ignored). Shared by every protocol's tests:
 * `loadFixture(import.meta.dir, "text.stream")`.
 */
export function loadFixture<T = unknown>(protocolDirectory: string, name: string): T[] {
  const path = join(protocolDirectory, "__fixtures__", `${name}.jsonl`);
  const lines = readFileSync(path, "utf8").split("\n");
  const payloads: T[] = [];
  lines.forEach((line, number) => {
    if (line.trim() === "") return;
    try {
      payloads.push(JSON.parse(line) as T);
    } catch (error) {
      throw new Error(`${path}:${number + 1}: ${(error as Error).message}`);
    }
  });
  return payloads;
}
