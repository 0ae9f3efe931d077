import { Status } from "@llmio/contract";
import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { MetricsService } from "../../admin/metrics.ts";
import { adminDoc, answers } from "./shared.ts";

/** `/api/status`: a cheap snapshot the browser extension polls. */
export function statusRoutes(deps: AppDeps) {
  const service = new MetricsService(deps.db);
  return new Elysia({ name: "admin-status" }).get(
    "/status",
    async () => ({
      ...(await service.status(deps.logWriter.pending)),
      // Where state lives: one instance (SQLite, memory) or several (PostgreSQL, Redis).
      database: deps.db.dialect,
      sharedState: deps.sharedState.mode,
      sharedStateAvailable: deps.sharedState.available,
    }),
    { response: answers(Status), detail: adminDoc("Version, uptime, last-minute traffic, log backlog, database and shared-state mode") },
  );
}
