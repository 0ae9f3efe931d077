import { DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_REQUEST_BODY_MB } from "../config.ts";

/**
 * Limits of the HTTP layer. The request body limit and the idle timeout come from the config
 * (LLMIO_MAX_REQUEST_BODY_MB, LLMIO_IDLE_TIMEOUT_SECONDS); the admin body limit is fixed.
 */
export interface HttpLimits {
  /** A proxied request (an LLM call, images included) larger than this is refused with a 413. */
  maxRequestBodyBytes: number;
  /** Any other request (admin API, UI): their bodies are small JSON documents. */
  maxAdminBodyBytes: number;
  /**
   * Bun's connection timeout, in seconds (1–255): how long a request body may take to arrive,
   * a handler may stay silent and a kept-alive connection may idle. Lifted only while an
   * authenticated LLM call runs (see proxy-handler.ts). Bun itself closes a connection that
   * has not sent complete request headers within about 10 s, whatever this is.
   */
  idleTimeoutSeconds: number;
}

const MB = 1024 * 1024;

/** The admin route that takes an LLMIO database (streamed to disk under its own cap, after the token check). */
export const LLMIO_UPLOAD_PATH = "/api/import/llmio/upload";

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxRequestBodyBytes: DEFAULT_MAX_REQUEST_BODY_MB * MB,
  maxAdminBodyBytes: 1 * MB,
  idleTimeoutSeconds: DEFAULT_IDLE_TIMEOUT_SECONDS,
});

/**
 * Bun's own hard cap on a request body (`maxRequestBodySize`). Bun answers a body declared
 * past it with a bare 413 before any of our code runs, so it sits far above our limits: up to
 * it, clients get the gateway's 413 in their protocol's shape (the body is checked by its
 * Content-Length or counted while read, and never buffered past the limit). Bun discards the
 * body of a request answered without reading it. It only backs up code that reads a body whole.
 */
export function serverBodyCap(limits: HttpLimits): number {
  return Math.max(1024 * MB, limits.maxRequestBodyBytes + MB, limits.maxAdminBodyBytes + MB);
}

/** What `app.listen` / `Bun.serve` needs from the limits. */
export function listenLimits(limits: HttpLimits): { idleTimeout: number; maxRequestBodySize: number } {
  return { idleTimeout: limits.idleTimeoutSeconds, maxRequestBodySize: serverBodyCap(limits) };
}

/** The limits with defaults for what is not given. */
export function httpLimits(given: Partial<HttpLimits> = {}): HttpLimits {
  return {
    maxRequestBodyBytes: given.maxRequestBodyBytes ?? DEFAULT_HTTP_LIMITS.maxRequestBodyBytes,
    maxAdminBodyBytes: given.maxAdminBodyBytes ?? DEFAULT_HTTP_LIMITS.maxAdminBodyBytes,
    idleTimeoutSeconds: given.idleTimeoutSeconds ?? DEFAULT_HTTP_LIMITS.idleTimeoutSeconds,
  };
}
