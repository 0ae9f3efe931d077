/** Request headers never sent upstream: hop-by-hop, the client's credentials, and browser context. */
const DROPPED_REQUEST_HEADERS = new Set([
  "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
  "content-length", "accept-encoding", "authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie",
  "origin", "referer", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip",
]);
const DROPPED_REQUEST_PREFIXES = ["sec-", "x-llmio-", "proxy-", "cf-"];

/** Upstream response headers never passed back: Bun's fetch already decoded the body, and hop-by-hop ones. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive", "set-cookie",
  "alt-svc", "strict-transport-security", "date", "server",
]);

/** Client headers worth forwarding (user agent, SDK and vendor headers), without credentials. */
export function forwardRequestHeaders(client: Headers): Record<string, string> {
  const forwarded: Record<string, string> = {};
  client.forEach((value, name) => {
    if (DROPPED_REQUEST_HEADERS.has(name)) return;
    for (const prefix of DROPPED_REQUEST_PREFIXES) if (name.startsWith(prefix)) return;
    forwarded[name] = value;
  });
  return forwarded;
}

export function forwardResponseHeaders(upstream: Headers, extra: Record<string, string>): Headers {
  const headers = new Headers();
  upstream.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) headers.set(name, value);
  });
  for (const name in extra) headers.set(name, extra[name]);
  return headers;
}
