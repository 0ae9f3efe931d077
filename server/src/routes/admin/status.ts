import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { MetricsService } from "../../services/admin/metrics.ts";
import { adminDoc } from "./shared.ts";

/** `/api/status`: a cheap snapshot the browser extension polls. */
export function statusRoutes(deps: AppDeps) {
  const service = new MetricsService(deps.db);
  return new Elysia({ name: "admin-status" }).get("/status", () => service.status(deps.logWriter.pending), {
    detail: adminDoc("Version, uptime, last-minute traffic and log backlog"),
  });
}
