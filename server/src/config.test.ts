import { describe, expect, test } from "bun:test";
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
