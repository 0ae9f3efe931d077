import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import type { AppDeps, AuthServices } from "./app-deps.ts";
import { createRelays } from "./relay/index.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import type { HostPolicy } from "./routes/host-check.ts";
import { errorsAsJson, requestGuards } from "./routes/http-guards.ts";
import { httpLimits, type HttpLimits } from "./routes/http-limits.ts";
import { anthropicProxyRoutes } from "./routes/proxy-anthropic.ts";
import { geminiProxyRoutes } from "./routes/proxy-gemini.ts";
import { openaiProxyRoutes } from "./routes/proxy-openai.ts";
import { ClientKeys } from "./auth/client-keys.ts";
import { TrustedProxies } from "./lib/trusted-proxies.ts";
import { operationsRoutes } from "./routes/operations.ts";
import { telemetryRoutes } from "./routes/telemetry.ts";
import { uiRoutes } from "./routes/ui.ts";
import type { UiAssets } from "./ui-assets.ts";
import { VERSION } from "./version.ts";

/** The HTTP layer's limits (defaults for what is not given) and, when listening, the Host policy. */
export interface HttpOptions extends Partial<HttpLimits> {
  /** Without it (`app.handle()` in tests) any Host is served. */
  hosts?: HostPolicy;
}

/**
 * Builds the whole HTTP app without listening, so tests can call `app.handle()`.
 * `auth` is shared by the proxy and the admin API; tests pass one with small lockout thresholds.
 */
export function createApp(
  deps: AppDeps,
  auth: AuthServices = { clientKeys: new ClientKeys(deps), lockout: deps.sharedState.lockout() },
  uiAssets: UiAssets = {},
  http: HttpOptions = {},
) {
  const relays = createRelays(deps);
  const limits = httpLimits(http);
  return new Elysia()
    // Read by the proxy handler (request body limit, idle timeout to set back after a call).
    .decorate("httpLimits", limits)
    // Read by the proxy handler: refused calls are logged (folded per minute).
    .decorate("rejections", deps.logWriter.rejections)
    // Read by the proxy handler: which peers may name the client in X-Forwarded-For.
    .decorate("trustedProxies", deps.config.trustedProxies ?? TrustedProxies.none)
    .use(requestGuards(http.hosts ?? { boundHost: "0.0.0.0" }, limits))
    .use(errorsAsJson)
    .use(
      openapi({
        path: "/openapi",
        documentation: {
          info: { title: "llmio", version: VERSION, description: "LLM API gateway: admin and proxy API" },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
        },
      }),
    )
    .use(operationsRoutes(deps, auth.lockout))
    .use(openaiProxyRoutes(relays, deps.catalog, auth))
    .use(anthropicProxyRoutes(relays, deps.catalog, auth))
    .use(geminiProxyRoutes(relays, deps.catalog, auth))
    // Before the admin routes: /api/event_logging/batch is not behind the admin guard.
    .use(telemetryRoutes(auth))
    .use(adminRoutes(deps, auth))
    // Last: its catch-all answers any other GET with the single-page app.
    .use(uiRoutes(uiAssets));
}

export type App = ReturnType<typeof createApp>;
