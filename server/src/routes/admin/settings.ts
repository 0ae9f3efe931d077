import { RetentionResult, RetentionRun, Settings, SettingsChanges } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { SettingsService } from "../../admin/settings.ts";
import { tracingConfigured } from "../../observability/tracing.ts";
import { accepting, adminDoc, answers } from "./shared.ts";

/** `/api/settings`: gateway-wide settings and the log retention job. */
export function settingRoutes(deps: AppDeps) {
  const service = new SettingsService(deps.db, deps.settings, () => tracingConfigured(process.env));
  return new Elysia({ name: "admin-settings", prefix: "/settings" })
    .get("", () => service.get(), { response: answers(Settings), detail: adminDoc("Read the gateway settings") })
    .put("", ({ body }) => service.update(body), {
      body: accepting(SettingsChanges),
      response: answers(Settings),
      detail: adminDoc("Change some settings; returns all of them"),
    })
    .post("/retention/run", () => service.runRetention(), {
      response: answers(RetentionResult),
      detail: adminDoc("Delete logs beyond the retention limits now (also runs hourly)"),
    })
    .get("/retention/runs", () => service.retentionRuns(), {
      response: answers(t.Array(RetentionRun)),
      detail: adminDoc("The cleanup history: the last 100 retention runs (scheduled or manual), newest first"),
    });
}
