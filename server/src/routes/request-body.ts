import { GatewayError } from "../core/errors.ts";
import { countLimitRefusal } from "../observability/prometheus.ts";

/**
 * A request body past the gateway's limit. Thrown before anything is read when Content-Length
 * declares it, or as soon as a chunked body's count passes the limit (the rest is never read:
 * Bun discards it, so memory stays at the limit).
 */
export class RequestBodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body is larger than the gateway's ${formatBytes(maxBytes)} limit (LLMIO_MAX_REQUEST_BODY_MB raises it)`);
  }

  /** The 413 as a gateway error, for the client's protocol shape. */
  toGatewayError(): GatewayError {
    return new GatewayError("bad_request", this.message, { status: 413 });
  }
}

/** The body's declared size, or undefined when it is sent chunked (or the header is unusable). */
export function declaredLength(headers: Headers): number | undefined {
  const value = headers.get("content-length");
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

/**
 * Reads a request body as UTF-8 text of at most `maxBytes` bytes, and counts a refusal in the
 * metrics (`llmio_limit_refusals_total{limit="request_body"}`). A declared length within the
 * limit is read in one go (HTTP framing stops the body there); a chunked one is counted while
 * it arrives and abandoned at the limit.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = declaredLength(request.headers);
  if (declared !== undefined) {
    if (declared > maxBytes) throw refused(maxBytes);
    return request.text();
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw refused(maxBytes);
    }
    chunks.push(value);
  }
  // Decoded as `request.text()` does: invalid bytes replaced, a leading BOM dropped.
  return new TextDecoder().decode(Buffer.concat(chunks, total));
}

function refused(maxBytes: number): RequestBodyTooLarge {
  countLimitRefusal("request_body");
  return new RequestBodyTooLarge(maxBytes);
}

export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes}-byte`;
}
