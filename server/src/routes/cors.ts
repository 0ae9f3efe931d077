/** Everything browser SDKs and chat apps send: OpenAI's x-stainless-*, Anthropic's and Gemini's headers. */
const DEFAULT_ALLOWED_HEADERS =
  "authorization, content-type, x-api-key, x-goog-api-key, anthropic-version, anthropic-beta, " +
  "anthropic-dangerous-direct-browser-access, openai-organization, openai-project, x-llmio-provider";
const EXPOSED_HEADERS = "x-llmio-trace-id, retry-after, x-should-retry, retry-after-ms";

/**
 * Permissive CORS for browser clients (web chat apps, extensions, browser SDKs): echo the
 * origin (extension origins included — never rejected), answer preflights at once, and
 * allow Chrome's private-network preflight for public pages calling a local gateway.
 * `Origin: null` is never allowed: sandboxed iframes, `data:` and `file:` pages send it, so
 * allowing it would allow any of them.
 */
export function corsAnswer(request: Request, set: { headers: Record<string, string | number> }): Response | undefined {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return;
  set.headers["access-control-allow-origin"] = origin;
  set.headers["access-control-expose-headers"] = EXPOSED_HEADERS;
  set.headers["vary"] = "Origin";
  if (request.method !== "OPTIONS") return;
  const headers: Record<string, string> = {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
    "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? DEFAULT_ALLOWED_HEADERS,
    "access-control-max-age": "86400",
    vary: "Origin, Access-Control-Request-Headers",
  };
  if (request.headers.get("access-control-request-private-network") === "true") {
    headers["access-control-allow-private-network"] = "true";
  }
  return new Response(null, { status: 204, headers });
}
