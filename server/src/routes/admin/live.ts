import { Live } from "@llmio/contract";
import { Elysia } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { LiveService } from "../../admin/live.ts";
import { adminDoc, answers } from "./shared.ts";

/** `/api/live`: what the gateway is doing right now (polled every few seconds). */
export function liveRoutes(deps: AppDeps) {
  const service = new LiveService(deps.db, deps.inFlight);
  return new Elysia({ name: "admin-live" }).get("/live", () => service.snapshot(), {
    response: answers(Live),
    detail: adminDoc("Requests in flight, the last failed attempts, last-minute counts and today's tokens"),
  });
}
