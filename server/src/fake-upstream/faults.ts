/**
 * Fault injection for the fake upstream: parsing the instructions and applying the
 * protocol-independent ones (timing, hanging, cutting connections).
 *
 * Two sources, merged per directive with the header winning:
 *   - header `x-fake-fault: status=429; retry-after=2`   directives separated by `;` or `,`
 *   - model  `fake-model+status=500+retry-after=3`       directives after the first `+`, separated by `+`
 * The model form exists because the gateway rewrites `model` to the provider's configured
 * model: a test configures a provider model such as `fake-model+hang` and the fault
 * reaches the fake through the gateway untouched. Names are case-insensitive, spaces around
 * directives are ignored.
 *
 * Directives:
 *   status=N             reply HTTP N (400-599) with the protocol's error body
 *   retry-after=S        with status: add `Retry-After: S` (whole seconds)
 *   rpm=N                a per-model requests-per-minute quota (rpm-limit.ts): once more than N
 *                        requests for this model string arrived within the last 60 s (refused
 *                        ones count too), answer 429 at once, before any delay, with
 *                        `Retry-After:` the seconds until the window has room (or `retry-after=S`)
 *   hang                 never send headers; released when the client aborts or the server stops
 *   first-byte-delay=MS  wait MS before sending the response headers
 *   token-delay=MS       stream: wait MS between consecutive stream frames
 *   cut-after=N          stream: drop the connection after N content chunks (no finish
 *                        chunk, no [DONE]); non-stream: send half the body, then drop
 *   stall-after=N        stream: after N content chunks go silent, connection held open
 *                        (released when the client aborts or the server stops)
 *   words=N              answer with exactly N deterministic words (see text.ts)
 *   error-frame          stream: HTTP 200, one error data frame, then a normal end
 *   tool                 answer with a tool call (when the request has tools)
 *   place-args           a tool call's arguments name the place the last user message asks
 *                        about (`… weather in Tokyo?` → {"location":"Tokyo"}) instead of
 *                        always {"location":"Paris"}
 *   reasoning            start the answer with a reasoning / thinking block
 *                        ("Thinking about: <user text>"), with the vendor's signature or
 *                        encrypted content where it has one
 *
 * Hostile directives (what a broken or malicious provider does; hostile.ts). They act after
 * the request was read, the key checked and `hang`/`first-byte-delay`/`status` applied, and
 * answer the same bytes in every protocol (model lists included, via the header):
 *   redirect=STATUS      reply STATUS (300-399) with `Location:` the same path and query on
 *                        the fake's second listener, the "other origin" (FakeUpstream
 *                        .redirectTarget()), which records everything it receives (method,
 *                        path, headers, body) and answers 200 with a chat completion: a
 *                        gateway that follows the redirect hands it the key and the prompt
 *   gzip-bomb            HTTP 200, `Content-Encoding: gzip`, a body of about 1 MB on the wire
 *                        that decodes to 1 GiB of zero bytes (no newline, not JSON)
 *   error-body           HTTP 200 with an OpenAI error envelope (`{"error":{…}}`) as the JSON
 *                        body instead of an answer, for streams too
 *   endless              stream: the opening frames, then the first content chunk again and
 *                        again, forever, one per `token-delay` (default 20 ms); no finish.
 *                        Non-stream: `{"x":"` and then `x` pieces forever
 *   giant-line=BYTES     stream: at the point `cut-after` would cut (default: before the first
 *                        content chunk), one `data: xxx…` line of BYTES bytes in all with no
 *                        newline, sent in 64 KiB pieces, then a clean end of the connection.
 *                        Non-stream: the body is `{"x":"xxx…` of BYTES bytes, never closed
 *
 * An unknown or malformed directive is a 400 from the fake, so a typo in a test fails loudly
 * instead of silently testing the happy path.
 */

import { ENDLESS_DEFAULT_DELAY_MS, errorBodyResponse, forever, framesThen, giantLine, gzipBombResponse, redirectResponse } from "./hostile.ts";
import { JSON_HEADERS } from "./json.ts";
import type { FakeRequestContext } from "./route.ts";
import { sleep } from "./sleep.ts";

