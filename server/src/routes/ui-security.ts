import { createHash } from "node:crypto";

/** Not framed by anyone (clickjacking), no content sniffing, no URL leaked to linked sites. */
const BASE_HEADERS: Record<string, string> = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * Headers for the admin UI's HTML. Its Content-Security-Policy lets the page run only its own
 * scripts and styles and talk only to the gateway, so an injected script can neither run nor
 * send the admin token elsewhere. The built index.html has one inline script (theme and
 * language before the first paint), allowed by its hash, computed from the file itself so a
 * rebuilt UI keeps working. Icons are `data:` images in the CSS; the styles Solid and uPlot set
 * go through the CSSOM, which `style-src` does not restrict.
 */
export function uiSecurityHeaders(html: string): Record<string, string> {
  const hashes = inlineScripts(html).map((script) => `'sha256-${createHash("sha256").update(script).digest("base64")}'`);
  const policy = [
    "default-src 'self'",
    ["script-src 'self'", ...hashes].join(" "),
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return { "content-security-policy": policy.join("; "), ...BASE_HEADERS };
}

/** For the page shown when the UI is not built: no script at all, its inline style allowed. */
export const NOT_BUILT_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  ...BASE_HEADERS,
};

/** Headers for the UI's other files (scripts, styles, the SVG icon). */
export const ASSET_SECURITY_HEADERS: Record<string, string> = { "x-content-type-options": "nosniff" };

/** The contents of the page's inline `<script>` elements (those without `src`), exactly as hashed by browsers. */
export function inlineScripts(html: string): string[] {
  const scripts: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(match[1])) continue;
    scripts.push(match[2]);
  }
  return scripts;
}
