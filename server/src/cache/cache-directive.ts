/**
 * What the client asks of the cache for one request:
 * - `use`: read a stored answer when there is one, store a new one;
 * - `refresh`: skip the stored answer but store the new one (`Cache-Control: no-cache` or
 *   `max-age=0`, `x-llmio-cache: refresh`);
 * - `bypass`: neither read nor store (`Cache-Control: no-store`, `x-llmio-cache: bypass`).
 */
export type CacheDirective = "use" | "refresh" | "bypass";

export function cacheDirective(headers: Headers): CacheDirective {
  const own = headers.get("x-llmio-cache")?.trim().toLowerCase();
  if (own === "bypass") return "bypass";
  const control = headers.get("cache-control")?.toLowerCase();
  if (control) {
    const parts = control.split(",").map((part) => part.trim().replace(/\s*=\s*/, "="));
    if (parts.includes("no-store")) return "bypass";
    if (own === "refresh" || parts.includes("no-cache") || parts.includes("max-age=0")) return "refresh";
  }
  return own === "refresh" ? "refresh" : "use";
}
