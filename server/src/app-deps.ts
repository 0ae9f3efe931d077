import { Balancer } from "./routing/balancer.ts";
import type { BreakerOptions } from "./routing/circuit-breaker.ts";
import type { ServerConfig } from "./config.ts";
import type { AppDatabase } from "./db/client.ts";
import { LogWriter, type LogWriterOptions } from "./db/log-writer.ts";
import { BodyCapture } from "./observability/body-capture.ts";
import { Catalog } from "./routing/catalog.ts";
import { InFlightTracker } from "./observability/in-flight.ts";
import { SettingsStore } from "./routing/settings.ts";
import type { ClientKeys, QuotaOptions } from "./auth/client-keys.ts";
import type { IpLockout } from "./auth/ip-lockout.ts";
import { memorySharedState, RedisSharedState, type SharedState } from "./shared-state/index.ts";
import { ResponseCache } from "./cache/response-cache.ts";
import { DatabaseAnswers } from "./cache/database-answers.ts";
import { RedisAnswers } from "./cache/redis-answers.ts";
import { Coalescer } from "./cache/coalescer.ts";
import type { ResponseCaching } from "./relay/response-caching.ts";
import { NOOP_TRACING, traceRejection, type Tracing } from "./observability/tracing.ts";

/** Requests that may wait for one identical request in flight; more call the upstream themselves. */
const MAX_COALESCED_WAITERS = 1000;

/** Everything the HTTP layer needs, built once by `serve.ts` (or a test). */
export interface AppDeps {
  /** `trustedProxies` unset: nobody is trusted to name the client (see lib/trusted-proxies.ts). */
  config: Pick<ServerConfig, "token"> & Partial<Pick<ServerConfig, "trustedProxies">>;
  db: AppDatabase;
  logWriter: LogWriter;
  catalog: Catalog;
  /** Routing state (health, limits, sticky sessions); shared by the proxy and the admin API. */
  balancer: Balancer;
  settings: SettingsStore;
  inFlight: InFlightTracker;
  bodyCapture: BodyCapture;
  /** The response cache (memory, Redis when shared, the database) and in-flight coalescing. */
  caching: ResponseCaching;
  /** OpenTelemetry spans (observability/tracing.ts); the no-op one unless an OTLP endpoint is configured. */
  tracing: Tracing;
  /** What instances share (Redis) or this process keeps (memory); the lockout comes from it too. */
  sharedState: SharedState;
  /** How client keys' token quotas reserve for calls (see `ClientKeys`). */
  quota?: QuotaOptions;
}

/** Who may call: client API keys (and the admin token) and the failed-login lockout. */
export interface AuthServices {
  clientKeys: ClientKeys;
  lockout: IpLockout;
}

/** The gateway's services over an open database. */
export function createDeps(
  config: AppDeps["config"],
  db: AppDatabase,
  options: { logWriter?: LogWriterOptions; breaker?: BreakerOptions; sharedState?: SharedState; quota?: QuotaOptions; tracing?: Tracing } = {},
): AppDeps {
  const sharedState = options.sharedState ?? memorySharedState();
  const settings = new SettingsStore(db, sharedState.changes);
  const tracing = options.tracing ?? NOOP_TRACING;
  const logWriter = new LogWriter(db, options.logWriter);
  // Calls refused before routing get a span of their own while tracing is on.
  logWriter.rejections.onRejected((rejection) => traceRejection(tracing, rejection));
  return {
    config,
    db,
    logWriter,
    catalog: new Catalog(db, sharedState.changes),
    balancer: new Balancer({ breaker: options.breaker, shared: sharedState.routing }),
    settings,
    inFlight: new InFlightTracker(),
    bodyCapture: new BodyCapture(db, settings),
    caching: {
      store: new ResponseCache(new DatabaseAnswers(db), settings, sharedState.changes, sharedState instanceof RedisSharedState ? new RedisAnswers(sharedState.connection) : undefined),
      coalescer: new Coalescer({ maxWaiters: MAX_COALESCED_WAITERS }),
    },
    tracing,
    sharedState,
    quota: options.quota,
  };
}
