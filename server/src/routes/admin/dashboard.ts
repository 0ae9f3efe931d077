import { Dashboard, DashboardQuery } from "@llmio/contract";
import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { DashboardService } from "../../admin/dashboard.ts";
import { adminDoc, answers } from "./shared.ts";

/** `/api/dashboard`: traffic, tokens, cost and latency over a period. */
export function dashboardRoutes(deps: AppDeps) {
  const service = new DashboardService(deps.db, deps.catalog);
  deps.logWriter.onWritten(() => service.forgetToday());
  deps.logWriter.onRepeated(() => service.forgetToday());
  return new Elysia({ name: "admin-dashboard" }).get("/dashboard", ({ query }) => service.dashboard(query.range ?? "today"), {
    query: DashboardQuery,
    response: answers(Dashboard),
    detail: adminDoc("Totals, a time series (1 h / 6 h / 1 day buckets), and breakdowns by model, provider, key and user agent"),
  });
}
