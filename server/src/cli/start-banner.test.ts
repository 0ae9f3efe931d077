import { describe, expect, test } from "bun:test";
import type { TokenSource } from "../config.ts";
import { startBanner } from "./start-banner.ts";

const TOKEN = "llmio-0123456789abcdefghij";
const started = { version: "9.9.9", port: 7070, readyMs: 42.4 };

function banner(tokenSource: TokenSource, token = TOKEN, more: { databaseUrl?: string; redisUrl?: string } = {}) {
  return startBanner({ host: "0.0.0.0", databasePath: "/data/llmio.db", token, tokenSource, ...more }, started);
}

describe("startBanner", () => {
  test("where to reach the gateway and its storage", () => {
    const { text } = banner({ kind: "environment" }, TOKEN, { databaseUrl: "postgres://llmio:secret@db:5432/llmio", redisUrl: "redis://:pw@cache:6379" });
    expect(text).toStartWith("llmio 9.9.9 listening on 0.0.0.0:7070 (ready in 42 ms)\n  admin UI      http://127.0.0.1:7070/\n");
    expect(text).toContain("  database      PostgreSQL postgres://llmio:***@db:5432/llmio\n");
    expect(text).toContain("  shared state  Redis redis://:***@cache:6379\n");
  });

  test("a token from the environment or a flag is named, never printed", () => {
    for (const [source, says] of [
      [{ kind: "environment" }, "from the environment variable TOKEN (not shown)"],
      [{ kind: "flag" }, "from the --token flag (not shown)"],
    ] as const) {
      const { text, warnings } = banner(source);
      expect(text).toEndWith(`\n  admin token   ${says}`);
      expect(text).not.toContain(TOKEN);
      expect(warnings).toEqual([]);
    }
  });

  test("a generated token is printed with where it is kept", () => {
    expect(banner({ kind: "file", path: "/data/token", created: true }).text).toEndWith(
      `\n  admin token   generated now, kept in /data/token (set TOKEN to use your own)\n                ${TOKEN}`,
    );
    expect(banner({ kind: "file", path: "/data/token", created: false }).text).toContain("  admin token   generated at an earlier start, kept in /data/token");
    expect(banner({ kind: "database" }).text).toEndWith(
      `\n  admin token   generated, kept in the PostgreSQL database (the same for every instance; set TOKEN to use your own)\n                ${TOKEN}`,
    );
  });

  test("a token shorter than 16 characters draws a warning that names its source, not the token", () => {
    expect(banner({ kind: "environment" }, "0123456789abcdef").warnings).toEqual([]);
    const [warning] = banner({ kind: "environment" }, "hunter2").warnings;
    expect(warning).toStartWith("TOKEN is only 7 characters long");
    expect(warning).not.toContain("hunter2");
    expect(banner({ kind: "flag" }, "short").warnings[0]).toStartWith("--token is only 5 characters long");
  });
});