export { sleep };

export const FAULT_HEADER = "x-fake-fault";

export interface Faults {
  status?: number;
  retryAfter?: number;
  rpm?: number;
  hang?: boolean;
  firstByteDelayMs?: number;
  tokenDelayMs?: number;
  cutAfter?: number;
  stallAfter?: number;
  words?: number;
  errorFrame?: boolean;
  tool?: boolean;
  placeArgs?: boolean;
  reasoning?: boolean;
  redirect?: number;
  gzipBomb?: boolean;
  errorBody?: boolean;
  endless?: boolean;
  giantLine?: number;
}

/** Thrown for a directive the fake does not understand; the responder turns it into a 400. */
export class FaultSyntaxError extends Error {}

const NO_FAULTS: Readonly<Faults> = Object.freeze({});
const MAX_INT_VALUE = 10_000_000;
/** giant-line may be far larger than any other number: a gateway's line limit is the point. */
const MAX_GIANT_LINE = 2 ** 32;
const MAX_WORDS = 100_000;

type NumericKey = "status" | "retryAfter" | "rpm" | "firstByteDelayMs" | "tokenDelayMs" | "cutAfter" | "stallAfter" | "words" | "redirect" | "giantLine";
type FlagKey = "hang" | "errorFrame" | "tool" | "placeArgs" | "reasoning" | "gzipBomb" | "errorBody" | "endless";

const NUMERIC: Record<string, NumericKey> = {
  status: "status",
  "retry-after": "retryAfter",
  rpm: "rpm",
  "first-byte-delay": "firstByteDelayMs",
  "token-delay": "tokenDelayMs",
  "cut-after": "cutAfter",
  "stall-after": "stallAfter",
  words: "words",
  redirect: "redirect",
  "giant-line": "giantLine",
};
const FLAGS: Record<string, FlagKey> = {
  hang: "hang",
  "error-frame": "errorFrame",
  tool: "tool",
  "place-args": "placeArgs",
  reasoning: "reasoning",
  "gzip-bomb": "gzipBomb",
  "error-body": "errorBody",
  endless: "endless",
};

// Benchmarks send the same model/header on every request; caching keeps parsing off the hot path.
const CACHE_LIMIT = 256;
const modelCache = new Map<string, Readonly<Faults>>();
const headerCache = new Map<string, Readonly<Faults>>();

/** Faults for one request from the fault header (may be null) and the request's model name. */
export function parseFaults(header: string | null, model: string | undefined): Readonly<Faults> {
  const fromModel = model === undefined || model.indexOf("+") < 0 ? NO_FAULTS : cached(modelCache, model, parseModel);
  const fromHeader = header === null || header === "" ? NO_FAULTS : cached(headerCache, header, parseHeader);
  if (fromHeader === NO_FAULTS) return fromModel;
  if (fromModel === NO_FAULTS) return fromHeader;
  return { ...fromModel, ...fromHeader };
}

function cached(cache: Map<string, Readonly<Faults>>, key: string, parse: (s: string) => Faults): Readonly<Faults> {
  let faults = cache.get(key);
  if (faults === undefined) {
    faults = Object.freeze(parse(key));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, faults);
  }
  return faults;
}

function parseModel(model: string): Faults {
  return parseDirectives(model.split("+").slice(1));
}

function parseHeader(header: string): Faults {
  const parts: string[] = [];
  for (const group of header.split(";")) parts.push(...group.split(","));
  return parseDirectives(parts);
}

