import { browser } from "wxt/browser";

/**
 * The host-permission pattern for a URL's origin. Chrome patterns may carry a port (and then
 * match only it); Firefox ignores a pattern with a port, so there it covers every port.
 */
export function originPattern(url: string, keepPort = !import.meta.env.FIREFOX): string {
  const parsed = new URL(url);
  const host = keepPort ? parsed.host : parsed.hostname;
  return `${parsed.protocol}//${host}/*`;
}

/** A content-script match pattern for every page under a URL prefix (query and hash ignored). */
export function prefixPattern(prefix: string, keepPort = !import.meta.env.FIREFOX): string {
  const parsed = new URL(prefix);
  const host = keepPort ? parsed.host : parsed.hostname;
  const path = parsed.pathname.endsWith("/") ? parsed.pathname : `${parsed.pathname}/`;
  return `${parsed.protocol}//${host}${path}*`;
}

/** Loopback hosts are granted at install (see wxt.config.ts); nothing to ask for them. */
export function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && (hostname === "127.0.0.1" || hostname === "localhost");
}

export async function hasHostAccess(url: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [originPattern(url)] });
}

/**
 * Asks for access to a URL's origin. Call it straight from a click handler, before any
 * `await`: Firefox forgets the user gesture across one.
 */
export function requestHostAccess(url: string): Promise<boolean> {
  if (isLoopback(url)) return Promise.resolve(true);
  return browser.permissions.request({ origins: [originPattern(url)] });
}

/**
 * Gives back access to a URL's origin once nothing configured needs it any more. Loopback is
 * a required permission and stays.
 */
export async function releaseHostAccess(url: string, stillUsed: string[]): Promise<void> {
  const pattern = originPattern(url);
  if (isLoopback(url) || stillUsed.some((used) => originPattern(used) === pattern)) return;
  await browser.permissions.remove({ origins: [pattern] }).catch(() => false);
}
