/**
 * Which `Host` names the gateway answers, against DNS rebinding: a page on attacker.example
 * whose name is made to resolve to 127.0.0.1 reaches a loopback-bound gateway from the
 * victim's browser as a same-origin request, carrying `Host: attacker.example`.
 */
export interface HostPolicy {
  /** The address the server is bound to (`LLMIO_HOST`). */
  boundHost: string;
  /** Names served besides loopback ones (`LLMIO_ALLOWED_HOSTS`): exact, `*.example.com`, or `*` for any. */
  allowedHosts?: string[];
}

const WILDCARD_BINDS = new Set(["", "0.0.0.0", "::", "[::]"]);

/**
 * Decides per request. Loopback names and IPs are always served (nothing outside this machine
 * can make a browser send them). Without an allow-list: a gateway bound to every interface
 * (0.0.0.0, ::) serves any name, as it is meant to be reached by names this process cannot
 * know; one bound to a single address serves only that address besides loopback. With an
 * allow-list: loopback names and the listed ones only, whatever the bind.
 */
export function hostChecker(policy: HostPolicy): ((hostname: string) => boolean) | undefined {
  const allowed = policy.allowedHosts?.map((name) => name.toLowerCase());
  if (allowed?.includes("*")) return undefined;
  const bound = policy.boundHost.toLowerCase();
  if (!allowed && WILDCARD_BINDS.has(bound)) return undefined;
  const exact = new Set(allowed ?? [bound, bracketed(bound)]);
  const suffixes = (allowed ?? []).filter((name) => name.startsWith("*.")).map((name) => name.slice(1));
  return (hostname) => {
    const name = hostname.toLowerCase().replace(/\.$/, "");
    return isLoopbackName(name) || exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
  };
}

/** `localhost`, `*.localhost` (browsers resolve them to loopback themselves), 127.0.0.0/8, ::1. */
export function isLoopbackName(hostname: string): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (/^127(\.\d{1,3}){3}$/.test(hostname)) return true;
  return hostname === "[::1]" || hostname === "[::ffff:127.0.0.1]" || hostname === "[::ffff:7f00:1]";
}

/** An IPv6 address as it appears in a Host header. */
function bracketed(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}
