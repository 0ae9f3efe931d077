/**
 * Reading a provider's HTTP answer without trusting it: redirects are not followed (they would
 * carry the provider's key and the prompt to wherever they point), and a body is read with a
 * byte count, so a gzip bomb is abandoned at the limit instead of decoded whole.
 */
import { limitExceeded } from "./upstream-limits.ts";

/** Every upstream fetch passes this: a 3xx comes back as it is, to be refused. */
export const NO_REDIRECTS = { redirect: "manual" } as const satisfies RequestInit;

const MAX_LOCATION_TEXT = 300;

export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Why a 3xx answer failed, naming where it pointed. */
export function redirectMessage(response: Response): string {
  const location = response.headers.get("location");
  const target = location ? `to ${location.slice(0, MAX_LOCATION_TEXT)}` : "without a Location";
  return `upstream redirected (HTTP ${response.status}) ${target}; redirects are not followed, so the provider's key and the request stay with its own origin`;
}

/**
 * The decoded body as text, counting bytes as they arrive. Past `maxBytes` the rest is
 * cancelled (never decoded) and an UpstreamLimitError thrown.
 */
export async function readBodyWithin(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  // An uncompressed body of a declared length within the limit cannot grow past it: read it in one go.
  if (!response.headers.has("content-encoding")) {
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared >= 0 && declared <= maxBytes) return await response.text();
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.length;
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => {});
      throw limitExceeded("upstream_body", maxBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** Drops a body nobody will read, so its connection is released. */
export function discardBody(response: Response): void {
  if (response.body && !response.bodyUsed) void response.body.cancel().catch(() => {});
}
