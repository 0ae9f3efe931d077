import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { SettingsService } from "../../admin/settings.ts";
import { adminDoc } from "./shared.ts";

const settingsBody = t.Object({
  logRetentionDays: t.Optional(t.Nullable(t.Integer({ minimum: 1, maximum: 3650, description: "null keeps logs forever" }))),
  logMaxRows: t.Optional(t.Nullable(t.Integer({ minimum: 1000, description: "null means no cap" }))),
  bodyCapture: t.Optional(t.Boolean()),
  bodyCaptureMaxChars: t.Optional(t.Integer({ minimum: 256, maximum: 10_000_000 })),
  defaultTimeoutMs: t.Optional(t.Integer({ minimum: 1 })),
  defaultMaxRetry: t.Optional(t.Integer({ minimum: 0, maximum: 20 })),
});

/** `/api/settings`: gateway-wide settings and the log retention job. */
export function settingRoutes(deps: AppDeps) {
  const service = new SettingsService(deps.db, deps.settings);
  return new Elysia({ name: "admin-settings", prefix: "/settings" })
    .get("", () => service.get(), { detail: adminDoc("Read the gateway settings") })
    .put("", ({ body }) => service.update(body), {
      body: settingsBody,
      detail: adminDoc("Change some settings; returns all of them"),
    })
    .post("/retention/run", () => service.runRetention(), {
      detail: adminDoc("Delete logs beyond the retention limits now (also runs hourly)"),
    })
    .get("/retention/runs", () => service.retentionRuns(), {
      detail: adminDoc("The cleanup history: the last 100 retention runs (scheduled or manual), newest first"),
    });
}
