import type { GatewayError } from "../core/errors.ts";
import { classifyFailure, type FailureClass } from "../routing/failure-class.ts";
import { redactProxy } from "./outbound-proxy.ts";
import { upstreamLimits, UpstreamLimitError } from "./upstream-limits.ts";
import { discardBody, isRedirect, NO_REDIRECTS, readBodyWithin, redirectMessage } from "./upstream-response.ts";

export interface UpstreamCallOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Abort when no byte arrived by then. */
  firstByteTimeoutMs: number;
  /** Non-stream: the attempt only counts as a success once the whole body is in. */
  readWholeBody: boolean;
  clientSignal?: AbortSignal;
  /** HTTP(S) proxy URL (credentials inside) the call goes through; undefined: direct. */
  proxy?: string;
}

/** The upstream answered with a 2xx: its whole body (non-stream), or its stream after the first chunk. */
export type UpstreamAnswer =
  | { kind: "body"; response: Response; text: string }
  | { kind: "stream"; response: Response; reader: ReadableStreamDefaultReader<Uint8Array>; firstChunk: Uint8Array };

/** One upstream call: an answer, a failure before anything reached the client, or a client that left meanwhile. */
export type UpstreamCall = UpstreamAnswer | { kind: "failed"; failure: UpstreamFailure } | { kind: "aborted"; failure: UpstreamFailure };

/** An attempt that failed before anything reached the client, with its class decided here, where it was read. */
export class UpstreamFailure extends Error {
  readonly failure: FailureClass;
  constructor(
    message: string,
    readonly details: {
      status?: number;
      body?: string;
      headers?: Headers;
      retryAfterSeconds?: number;
      clientAborted?: boolean;
      timedOut?: boolean;
    } = {},
  ) {
    super(message);
    // No status: nothing usable came back, so the connection is to blame (unless the clock ran out).
    this.failure = classifyFailure({ status: details.status, message, timedOut: details.timedOut, connectionFailed: true });
  }
  get status() { return this.details.status; }
  get body() { return this.details.body; }
  get headers() { return this.details.headers; }
  get retryAfterSeconds() { return this.details.retryAfterSeconds; }
  get clientAborted() { return this.details.clientAborted === true; }
}

/** An error body an upstream sent with a 2xx status, as the failure the same error with its status is. */
export function answeredError(answer: UpstreamAnswer, error: GatewayError): UpstreamFailure {
  return new UpstreamFailure(`HTTP ${answer.response.status} with an error body: ${error.message}`, {
    status: error.status,
    body: answer.kind === "body" ? answer.text : undefined,
    headers: answer.response.headers,
    retryAfterSeconds: error.retryAfterSeconds,
  });
}

const MAX_ERROR_TEXT = 500;

/**
 * Sends one upstream request and waits for its first byte (stream) or whole body
 * (non-stream) within the timeout. Anything short of that is a failure (or, when the client
 * left, an abort), so the caller can try the next candidate while the client has seen nothing. A redirect
 * is such a failure (never followed: it would take the key and the prompt elsewhere), and so
 * is a body past the decoded-size limit.
 */
export async function callUpstream(options: UpstreamCallOptions): Promise<UpstreamCall> {
  try {
    return await answerOf(options);
  } catch (error) {
    if (!(error instanceof UpstreamFailure)) throw error;
    return error.clientAborted ? { kind: "aborted", failure: error } : { kind: "failed", failure: error };
  }
}

/** The answer, or the UpstreamFailure that stands for its absence (thrown). */
async function answerOf(options: UpstreamCallOptions): Promise<UpstreamAnswer> {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort();
  options.clientSignal?.addEventListener("abort", onClientAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.firstByteTimeoutMs);
  const fail = (message: string, details: UpstreamFailure["details"] = {}) => {
    options.clientSignal?.removeEventListener("abort", onClientAbort);
    return new UpstreamFailure(message, { ...details, timedOut, clientAborted: options.clientSignal?.aborted });
  };

  try {
    const sent = fetch(options.url, { method: "POST", headers: options.headers, body: options.body, signal: controller.signal, proxy: options.proxy, ...NO_REDIRECTS });
    // A fetch still queued inside Bun (past its concurrent-request cap) does not see the abort
    // until it is dispatched; racing the signal lets a timeout or a departed client end it now.
    const aborted = abortedBy(controller.signal);
    // Either may settle after the race is decided: neither may become an unhandled rejection,
    // and a response arriving for an abandoned call is closed.
    aborted.catch(() => {});
    sent.then((late) => (controller.signal.aborted && !late.bodyUsed ? late.body?.cancel() : undefined)).catch(() => {});
    const response = await Promise.race([sent, aborted]);
    if (isRedirect(response.status)) {
      discardBody(response);
      throw fail(redirectMessage(response), { status: response.status });
    }
    const { maxBodyBytes } = upstreamLimits();
    if (response.status === 407 && options.proxy) {
      discardBody(response);
      throw fail(`HTTP 407: the outbound proxy refused the credentials in the provider's proxyUrl`, { status: 407 });
    }
    if (!response.ok) {
      const body = await readWithinLimit(response, maxBodyBytes, (error) => fail(`HTTP ${response.status}: ${error.message}`, { status: response.status }));
      throw fail(`HTTP ${response.status}: ${errorText(body)}`, {
        status: response.status,
        body,
        headers: response.headers,
        retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
      });
    }
    if (options.readWholeBody) {
      // Status 200 kept with the failure: the class is then "server" (fail over), as for any unusable answer.
      return { kind: "body", response, text: await readWithinLimit(response, maxBodyBytes, (error) => fail(error.message, { status: response.status })) };
    }
    if (!response.body) throw fail("upstream sent no body");
    const reader = response.body.getReader();
    const first = await reader.read();
    if (first.done) throw fail("upstream closed the stream before any data");
    return { kind: "stream", response, reader, firstChunk: first.value };
  } catch (error) {
    if (error instanceof UpstreamFailure) throw error;
    if (timedOut) throw fail(`no response within ${options.firstByteTimeoutMs} ms`);
    if (options.clientSignal?.aborted) throw fail("client closed the request");
    const via = options.proxy ? " (through the outbound proxy)" : "";
    throw fail(redactProxy(`connection failed${via}: ${(error as Error).message}`, options.proxy));
  } finally {
    clearTimeout(timer);
  }
}

/** The body within the limit, or the failure `refuse` makes of the limit error. */
async function readWithinLimit(response: Response, maxBytes: number, refuse: (error: UpstreamLimitError) => UpstreamFailure): Promise<string> {
  try {
    return await readBodyWithin(response, maxBytes);
  } catch (error) {
    throw error instanceof UpstreamLimitError ? refuse(error) : error;
  }
}

/** Rejects when the signal aborts; a late response to an abandoned call is discarded. */
function abortedBy(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The upstream's own error message when its body is an error envelope, else the start of the body. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const message = typeof parsed.error === "string" ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (message) return message.slice(0, MAX_ERROR_TEXT);
  } catch {}
  return body.slice(0, MAX_ERROR_TEXT) || "(empty body)";
}

/** `Retry-After` as seconds: either a number or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
