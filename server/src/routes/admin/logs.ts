import { Elysia, t } from "elysia";
import type { AppDeps } from "../../app-deps.ts";
import { LogService } from "../../admin/logs.ts";
import { adminDoc, oneOf } from "./shared.ts";

/** `/api/logs`: the request log, one row per upstream attempt. */
export function logRoutes(deps: AppDeps) {
  const service = new LogService(deps.db);
  return new Elysia({ name: "admin-logs", prefix: "/logs" })
    .get("", ({ query }) => service.page(query), {
      query: t.Object({
        page: t.Optional(t.Integer({ description: "1-based; default 1; ignored with cursor" })),
        pageSize: t.Optional(t.Integer({ description: "default 20, at most 200" })),
        cursor: t.Optional(t.Integer({ description: "nextCursor of the previous page; total is null then" })),
        model: t.Optional(t.String()),
        providerId: t.Optional(t.Integer()),
        status: t.Optional(oneOf(["success", "error"])),
        from: t.Optional(t.String({ description: "epoch ms or ISO date, inclusive" })),
        to: t.Optional(t.String({ description: "epoch ms or ISO date, inclusive" })),
        traceId: t.Optional(t.String()),
        authKeyId: t.Optional(t.Integer()),
        clientProtocol: t.Optional(t.String()),
        sessionId: t.Optional(t.String({ description: "the client's session id (Claude Code, Codex …), as sticky routing reads it" })),
        reason: t.Optional(t.String({ description: "why a row failed (unknown_key, unknown_model, timeout, no_healthy_provider …), or `rejected` for every call refused before routing" })),
      }),
      detail: adminDoc(
        "Page through request attempts, newest first (page numbers, or keyset with cursor). Rejected calls (bad key, lockout, quota, malformed body, unknown model …) are rows too: identical ones of one minute share a row whose repeatCount says how many calls it stands for",
      ),
    })
    .get("/trace/:traceId", ({ params }) => service.trace(params.traceId), {
      params: t.Object({ traceId: t.String() }),
      detail: adminDoc("All attempts of one request, in attempt order, with its captured bodies"),
    })
    .get("/:traceId/attempts", ({ params }) => service.attempts(params.traceId), {
      params: t.Object({ traceId: t.String() }),
      detail: adminDoc("All attempts of one request, in attempt order"),
    });
}
