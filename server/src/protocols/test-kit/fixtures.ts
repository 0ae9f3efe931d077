/** Recorded wire fixtures and real client captures (rules and origins: ../FIXTURES.md). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SseEvent } from "../../core/wire-protocol.ts";
import type { Json } from "./json.ts";

/**
 * `<protocol folder>/__fixtures__/<name>.jsonl`, one JSON payload per line (blank lines ignored):
 * `loadFixture(import.meta.dir, "text.stream")`.
 */
export function loadFixture<T = Json>(protocolDirectory: string, name: string): T[] {
  const path = join(protocolDirectory, "__fixtures__", `${name}.jsonl`);
  const payloads: T[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, number) => {
      if (line.trim() === "") return;
      try {
        payloads.push(JSON.parse(line) as T);
      } catch (error) {
        throw new Error(`${path}:${number + 1}: ${(error as Error).message}`);
      }
    });
  return payloads;
}

/** A `*.stream` fixture (`{event?, data}` lines, data as text or as JSON) → SSE events as the relay hands them over. */
export function sseFixture(protocolDirectory: string, name: string): SseEvent[] {
  return loadFixture<{ event?: string; data: unknown }>(protocolDirectory, name).map(({ event, data }) => ({
    event,
    data: typeof data === "string" ? data : JSON.stringify(data),
  }));
}

/** Where the real client requests live (README.md there says which CLI sent which). */
export const CAPTURES_DIRECTORY = "/work/shared/captures";

/** One real CLI request body from the captures (`claude-messages-toolresult`, `codex-responses` …). */
export function readCapture<T = Json>(name: string): T {
  return JSON.parse(readFileSync(join(CAPTURES_DIRECTORY, `${name}.json`), "utf8")) as T;
}
