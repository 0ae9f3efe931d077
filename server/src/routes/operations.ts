import { sql } from "drizzle-orm";
import { Elysia } from "elysia";
import type { AppDeps } from "../app-deps.ts";
import { embeddedMigrationCount } from "../db/client.ts";
import { routingHealth } from "../services/admin/routing-health.ts";
import { bearerToken, tokensEqual } from "../services/auth.ts";
import { createMetrics } from "../services/prometheus.ts";

/**
 * Operations endpoints: liveness, readiness (database answers, migrations applied), the
 * per-provider detail and Prometheus metrics (both need the admin token).
 */
export function operationsRoutes(deps: AppDeps) {
  const registry = createMetrics(deps);
  const isAdmin = (request: Request) => {
    const token = bearerToken(request.headers);
    return token !== undefined && tokensEqual(token, deps.config.token);
  };
  const unauthorized = () => Response.json({ error: "unauthorized: send Authorization: Bearer <TOKEN>" }, { status: 401 });
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
          return { status: "ready", database: db.dialect, migrations: applied };
        } catch (error) {
          return Response.json({ status: "not ready", reason: `database: ${(error as Error).message}` }, { status: 503 });
        }
      },
      { detail: { summary: "Readiness: database reachable, migrations applied", tags: ["operations"] } },
    )
    .get("/health/detail", ({ request }) => (isAdmin(request) ? routingHealth(deps.db, deps.balancer) : unauthorized()), {
      detail: { summary: "Per-provider state (admin)", tags: ["operations"] },
    })
    .get(
      "/metrics",
      async ({ request }) => {
        if (!isAdmin(request)) return unauthorized();
        return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
      },
      { detail: { summary: "Prometheus metrics (admin token as bearer)", tags: ["operations"] } },
    );
}
