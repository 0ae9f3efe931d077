import { LogPage, LogQuery, LogRow, TraceDetail } from "@llmio/contract";
import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { LogService } from "../../admin/logs.ts";
import { accepting, adminDoc, answers } from "./shared.ts";

/** `/api/logs`: the request log, one row per upstream attempt. */
export function logRoutes(deps: AppDeps) {
  const service = new LogService(deps.db);
  return new Elysia({ name: "admin-logs", prefix: "/logs" })
    .get("", ({ query }) => service.page(query), {
      query: accepting(LogQuery),
      response: answers(LogPage),
      detail: adminDoc(
        "Page through request attempts, newest first (page numbers, or keyset with cursor). Rejected calls (bad key, lockout, quota, malformed body, unknown model …) are rows too: identical ones of one minute share a row whose repeatCount says how many calls it stands for",
      ),
    })
    .get("/trace/:traceId", ({ params }) => service.trace(params.traceId), {
      params: t.Object({ traceId: t.String() }),
      response: answers(TraceDetail),
      detail: adminDoc("All attempts of one request, in attempt order, with its captured bodies"),
    })
    .get("/:traceId/attempts", ({ params }) => service.attempts(params.traceId), {
      params: t.Object({ traceId: t.String() }),
      response: answers(t.Array(LogRow)),
      detail: adminDoc("All attempts of one request, in attempt order"),
    });
}
