import { sql } from "drizzle-orm";
import type { Server } from "bun";
import { Elysia } from "elysia";
import type { AppDeps } from "../app-deps.ts";
import { embeddedMigrationCount } from "../db/client.ts";
import { routingHealth } from "../admin/routing-health.ts";
import { adminRefusal } from "../auth/admin-guard.ts";
import { clientAddressOf } from "../lib/trusted-proxies.ts";
import type { IpLockout } from "../auth/ip-lockout.ts";
import { createMetrics } from "../observability/prometheus.ts";

/**
 * Operations endpoints: liveness, readiness (database answers, migrations applied), the
 * per-provider detail and Prometheus metrics (both need the admin token, under the same IP
 * lockout as the admin API).
 */
export function operationsRoutes(deps: AppDeps, lockout: IpLockout) {
  const registry = createMetrics(deps);
  /** A 401/429 for a caller without the admin token, else undefined. */
  const refuse = ({ request, server }: { request: Request; server: Server<unknown> | null }): Response | undefined => {
    const refusal = adminRefusal(request.headers, clientAddressOf(request, server, deps.config.trustedProxies), deps.config.token, lockout);
    if (!refusal) return undefined;
    if (refusal.status === 429) {
      return Response.json({ error: refusal.message }, { status: 429, headers: { "retry-after": String(refusal.retryAfterSeconds) } });
    }
    return Response.json({ error: "unauthorized: send Authorization: Bearer <TOKEN>" }, { status: 401 });
  };
  return new Elysia({ name: "operations" })
    .get("/health", () => ({ status: "ok" }), { detail: { summary: "Liveness", tags: ["operations"] } })
    .get(
      "/health/ready",
      async () => {
        try {
          const { db } = deps;
          // drizzle keeps the applied migrations in the `drizzle` schema on PostgreSQL, beside the tables on SQLite.
          const table = sql.raw(db.dialect === "postgres" ? "drizzle.__drizzle_migrations" : "__drizzle_migrations");
          const [row] = await db.rows<{ count: number | string }>(sql`SELECT COUNT(*) AS count FROM ${table}`);
          const applied = Number(row.count);
          const expected = embeddedMigrationCount(db.dialect);
          if (applied < expected) {
            return Response.json({ status: "not ready", reason: `${applied} of ${expected} migrations applied` }, { status: 503 });
          }
          // Redis away is not "not ready": the instance keeps serving on local state (see shared-state/).
          const { mode, available } = deps.sharedState;
          return { status: "ready", database: db.dialect, migrations: applied, sharedState: mode, sharedStateAvailable: available };
        } catch (error) {
          return Response.json({ status: "not ready", reason: `database: ${(error as Error).message}` }, { status: 503 });
        }
      },
      { detail: { summary: "Readiness: database reachable, migrations applied", tags: ["operations"] } },
    )
    .get("/health/detail", (context) => refuse(context) ?? routingHealth(deps.db, deps.balancer), {
      detail: { summary: "Per-provider state (admin)", tags: ["operations"] },
    })
    .get(
      "/metrics",
      async (context) => {
        const refused = refuse(context);
        if (refused) return refused;
        return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
      },
      { detail: { summary: "Prometheus metrics (admin token as bearer)", tags: ["operations"] } },
    );
}
