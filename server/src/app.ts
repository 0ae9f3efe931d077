import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import type { AppDeps } from "./app-deps.ts";
import { createRelay } from "./relay/relay.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { openaiProxyRoutes } from "./routes/proxy-openai.ts";
import { VERSION } from "./version.ts";

/** Builds the whole HTTP app without listening, so tests can call `app.handle()`. */
export function createApp(deps: AppDeps) {
  const relay = createRelay({ catalog: deps.catalog, logWriter: deps.logWriter });
  return new Elysia()
    .use(
      openapi({
        path: "/openapi",
        documentation: {
          info: { title: "llmio", version: VERSION, description: "LLM API gateway: admin and proxy API" },
          components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
          security: [{ bearer: [] }],
        },
      }),
    )
    .get("/health", () => ({ status: "ok" }), { detail: { summary: "Liveness", tags: ["health"] } })
    .use(openaiProxyRoutes(relay, deps.catalog, deps.config.token))
    .use(adminRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
