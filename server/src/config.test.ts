import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError, UsageError } from "./lib/cli-error.ts";
import { loadServerConfig } from "./config.ts";

const MB = 1024 * 1024;
/** Env with a token given, so no token file is written. */
const env = (extra: Record<string, string> = {}) => ({ TOKEN: "t", LLMIO_DB_PATH: "/tmp/llmio-config-test/llmio.db", ...extra });

describe("HTTP limits and Host settings", () => {
  test("defaults: 32 MB request bodies, a 60 s idle timeout, no allow-list", () => {
    const config = loadServerConfig({}, env());
    expect(config.maxRequestBodyBytes).toBe(32 * MB);
    expect(config.idleTimeoutSeconds).toBe(60);
    expect(config.allowedHosts).toBeUndefined();
  });

  test("from env, flags winning", () => {
    const fromEnv = loadServerConfig({}, env({ LLMIO_MAX_REQUEST_BODY_MB: "0.5", LLMIO_IDLE_TIMEOUT_SECONDS: "255", LLMIO_ALLOWED_HOSTS: " LLM.example.com, *.corp.example ,," }));
    expect(fromEnv.maxRequestBodyBytes).toBe(MB / 2);
    expect(fromEnv.idleTimeoutSeconds).toBe(255);
    expect(fromEnv.allowedHosts).toEqual(["llm.example.com", "*.corp.example"]);
    const fromFlags = loadServerConfig({ maxRequestBodyMb: "100", idleTimeoutSeconds: "5", allowedHosts: "*" }, env({ LLMIO_MAX_REQUEST_BODY_MB: "1", LLMIO_IDLE_TIMEOUT_SECONDS: "9" }));
    expect(fromFlags.maxRequestBodyBytes).toBe(100 * MB);
    expect(fromFlags.idleTimeoutSeconds).toBe(5);
    expect(fromFlags.allowedHosts).toEqual(["*"]);
  });

  test("invalid values are refused with the setting's name", () => {
    expect(() => loadServerConfig({}, env({ LLMIO_MAX_REQUEST_BODY_MB: "0" }))).toThrow("LLMIO_MAX_REQUEST_BODY_MB");
    for (const value of ["0", "256", "1.5", "soon"]) expect(() => loadServerConfig({}, env({ LLMIO_IDLE_TIMEOUT_SECONDS: value }))).toThrow("LLMIO_IDLE_TIMEOUT_SECONDS");
  });
});

describe("background health probe", () => {
  test("every 30 s by default, 0 turns it off, the flag wins, nonsense is refused by name", () => {
    expect(loadServerConfig({}, env()).healthProbeIntervalMs).toBe(30_000);
    expect(loadServerConfig({}, env({ LLMIO_HEALTH_PROBE_SECONDS: "0" })).healthProbeIntervalMs).toBe(0);
    expect(loadServerConfig({ healthProbeSeconds: "5" }, env({ LLMIO_HEALTH_PROBE_SECONDS: "60" })).healthProbeIntervalMs).toBe(5_000);
    for (const value of ["-1", "1.5", "3601", "often"]) expect(() => loadServerConfig({}, env({ LLMIO_HEALTH_PROBE_SECONDS: value }))).toThrow("LLMIO_HEALTH_PROBE_SECONDS");
  });
});

describe("trusted proxies", () => {
  test("nobody by default; a CIDR list from LLMIO_TRUSTED_PROXIES, the flag winning; a bad entry refused by name", () => {
    expect(loadServerConfig({}, env()).trustedProxies.size).toBe(0);
    const fromEnv = loadServerConfig({}, env({ LLMIO_TRUSTED_PROXIES: "127.0.0.1/32, 10.0.0.0/8,::1/128" }));
    expect(fromEnv.trustedProxies.contains("10.2.3.4")).toBe(true);
    expect(fromEnv.trustedProxies.contains("::1")).toBe(true);
    const fromFlag = loadServerConfig({ trustedProxies: "192.168.0.0/16" }, env({ LLMIO_TRUSTED_PROXIES: "10.0.0.0/8" }));
    expect(fromFlag.trustedProxies.contains("10.2.3.4")).toBe(false);
    expect(fromFlag.trustedProxies.contains("192.168.9.9")).toBe(true);
    expect(() => loadServerConfig({}, env({ LLMIO_TRUSTED_PROXIES: "10.0.0.0/40" }))).toThrow(UsageError);
    expect(() => loadServerConfig({ trustedProxies: "proxy.local" }, env())).toThrow("--trusted-proxies");
  });
});

describe("admin token source and setting errors", () => {
  test("flag, then TOKEN, then a generated token kept beside the database", () => {
    const folder = mkdtempSync(join(tmpdir(), "llmio-token-source-"));
    try {
      const files = { LLMIO_DB_PATH: join(folder, "llmio.db") };
      expect(loadServerConfig({ token: "from-the-flag" }, { ...files, TOKEN: "from-env" })).toMatchObject({ token: "from-the-flag", tokenSource: { kind: "flag" } });
      expect(loadServerConfig({}, { ...files, TOKEN: "from-env" })).toMatchObject({ token: "from-env", tokenSource: { kind: "environment" } });
      const created = loadServerConfig({}, files);
      expect(created.tokenSource).toEqual({ kind: "file", path: join(folder, "token"), created: true });
      const read = loadServerConfig({}, files);
      expect(read.tokenSource).toEqual({ kind: "file", path: join(folder, "token"), created: false });
      expect(read.token).toBe(created.token);
      expect(loadServerConfig({}, { ...files, DATABASE_URL: "postgres://db/llmio" }).tokenSource).toEqual({ kind: "database" });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test("a wrong value is a usage error naming the flag or the variable that gave it", () => {
    expect(() => loadServerConfig({ port: "abc" }, env())).toThrow(new UsageError('invalid --port "abc": a port is a whole number from 0 to 65535'));
    expect(() => loadServerConfig({}, env({ LLMIO_SERVER_PORT: "70000" }))).toThrow('invalid LLMIO_SERVER_PORT "70000"');
    expect(() => loadServerConfig({ port: "" }, env())).toThrow('invalid --port ""');
    expect(loadServerConfig({}, env({ LLMIO_SERVER_PORT: "" })).port).toBe(7070);
    expect(() => loadServerConfig({ maxSseEventMb: "0" }, env())).toThrow('invalid --max-sse-event-mb "0"');
    expect(() => loadServerConfig({ redisUrl: "http://x" }, env())).toThrow("--redis-url must be a redis://");
  });

  test("a token file that cannot be written is a one-line error with a hint", () => {
    const folder = mkdtempSync(join(tmpdir(), "llmio-token-file-"));
    try {
      writeFileSync(join(folder, "a-file"), "");
      const error = (() => {
        try {
          loadServerConfig({}, { LLMIO_DB_PATH: join(folder, "a-file", "llmio.db") });
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).message).toBe(`cannot save the generated admin token to ${join(folder, "a-file", "token")}: a file is in the way (${join(folder, "a-file")})`);
      expect((error as CliError).hint).toBe("set TOKEN, or choose a writable folder with --data-dir or --db-path");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
