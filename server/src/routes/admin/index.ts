import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { bearerToken, tokensEqual } from "../../services/auth.ts";
import { AdminError } from "../../services/admin/errors.ts";
import { adminErrorResponse } from "./handle-error.ts";
import { logRoutes } from "./logs.ts";
import { metricRoutes } from "./metrics.ts";
import { modelProviderRoutes } from "./model-providers.ts";
import { modelRoutes } from "./models.ts";
import { providerRoutes } from "./providers.ts";
import { statusRoutes } from "./status.ts";

const UNAUTHORIZED = "unauthorized: missing or invalid admin token (send Authorization: Bearer <token>)";

/**
 * The admin API under `/api`: every route needs `Authorization: Bearer <config.token>`,
 * and every failure answers `{ "error": message }` JSON.
 */
export function adminRoutes(deps: AppDeps) {
  return (
    new Elysia({ name: "admin", prefix: "/api" })
      .onError(({ code, error }) => adminErrorResponse(code, error))
      // Transform runs before validation, so an unauthenticated caller learns nothing about the schema.
      .onTransform(({ request }) => {
        const token = bearerToken(request.headers);
        if (token === undefined || !tokensEqual(token, deps.config.token)) throw new AdminError(401, UNAUTHORIZED);
      })
      .use(providerRoutes(deps))
      .use(modelRoutes(deps))
      .use(modelProviderRoutes(deps))
      .use(logRoutes(deps))
      .use(metricRoutes(deps))
      .use(statusRoutes(deps))
  );
}
