import { Elysia } from "elysia";
import type { UiAssets } from "../ui-assets.ts";

/** Paths that belong to the API: never answered with the UI's index.html. */
const API_PREFIXES = ["/api", "/v1", "/v1beta", "/openai", "/anthropic", "/gemini", "/health", "/openapi", "/metrics"];

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>llmio</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>llmio</h1><p>The gateway is running, but the admin UI has not been built.
Run <code>bun run build:ui</code> and restart, or use the admin API (<a href="/openapi">/openapi</a>).</p>`;

/**
 * The admin UI: files by path, hashed assets cached for a year, index.html never cached,
 * and index.html for any other GET path so deep links work (single-page app).
 */
export function uiRoutes(assets: UiAssets) {
  const index = assets["/index.html"];
  const serveIndex = () =>
    index
      ? new Response(Bun.file(index), { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" } })
      : new Response(NOT_BUILT, { headers: { "content-type": "text/html; charset=utf-8" } });
  return new Elysia({ name: "ui" })
    .get("/", serveIndex, { detail: { hide: true } })
    .get("/*", ({ path }) => {
      const file = assets[path];
      if (file && path !== "/index.html") {
        const immutable = path.startsWith("/assets/");
        return new Response(Bun.file(file), {
          headers: { "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" },
        });
      }
      if (API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
        return Response.json({ error: `Not found: ${path}` }, { status: 404 });
      }
      return serveIndex();
    }, { detail: { hide: true } });
}
