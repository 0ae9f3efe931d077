import { ModelCount, UsageMetrics } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { MetricsService } from "../../admin/metrics.ts";
import { adminDoc, answers } from "./shared.ts";

/** `/api/metrics`: usage totals (LLMIO-compatible shapes, with extra fields). */
export function metricRoutes(deps: AppDeps) {
  const service = new MetricsService(deps.db);
  return new Elysia({ name: "admin-metrics", prefix: "/metrics" })
    .get("/use/:days", ({ params }) => service.usage(params.days), {
      params: t.Object({ days: t.Integer({ description: "≥ 1" }) }),
      response: answers(UsageMetrics),
      detail: adminDoc("Requests and tokens over the last N days"),
    })
    .get("/counts", () => service.counts(), { response: answers(t.Array(ModelCount)), detail: adminDoc("Requests and tokens per model, busiest first") });
}
