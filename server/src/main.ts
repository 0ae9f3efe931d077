#!/usr/bin/env bun
import { defineCommand } from "citty";
import { restartWithFetchLimit } from "./cli/fetch-limit.ts";
import { listenFailure } from "./cli/listen-error.ts";
import { parsePortFlag } from "./cli/port-flag.ts";
import { runCli } from "./cli/run-cli.ts";
import { VERSION } from "./version.ts";

const serveCommand = defineCommand({
  meta: { name: "serve", description: "Start the gateway (default command)" },
  args: {
    port: { type: "string", description: "Port to listen on (env LLMIO_SERVER_PORT, default 7070)" },
    host: { type: "string", description: "Address to bind (env LLMIO_HOST, default 0.0.0.0)" },
    "db-path": { type: "string", description: "SQLite database file (env LLMIO_DB_PATH, default ./db/llmio.db)" },
    "data-dir": { type: "string", description: "Folder for the database and generated token" },
    token: { type: "string", description: "Admin and full-access API key (env TOKEN; generated when unset)" },
    "database-url": { type: "string", description: "PostgreSQL instead of SQLite, for several instances (env DATABASE_URL, postgres://…)" },
    "redis-url": { type: "string", description: "Share limits, breakers, sessions and lockouts between instances (env REDIS_URL, redis://…)" },
    "max-upstream-body-mb": { type: "string", description: "Largest decoded non-stream answer read from a provider (env LLMIO_MAX_UPSTREAM_BODY_MB, default 64)" },
    "max-sse-event-mb": { type: "string", description: "Largest single SSE event of a provider's stream (env LLMIO_MAX_SSE_EVENT_MB, default 8)" },
    "max-request-body-mb": { type: "string", description: "Largest request body of an LLM call, images included; larger ones get a 413 (env LLMIO_MAX_REQUEST_BODY_MB, default 32)" },
    "idle-timeout-seconds": { type: "string", description: "Connection timeout outside running LLM calls: body upload, idle keep-alive (env LLMIO_IDLE_TIMEOUT_SECONDS, 1-255, default 60)" },
    "allowed-hosts": { type: "string", description: "Host names served besides loopback ones, comma-separated, * for any (env LLMIO_ALLOWED_HOSTS; default: any when bound to 0.0.0.0/::, else only the bound address)" },
    "quota-output-reserve-tokens": { type: "string", description: "Tokens a client key's token quota reserves for the answer of a call that sets no max_tokens (env LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS, default 32768)" },
    "health-probe-seconds": { type: "string", description: "How often a provider with an open breaker is probed with a minimal chat call, 0 to never (env LLMIO_HEALTH_PROBE_SECONDS, default 30)" },
    "trusted-proxies": { type: "string", description: "Reverse proxies whose X-Forwarded-For / X-Real-IP name the client, comma-separated CIDRs like 127.0.0.1/32,::1/128 (env LLMIO_TRUSTED_PROXIES, default none)" },
  },
  async run({ args }) {
    // Before anything else runs: may replace this process with one that has Bun's higher fetch limit.
    restartWithFetchLimit();
    const { serve } = await import("./serve.ts");
    await serve({
      port: args.port,
      host: args.host,
      dbPath: args["db-path"],
      dataDir: args["data-dir"],
      token: args.token,
      databaseUrl: args["database-url"],
      redisUrl: args["redis-url"],
      maxUpstreamBodyMb: args["max-upstream-body-mb"],
      maxSseEventMb: args["max-sse-event-mb"],
      maxRequestBodyMb: args["max-request-body-mb"],
      idleTimeoutSeconds: args["idle-timeout-seconds"],
      allowedHosts: args["allowed-hosts"],
      quotaOutputReserveTokens: args["quota-output-reserve-tokens"],
      healthProbeSeconds: args["health-probe-seconds"],
      trustedProxies: args["trusted-proxies"],
    });
  },
});

const fakeUpstreamCommand = defineCommand({
  meta: { name: "fake-upstream", description: "Start a fake LLM provider with fault injection (for tests, demos, benchmarks)" },
  args: {
    port: { type: "string", description: "Port to listen on", default: "8080" },
    host: { type: "string", description: "Address to bind", default: "127.0.0.1" },
  },
  async run({ args }) {
    const port = parsePortFlag(args.port, { allowAny: true });
    const { runFakeUpstreamCli } = await import("./fake-upstream/index.ts");
    try {
      // Resolves when it is stopped (SIGINT/SIGTERM).
      await runFakeUpstreamCli({ port, host: args.host });
    } catch (error) {
      throw (await listenFailure(error, { host: args.host, port, portHint: "choose another port with --port" })) ?? error;
    }
  },
});

const versionCommand = defineCommand({
  meta: { name: "version", description: "Print the version" },
  run() {
    console.log(VERSION);
  },
});

const main = defineCommand({
  meta: { name: "llmio", version: VERSION, description: "LLM API gateway (add --debug to any command for stack traces and debug logs)" },
  // Loaded on demand: a running gateway never holds the code of the other commands in memory.
  subCommands: {
    serve: serveCommand,
    "fake-upstream": fakeUpstreamCommand,
    "install-service": () => import("./cli/install-service.ts").then((module) => module.installServiceCommand),
    "uninstall-service": () => import("./cli/uninstall-service.ts").then((module) => module.uninstallServiceCommand),
    config: () => import("./cli/config-command.ts").then((module) => module.configCommand),
    "import-llmio": () => import("./cli/import-llmio-command.ts").then((module) => module.importLlmioCommand),
    healthcheck: () => import("./cli/healthcheck.ts").then((module) => module.healthcheckCommand),
    version: versionCommand,
  },
});

// `llmio` with no subcommand (or only flags) serves, like LLMIO.
// Not awaited: the bytecode build is CommonJS, without top-level await; runCli reports its own errors.
void runCli(main, process.argv.slice(2), { defaultCommand: "serve" });
