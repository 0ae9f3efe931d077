import { createApp } from "./app.ts";
import { loadServerConfig, type ServerFlags } from "./config.ts";
import { openConfiguredDatabase } from "./db/client.ts";
import { sharedGeneratedToken } from "./services/shared-token.ts";
import { connectSharedState } from "./shared-state/index.ts";
import { createDeps } from "./app-deps.ts";
import { LogRetention } from "./services/log-retention.ts";
import { setUpstreamLimits } from "./relay/upstream-limits.ts";
import { loadUiAssets } from "./ui-assets.ts";
import { httpLimits, listenLimits } from "./routes/http-limits.ts";
import { VERSION } from "./version.ts";
import { logger } from "./services/logger.ts";

/** How often an instance on PostgreSQL without Redis reloads its caches. */
const SHARED_DATABASE_POLL_MS = 5_000;

/** `llmio serve`: opens the database, starts the HTTP server, and shuts down cleanly on signals. */
export async function serve(flags: ServerFlags) {
  const startedAt = performance.now();
  const config = loadServerConfig(flags);
  setUpstreamLimits({ maxBodyBytes: config.maxUpstreamBodyBytes, maxSseEventBytes: config.maxSseEventBytes });
  const db = await openConfiguredDatabase(config);
  if (config.databaseUrl && config.tokenGenerated) config.token = await sharedGeneratedToken(db);
  const sharedState = await connectSharedState(config.redisUrl, {
    prefix: process.env.LLMIO_REDIS_PREFIX || undefined,
    // PostgreSQL without Redis: other instances' admin writes cannot be announced, so caches reload every few seconds.
    pollChangesMs: config.databaseUrl ? SHARED_DATABASE_POLL_MS : undefined,
  });
  const deps = createDeps(config, db, { sharedState, quota: { outputReserveTokens: config.quotaOutputReserveTokens } });
  const { logWriter, catalog } = deps;
  const limits = httpLimits({ maxRequestBodyBytes: config.maxRequestBodyBytes, idleTimeoutSeconds: config.idleTimeoutSeconds });
  const hosts = { boundHost: config.host, allowedHosts: config.allowedHosts };
  const app = createApp(deps, undefined, await loadUiAssets(), { ...limits, hosts });
  const retention = new LogRetention(db, deps.settings).start();
  // The idle timeout bounds every connection but an admitted LLM call's (see routes/connection-timeout.ts).
  app.listen({ port: config.port, hostname: config.host, ...listenLimits(limits), development: false });

  const port = app.server!.port;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const base = `http://${shownHost}:${port}`;
  // One write, so anything reading the banner sees it whole.
  const banner = [
    `llmio ${VERSION} listening on ${config.host}:${port} (ready in ${Math.round(performance.now() - startedAt)} ms)`,
    `  admin UI      ${base}/`,
    `  OpenAI API    ${base}/v1  (also ${base}/openai/v1)`,
    `  OpenAPI docs  ${base}/openapi`,
    `  database      ${config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : config.databasePath}`,
    `  shared state  ${config.redisUrl ? `Redis ${redactUrl(config.redisUrl)}` : "in memory (this instance only)"}`,
  ];
  if (config.tokenGenerated) {
    const keptIn = config.databaseUrl ? "the database (shared by every instance)" : config.databasePath.replace(/[^/]+$/, "token");
    banner.push("", `  No TOKEN set: using the generated admin token kept in ${keptIn}`, `  TOKEN=${config.token}`, "");
  }
  console.log(banner.join("\n"));

  if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
    // Bun reads this once at start-up; without it at most 256 upstream requests run at once.
    logger.warn("BUN_CONFIG_MAX_HTTP_REQUESTS is not set: at most 256 upstream requests run at once; start with BUN_CONFIG_MAX_HTTP_REQUESTS=65535 for thousands of concurrent streams");
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const server = app.server!;
    logger.info("stopping: no new connections, waiting for requests in flight", { signal, inFlight: server.pendingRequests });
    // Stop accepting, let running requests (streams included) finish, force-close at the deadline.
    const drained = server.stop(false).then(() => true);
    const deadline = Bun.sleep(config.shutdownGraceMs).then(() => false);
    if (!(await Promise.race([drained, deadline]))) {
      logger.warn("closing requests still running at the shutdown deadline", { inFlight: server.pendingRequests, graceMs: config.shutdownGraceMs });
      await server.stop(true);
      // Streams cut just now still write their log rows.
      await Bun.sleep(50);
    }
    retention.stop();
    await logWriter.close();
    await sharedState.close();
    await db.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // A crash must not lose logs that were already accepted.
  process.on("uncaughtException", (error) => {
    logger.error("uncaught exception", { error: error.stack ?? error.message });
    void logWriter.flush();
  });
  return { app, config, db, logWriter, catalog, port };
}

/** A connection URL without its password, for the banner and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
