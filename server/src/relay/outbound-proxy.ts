import { maskKey } from "../lib/mask-key.ts";

/**
 * Outbound proxies: a provider's own `proxyUrl`, else the conventional HTTPS_PROXY / HTTP_PROXY
 * environment (skipped for hosts NO_PROXY names). Bun's fetch takes the proxy as a URL with its
 * credentials inside; it speaks HTTP(S) proxies only (socks5:// fails with UnsupportedProxyProtocol
 * in Bun 1.4.5), so other schemes are refused when saved.
 */

const PROXY_SCHEMES = new Set(["http:", "https:"]);

/** Why a proxy URL cannot be used, or undefined when it can. */
export function proxyUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL (expected http://[user:password@]host:port)";
  }
  if (url.protocol.startsWith("socks")) {
    return `uses ${url.protocol.slice(0, -1)}, which the runtime's HTTP client cannot speak: only http:// and https:// proxies are supported`;
  }
  if (!PROXY_SCHEMES.has(url.protocol)) return `must start with http:// or https:// (got ${url.protocol.slice(0, -1)})`;
  if (!url.hostname) return "has no host";
  return undefined;
}

/** The URL with its password masked like an API key (`se…et`); a URL without one is unchanged. */
export function maskProxyUrl(value: string | null): string | null {
  if (!value) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    const password = decodeURIComponent(url.password);
    return value.replace(`:${url.password}@`, `:${maskKey(password)}@`);
  } catch {
    return value;
  }
}

/** Text with the proxy's password masked: error messages may quote the proxy URL. */
export function redactProxy(text: string, proxyUrl: string | undefined): string {
  if (!proxyUrl) return text;
  const masked = maskProxyUrl(proxyUrl);
  let redacted = masked ? text.replaceAll(proxyUrl, masked) : text;
  try {
    const password = new URL(proxyUrl).password;
    if (password) redacted = redacted.replaceAll(password, "…").replaceAll(decodeURIComponent(password), "…");
  } catch {}
  return redacted;
}

/** The environment's proxy for a target URL, honouring NO_PROXY; undefined when none applies. */
export function environmentProxy(target: string, env: Record<string, string | undefined> = process.env): string | undefined {
  // Nearly always unset: then the target's URL is never parsed (this runs for every upstream call).
  if (!(env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  const https = url.protocol === "https:";
  const proxy = https
    ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)
    : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy || bypassed(url, env.NO_PROXY ?? env.no_proxy)) return undefined;
  return proxy;
}

/** The proxy one call to `target` goes through: the provider's own, else the environment's. */
export function proxyFor(target: string, providerProxyUrl: string | null | undefined): string | undefined {
  return providerProxyUrl || environmentProxy(target);
}

/** NO_PROXY: `*`, or comma-separated hosts / domain suffixes (`.example.com`, `example.com`), optionally with `:port`. */
function bypassed(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    const [name, entryPort] = entry.startsWith("[") ? [entry.slice(1, entry.indexOf("]")), entry.split("]:")[1]] : entry.split(":");
    if (entryPort && entryPort !== port) continue;
    const suffix = name.replace(/^\*?\./, "");
    if (host === suffix || host.endsWith(`.${suffix}`)) return true;
  }
  return false;
}
