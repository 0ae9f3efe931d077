import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { routingHealth } from "../../services/admin/routing-health.ts";
import { adminDoc } from "./shared.ts";

/** `/api/health`: what the balancer knows right now — breakers, dead and cooling keys, limits. */
export function healthRoutes(deps: AppDeps) {
  return new Elysia({ name: "admin-health", prefix: "/health" }).get("/providers", () => routingHealth(deps.db, deps.balancer), {
    detail: adminDoc("Per provider: key states (masked), limit counters, and each association's breaker and recent outcomes"),
  });
}
