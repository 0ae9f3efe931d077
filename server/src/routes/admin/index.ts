import { Elysia } from "elysia";
import type { AppDeps, AuthServices } from "../../app-deps.ts";
import { adminRefusal } from "../../auth/admin-guard.ts";
import { clientAddressOf } from "../../lib/trusted-proxies.ts";
import { AdminError } from "../../lib/admin-error.ts";
import { ClientKeys } from "../../auth/client-keys.ts";
import { authKeyRoutes } from "./auth-keys.ts";
import { cacheRoutes } from "./cache.ts";
import { configRoutes } from "./config.ts";
import { llmioImportRoutes } from "./llmio-import.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { adminErrorResponse } from "./handle-error.ts";
import { logRoutes } from "./logs.ts";
import { metricRoutes } from "./metrics.ts";
import { modelProviderRoutes } from "./model-providers.ts";
import { modelRoutes } from "./models.ts";
import { providerRoutes } from "./providers.ts";
import { healthRoutes } from "./health.ts";
import { liveRoutes } from "./live.ts";
import { settingRoutes } from "./settings.ts";
import { statusRoutes } from "./status.ts";

const UNAUTHORIZED = "unauthorized: missing or invalid admin token (send Authorization: Bearer <token>)";

/**
 * The admin API under `/api`: every route needs `Authorization: Bearer <config.token>`
 * (client keys never work here), and every failure answers `{ "error": message }` JSON.
 * A wrong token counts against the caller's IP like a bad proxy key; a locked-out IP gets 429s.
 */
export function adminRoutes(deps: AppDeps, auth: AuthServices = { clientKeys: new ClientKeys(deps), lockout: deps.sharedState.lockout() }) {
  const { lockout } = auth;
  return (
    new Elysia({ name: "admin", prefix: "/api" })
      .onError(({ code, error }) => adminErrorResponse(code, error))
      // Transform runs before validation, so an unauthenticated caller learns nothing about the schema.
      .onTransform(({ request, server }) => {
        const refusal = adminRefusal(request.headers, clientAddressOf(request, server, deps.config.trustedProxies), deps.config.token, lockout);
        if (refusal?.status === 429) throw new AdminError(429, refusal.message, refusal.retryAfterSeconds);
        if (refusal) throw new AdminError(401, UNAUTHORIZED);
      })
      .use(providerRoutes(deps))
      .use(modelRoutes(deps))
      .use(modelProviderRoutes(deps))
      .use(authKeyRoutes(auth.clientKeys))
      .use(logRoutes(deps))
      .use(metricRoutes(deps))
      .use(statusRoutes(deps))
      .use(healthRoutes(deps))
      .use(dashboardRoutes(deps))
      .use(liveRoutes(deps))
      .use(settingRoutes(deps))
      .use(cacheRoutes(deps))
      .use(configRoutes(deps, auth.clientKeys))
      .use(llmioImportRoutes(deps, auth.clientKeys))
  );
}