function parseDirectives(parts: readonly string[]): Faults {
  const faults: Faults = {};
  for (const raw of parts) {
    const part = raw.trim().toLowerCase();
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    const flag = FLAGS[name];
    if (flag !== undefined && eq < 0) {
      faults[flag] = true;
      continue;
    }
    const numeric = NUMERIC[name];
    if (numeric === undefined || eq < 0) throw new FaultSyntaxError(`Unknown fake fault directive '${raw.trim()}'`);
    faults[numeric] = parseValue(name, part.slice(eq + 1).trim(), numeric === "giantLine" ? MAX_GIANT_LINE : MAX_INT_VALUE);
  }
  if (faults.status !== undefined && (faults.status < 400 || faults.status > 599)) {
    throw new FaultSyntaxError(`Fake fault status must be 400-599, got ${faults.status}`);
  }
  if (faults.redirect !== undefined && (faults.redirect < 300 || faults.redirect > 399)) {
    throw new FaultSyntaxError(`Fake fault redirect must be 300-399, got ${faults.redirect}`);
  }
  if (faults.words !== undefined && faults.words > MAX_WORDS) {
    throw new FaultSyntaxError(`Fake fault words must be at most ${MAX_WORDS}`);
  }
  return faults;
}

function parseValue(name: string, text: string, max: number): number {
  const value = text === "" ? Number.NaN : Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new FaultSyntaxError(`Fake fault '${name}' needs a whole number, got '${text}'`);
  }
  return value;
}

/**
 * Applies `hang` and `first-byte-delay`. Resolves to false when the client went away (or the
 * server stopped) meanwhile, in which case the caller's response is never read.
 */
export async function waitForFirstByte(faults: Readonly<Faults>, signal: AbortSignal): Promise<boolean> {
  if (faults.hang) {
    // Bun fires request.signal on client disconnect and on server.stop(true), so this never leaks.
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    return false;
  }
  if (faults.firstByteDelayMs) await sleep(faults.firstByteDelayMs, signal);
  return !signal.aborted;
}

/** How a vendor answers the faults that end a request before it starts. */
export interface FaultAnswers {
  /** A 400 for a malformed fault directive. */
  syntaxError(message: string): Response;
  /** The error for a `status=N` fault, in the vendor's shape (with `retry-after` when asked). */
  status(faults: Readonly<Faults>): Response;
}

/**
 * The faults of a request, with those that act before any answer applied: a bad directive is a
 * 400, a model over its `rpm` quota a 429, `hang`/`first-byte-delay` are waited out, `status=N` and the hostile answers that replace
 * the whole answer (`redirect`, `error-body`, `gzip-bomb`) are answered. Returns the faults to
 * apply to the answer, or the Response that ends the request here.
 */
export async function leadingFaults(
  request: Request,
  model: string | undefined,
  answers: FaultAnswers,
  context: Pick<FakeRequestContext, "redirectOrigin" | "rpmLimiter">,
): Promise<Readonly<Faults> | Response> {
  let faults: Readonly<Faults>;
  try {
    faults = parseFaults(request.headers.get(FAULT_HEADER), model);
  } catch (error) {
    if (error instanceof FaultSyntaxError) return answers.syntaxError(error.message);
    throw error;
  }
  // A vendor checks its quota on arrival: the 429 comes before any delay.
  if (faults.rpm !== undefined) {
    const verdict = context.rpmLimiter.arrive(model ?? "", faults.rpm);
    if (!verdict.admitted) return answers.status({ ...faults, status: 429, retryAfter: faults.retryAfter ?? verdict.retryAfterS });
  }
  // request.signal is only touched when a fault needs it, to keep the plain path lean.
  if ((faults.hang || faults.firstByteDelayMs) && !(await waitForFirstByte(faults, request.signal))) {
    return new Response(null, { status: 499 }); // the client is gone; nobody reads this
  }
  if (faults.status !== undefined) return answers.status(faults);
  if (faults.redirect !== undefined) return redirectResponse(faults.redirect, context.redirectOrigin() + pathAndQuery(request.url));
  if (faults.errorBody) return errorBodyResponse();
  if (faults.gzipBomb) return gzipBombResponse(JSON_HEADERS["content-type"]);
  return faults;
}

