import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import type { AppDeps } from "./app-deps.ts";
import { KeyRotation } from "./balancer/key-rotation.ts";
import { createRelays } from "./relay/index.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { cors } from "./routes/cors.ts";
import { anthropicProxyRoutes } from "./routes/proxy-anthropic.ts";
import { geminiProxyRoutes } from "./routes/proxy-gemini.ts";
import { openaiProxyRoutes } from "./routes/proxy-openai.ts";
import { VERSION } from "./version.ts";

/** Builds the whole HTTP app without listening, so tests can call `app.handle()`. */
export function createApp(deps: AppDeps) {
  const relays = createRelays({ catalog: deps.catalog, logWriter: deps.logWriter, keys: new KeyRotation() });
  const token = deps.config.token;
  return new Elysia()
    .use(cors)
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
    .use(openaiProxyRoutes(relays, deps.catalog, token))
    .use(anthropicProxyRoutes(relays, deps.catalog, token))
    .use(geminiProxyRoutes(relays, deps.catalog, token))
    .use(adminRoutes(deps));
}

export type App = ReturnType<typeof createApp>;
