import { Elysia } from "elysia";
import type { UiAssets } from "../ui-assets.ts";
import { notFoundResponse } from "./path-errors.ts";
import { ASSET_SECURITY_HEADERS, NOT_BUILT_SECURITY_HEADERS, uiSecurityHeaders } from "./ui-security.ts";

/** Paths that belong to the API: never answered with the UI's index.html, in any letter case. */
const API_PREFIXES = ["/api", "/v1", "/v1beta", "/openai", "/anthropic", "/gemini", "/health", "/openapi", "/metrics"];

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>llmio</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>llmio</h1><p>The gateway is running, but the admin UI has not been built.
Run <code>bun run build:ui</code> and restart, or use the admin API (<a href="/openapi">/openapi</a>).</p>`;

const HTML = "text/html; charset=utf-8";

/** True for an API path: Elysia's routes are case-sensitive, so `/API/providers` reaches the UI's catch-all. */
export function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return API_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/**
 * The admin UI: files by path, hashed assets cached for a year, index.html never cached and
 * sent with its Content-Security-Policy, and index.html for any other GET path so deep links
 * work (single-page app).
 */
export function uiRoutes(assets: UiAssets) {
  const index = assets["/index.html"];
  // Read once, on first use: the policy allows the inline script of this very file.
  let indexHeaders: Promise<Record<string, string>> | undefined;
  const serveIndex = async () => {
    if (!index) return new Response(NOT_BUILT, { headers: { "content-type": HTML, ...NOT_BUILT_SECURITY_HEADERS } });
    indexHeaders ??= Bun.file(index).text().then(uiSecurityHeaders);
    return new Response(Bun.file(index), { headers: { "content-type": HTML, "cache-control": "no-cache", ...(await indexHeaders) } });
  };
  return new Elysia({ name: "ui" })
    .get("/", serveIndex, { detail: { hide: true } })
    .get("/*", ({ path, request }) => {
      const file = assets[path];
      if (file && path !== "/index.html") {
        const immutable = path.startsWith("/assets/");
        return new Response(Bun.file(file), {
          headers: { "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache", ...ASSET_SECURITY_HEADERS },
        });
      }
      if (isApiPath(path)) return notFoundResponse(request.method, path);
      return serveIndex();
    }, { detail: { hide: true } });
}