function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** A non-stream JSON answer; with `cut-after`, only its first half before the connection drops. */
export function jsonAnswer(json: string, faults: Readonly<Faults>, headers: Record<string, string> = JSON_HEADERS): Response {
  if (faults.giantLine !== undefined) {
    return new Response(framesThen([], giantLine('{"x":"', faults.giantLine), { headDelayMs: 0, tailDelayMs: 0 }), { headers });
  }
  if (faults.endless) {
    const delays = { headDelayMs: 0, tailDelayMs: faults.tokenDelayMs || ENDLESS_DEFAULT_DELAY_MS };
    return new Response(framesThen(['{"x":"'], forever("xxxxxxxx"), delays), { headers });
  }
  if (faults.cutAfter === undefined) return new Response(json, { headers });
  const { stream, fullLength } = halfBody(json);
  return new Response(stream, { headers: { ...headers, "content-length": String(fullLength) } });
}

/** A stream's frames, in order; content chunks are `frames[firstContent .. firstContent + contentCount)`. */
export interface StreamPlan {
  frames: readonly string[];
  firstContent: number;
  contentCount: number;
  /**
   * For `endless`: the frames sent before the repetition starts (`after`) and the frame
   * repeated. Default: through the first content chunk, which is then repeated.
   */
  endless?: { after: number; frame: string };
}

const encoder = new TextEncoder();

/**
 * The response body for a planned stream with `token-delay` and `cut-after` applied. Frames
 * are enqueued as they are due (pull-driven, so client backpressure is respected).
 */
export function pacedStream(plan: StreamPlan, faults: Readonly<Faults>, signal: AbortSignal): ReadableStream<Uint8Array> {
  const { frames } = plan;
  const cutAt = faults.cutAfter === undefined ? -1 : plan.firstContent + Math.min(faults.cutAfter, plan.contentCount);
  const delay = faults.tokenDelayMs ?? 0;
  if (faults.giantLine !== undefined) {
    const head = frames.slice(0, cutAt < 0 ? plan.firstContent : cutAt);
    return framesThen(head, giantLine("data: ", faults.giantLine), { headDelayMs: delay, tailDelayMs: 0 }, signal);
  }
  if (faults.endless) {
    const endless = plan.endless ?? { after: plan.firstContent + 1, frame: frames[plan.firstContent] ?? "" };
    const delays = { headDelayMs: delay, tailDelayMs: delay || ENDLESS_DEFAULT_DELAY_MS };
    return framesThen(frames.slice(0, endless.after), forever(endless.frame), delays, signal);
  }
  const end = cutAt < 0 ? frames.length : cutAt;
  const stallAt = faults.stallAfter === undefined ? -1 : plan.firstContent + Math.min(faults.stallAfter, plan.contentCount);
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next === stallAt) {
        // Silent from here on: the pull never returns until the client gives up.
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        return;
      }
      if (next >= end) {
        // Cut only once the queue has drained (pull runs again only then): erroring a stream
        // discards chunks still queued, and the client must see everything before the cut.
        await cutConnection(controller);
        return;
      }
      if (delay > 0 && next > 0) {
        await sleep(delay, signal);
        if (signal.aborted) return;
      }
      // Without a delay there is nothing to wait for: emit everything due in one go.
      const stop = delay > 0 ? next + 1 : stallAt > next ? stallAt : end;
      while (next < stop) controller.enqueue(encoder.encode(frames[next++]));
      if (next >= end && cutAt < 0) controller.close();
    },
  });
}

/** A non-stream body for `cut-after`: the first half of the bytes, then a dropped connection. */
function halfBody(body: string): { stream: ReadableStream<Uint8Array>; fullLength: number } {
  const bytes = encoder.encode(body);
  return {
    fullLength: bytes.length,
    stream: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, bytes.length >> 1));
      },
      // Runs once the half has been taken by the server (see pacedStream).
      pull(controller) {
        return cutConnection(controller);
      },
    }),
  };
}

// Erroring the body makes Bun reset the socket mid-response, which is exactly what a dying
// upstream looks like. `undefined` as the reason keeps Bun from logging it as a server error.
// The pause lets Bun flush what was already written: erroring in the same tick drops the
// headers too (the client would see a refused request, not a broken one), and a reset that
// overtakes unread bytes makes the client's kernel discard them (seen on a loaded machine with 0 ms).
const FLUSH_BEFORE_CUT_MS = 25;

async function cutConnection(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FLUSH_BEFORE_CUT_MS));
  controller.error(undefined);
}
