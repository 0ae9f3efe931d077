import { createApp } from "./app.ts";
import { listenFailure } from "./cli/listen-error.ts";
import { openDatabaseOrExplain } from "./cli/open-database.ts";
import { startBanner } from "./cli/start-banner.ts";
import { loadServerConfig, type ServerFlags } from "./config.ts";
import { sharedGeneratedToken } from "./auth/shared-token.ts";
import { connectSharedState } from "./shared-state/index.ts";
import { createDeps } from "./app-deps.ts";
import { SettingsTracing } from "./observability/settings-tracing.ts";
import { countDroppedSpans } from "./observability/prometheus.ts";
import { LogRetention } from "./observability/log-retention.ts";
import { HealthProbe } from "./relay/health-probe.ts";
import { setUpstreamLimits } from "./relay/upstream-limits.ts";
import { loadUiAssets } from "./ui-assets.ts";
import { httpLimits, listenLimits } from "./routes/http-limits.ts";
import { VERSION } from "./version.ts";
import { logger } from "./lib/logger.ts";
import { GATEWAY_MAX_HTTP_REQUESTS } from "./cli/fetch-limit.ts";

/** How often an instance on PostgreSQL without Redis reloads its caches. */
const SHARED_DATABASE_POLL_MS = 5_000;

/** `llmio serve`: opens the database, starts the HTTP server, and shuts down cleanly on signals. */
export async function serve(flags: ServerFlags) {
  const startedAt = performance.now();
  const config = loadServerConfig(flags);
  setUpstreamLimits({ maxBodyBytes: config.maxUpstreamBodyBytes, maxSseEventBytes: config.maxSseEventBytes });
  const db = await openDatabaseOrExplain(
    config,
    config.databaseUrl ? "check DATABASE_URL or --database-url" : "choose a writable place with --db-path or --data-dir",
  );
  if (config.tokenSource.kind === "database") config.token = await sharedGeneratedToken(db);
  const sharedState = await connectSharedState(config.redisUrl, {
    prefix: process.env.LLMIO_REDIS_PREFIX || undefined,
    // PostgreSQL without Redis: other instances' admin writes cannot be announced, so caches reload every few seconds.
    pollChangesMs: config.databaseUrl ? SHARED_DATABASE_POLL_MS : undefined,
  });
  const tracing = new SettingsTracing(process.env, countDroppedSpans);
  const deps = createDeps(config, db, { sharedState, tracing, quota: { outputReserveTokens: config.quotaOutputReserveTokens } });
  // The OTEL_* environment, else the admin settings (applied again whenever they change).
  await tracing.follow(deps.settings);
  const { logWriter, catalog } = deps;
  const limits = httpLimits({ maxRequestBodyBytes: config.maxRequestBodyBytes, idleTimeoutSeconds: config.idleTimeoutSeconds });
  const hosts = { boundHost: config.host, allowedHosts: config.allowedHosts };
  const app = createApp(deps, undefined, await loadUiAssets(), { ...limits, hosts });
  try {
    // The idle timeout bounds every connection but an admitted LLM call's (see routes/connection-timeout.ts).
    // Never reusePort (Elysia turns it on): a second gateway on the same port would get half the connections.
    app.listen({ port: config.port, hostname: config.host, ...listenLimits(limits), development: false, reusePort: false });
  } catch (error) {
    await logWriter.close();
    await sharedState.close();
    await db.close();
    throw (await listenFailure(error, { host: config.host, port: config.port, portHint: "choose another port with --port or LLMIO_SERVER_PORT" })) ?? error;
  }
  const retention = new LogRetention(db, deps.settings).start();
  // Providers with an open breaker are tried in the background, so a recovered one shows it without traffic.
  const probe = new HealthProbe(deps, { intervalMs: config.healthProbeIntervalMs }).start();

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
    probe.stop();
    await tracing.shutdown();
    await logWriter.close();
    await deps.caching.store.close();
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

  // Last: whoever reads the banner may stop the gateway at once, so the signal handlers come first.
  const port = app.server!.port ?? config.port;
  const banner = startBanner(config, { version: VERSION, port, readyMs: performance.now() - startedAt });
  // One write, so anything reading the banner sees it whole.
  console.log(banner.text);
  for (const warning of banner.warnings) logger.warn(warning);
  if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
    // main.ts restarts `llmio serve` with it set (cli/fetch-limit.ts); this run could not, or was started another way.
    logger.warn(`BUN_CONFIG_MAX_HTTP_REQUESTS is not set: at most 256 upstream requests run at once; start with BUN_CONFIG_MAX_HTTP_REQUESTS=${GATEWAY_MAX_HTTP_REQUESTS} for thousands of concurrent streams`);
  }
  return { app, config, db, logWriter, catalog, port };
}
