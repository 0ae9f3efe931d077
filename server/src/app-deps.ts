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
import { memorySharedState, type SharedState } from "./shared-state/index.ts";

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
  options: { logWriter?: LogWriterOptions; breaker?: BreakerOptions; sharedState?: SharedState; quota?: QuotaOptions } = {},
): AppDeps {
  const sharedState = options.sharedState ?? memorySharedState();
  const settings = new SettingsStore(db, sharedState.changes);
  return {
    config,
    db,
    logWriter: new LogWriter(db, options.logWriter),
    catalog: new Catalog(db, sharedState.changes),
    balancer: new Balancer({ breaker: options.breaker, shared: sharedState.routing }),
    settings,
    inFlight: new InFlightTracker(),
    bodyCapture: new BodyCapture(db, settings),
    sharedState,
    quota: options.quota,
  };
}
