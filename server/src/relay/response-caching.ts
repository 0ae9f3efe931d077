import type { CanonicalRequest, CanonicalResponse } from "../core/canonical.ts";
import type { RequestContext, RequestPeek, WireProtocol } from "../core/wire-protocol.ts";
import type { Principal } from "../auth/client-keys.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { Model } from "../db/schema.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import { cacheDirective } from "../cache/cache-directive.ts";
import { cacheKey, isDeterministic } from "../cache/cache-key.ts";
import type { CachedAnswer } from "../cache/cached-answer.ts";
import { SHARED_STREAM_FAILED, type Coalescer, type Flight, type LiveAnswer } from "../cache/coalescer.ts";
import { recordAnswer } from "../cache/answer-recorder.ts";
import { isFresh } from "../cache/cached-answer.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { replayResponse } from "../cache/replay-response.ts";
import type { ResponseCache } from "../cache/response-cache.ts";
import { CLIENT_CLOSED, usageColumns, type TraceLog } from "./attempt-outcome.ts";
import { GatewayError } from "../core/errors.ts";
import { CLIENT_CLOSED_REASON } from "../db/log-reasons.ts";
import { errorResponse } from "./relay-errors.ts";
import { estimateSafely, outputOf } from "./exchange.ts";
import { priceSnapshot } from "./price-snapshot.ts";
import { replayEvents } from "../cache/replay-events.ts";

/** The response cache and in-flight coalescing, as the relay uses them. */
export interface ResponseCaching {
  store: ResponseCache;
  coalescer: Coalescer;
}

/**
 * What the cache does for one request:
 * - `off`: the model does not cache; nothing changes, no header.
 * - `bypass`: the client asked so, the request has randomness the model does not cache, or the
 *   answer format cannot be replayed (Gemini's JSON-array stream).
 * - `lookup` / `refresh`: the key; `refresh` skips the stored answer but stores the new one.
 */
export type CachePlan = { use: "off" } | { use: "bypass" } | { use: "lookup" | "refresh"; key: string; model: Model };

export function planCaching(model: Model, headers: Headers, principal: Principal | undefined, peek: RequestPeek, decoded: () => CanonicalRequest): CachePlan {
  if (model.cacheTtlSeconds <= 0) return { use: "off" };
  const directive = cacheDirective(headers);
  if (directive === "bypass" || peek.streamFormat === "json-array") return { use: "bypass" };
  let request: CanonicalRequest;
  try {
    request = decoded();
  } catch {
    // The relay reports the bad request in the client's protocol, as without a cache.
    return { use: "bypass" };
  }
  if (!model.cacheEverything && !isDeterministic(request)) return { use: "bypass" };
  const partition = model.cachePerKey ? (principal?.kind === "client" ? `key:${principal.key.id}` : "admin") : undefined;
  return { use: directive === "use" ? "lookup" : "refresh", key: cacheKey(model.name, request, partition), model };
}

/**
 * Before any upstream call: a stored answer, or the answer (or live stream) of an identical
 * request in flight, as the client's response; else the flight this request now leads for the
 * identical ones after it (none when it goes on alone: refresh, coalescing off, a failed first request).
 */
export async function consultCache(
  caching: ResponseCaching,
  plan: Extract<CachePlan, { key: string }>,
  call: CachedCall,
  wait: { waitMs: number; signal?: AbortSignal },
  logWriter: LogWriter,
): Promise<Response | { flight?: Flight }> {
  if (plan.use === "refresh") return {};
  const stored = await caching.store.get(plan.model.name, plan.key, Date.now());
  if (stored && isFresh(stored, Date.now(), plan.model.cacheTtlSeconds)) return serveHit(stored, call, logWriter);
  if (!plan.model.coalesce) return {};
  const joined = caching.coalescer.join(plan.key, { waitMs: wait.waitMs, live: call.stream, signal: wait.signal });
  if ("lead" in joined) return { flight: joined.lead };
  const shared = await joined.wait;
  if (shared && "answer" in shared) return serveHit(shared.answer, call, logWriter);
  if (shared) return serveLive(shared.live, call, logWriter);
  if (wait.signal?.aborted) return clientLeftWhileWaiting(call.protocol, call.trace, call.started, logWriter);
  // The first request failed (or the wait ran out): this one calls the upstream itself.
  return {};
}

/**
 * The relay's answer marked for the client (`x-llmio-cache`); for a cacheable request a complete
 * one is stored and handed to the requests waiting for it, its stream events passed on live.
 */
export function recordForCache(
  result: Response,
  options: { caching: ResponseCaching | undefined; plan: CachePlan; protocol: WireProtocol; request: () => CanonicalRequest; flight: Flight | undefined; servedBy: () => RouteCandidate | undefined },
): Promise<Response> | Response {
  const { caching, plan, flight } = options;
  if (!caching || !("key" in plan)) {
    result.headers.set("x-llmio-cache", "bypass");
    return result;
  }
  result.headers.set("x-llmio-cache", "miss");
  return recordAnswer(result, options.protocol, options.request, {
    event: flight && ((event) => flight.publish(event)),
    recorded(response) {
      if (!response) return flight?.land(undefined);
      answerToStore(response, options.request, plan.model, options.servedBy()).then(
        (answer) => {
          caching.store.put(plan.model.name, plan.key, answer);
          flight?.land(answer);
        },
        () => flight?.land(undefined),
      );
    },
  });
}

/** One request answered from the cache or an identical request in flight. */
interface CachedCall {
  protocol: WireProtocol;
  context: RequestContext;
  request: CanonicalRequest;
  stream: boolean;
  trace: TraceLog;
  started: number;
}

/** The client's answer from the cache, in its own protocol (a stream when it asked for one), logged as a hit. */
export function serveHit(answer: CachedAnswer, call: CachedCall, logWriter: LogWriter): Response {
  const headers = { "x-llmio-trace-id": call.trace.traceId, "x-llmio-cache": "hit", age: String(Math.max(0, Math.floor((Date.now() - answer.createdAt) / 1000))) };
  const response = replayResponse(answer.response, call.protocol, call.request, call.context, call.stream, headers);
  logWriter.write(hitRow(call, answer, Math.round(performance.now() - call.started)));
  return response;
}

/**
 * A streaming client following an identical request's stream as it arrives, encoded in its own
 * protocol. Logged once that answer has landed: a hit with its savings, or a failure if the shared
 * stream failed (the client then got the protocol's error event).
 */
export function serveLive(live: LiveAnswer, call: CachedCall, logWriter: LogWriter): Response {
  const firstByteMs = Math.round(performance.now() - call.started);
  const body = live.events().pipeThrough(call.protocol.encodeStream(call.request, call.context)).pipeThrough(new TextEncoderStream());
  void live.landed.then((answer) => {
    const durationMs = Math.round(performance.now() - call.started);
    if (answer) logWriter.write({ ...hitRow(call, answer, durationMs), firstByteMs });
    else logWriter.write({ ...call.trace, cacheStatus: "hit", attempt: 0, status: "error", statusCode: 200, error: SHARED_STREAM_FAILED, reason: "server", firstByteMs, durationMs, createdAt: Date.now() });
  });
  return new Response(body, {
    headers: { "x-llmio-trace-id": call.trace.traceId, "x-llmio-cache": "hit", age: "0", "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

function hitRow(call: CachedCall, answer: CachedAnswer, durationMs: number): NewRequestLog {
  return {
    ...call.trace,
    cacheStatus: "hit",
    attempt: 0,
    status: "success",
    statusCode: 200,
    firstByteMs: durationMs,
    durationMs,
    savedTokens: answer.savedTokens,
    savedCost: answer.savedCost,
    currency: answer.currency,
    createdAt: Date.now(),
  };
}

/** A client that left while its request waited for an identical one: logged like any call whose client left, no upstream call. */
export function clientLeftWhileWaiting(protocol: WireProtocol, trace: TraceLog, started: number, logWriter: LogWriter): Response {
  const error = new GatewayError("bad_request", CLIENT_CLOSED, { status: 499, traceId: trace.traceId });
  logWriter.write({
    ...trace,
    attempt: 0,
    status: "error",
    statusCode: error.status,
    error: error.message,
    reason: CLIENT_CLOSED_REASON,
    durationMs: Math.round(performance.now() - started),
    createdAt: Date.now(),
  });
  return errorResponse(protocol, error, trace.traceId);
}

/**
 * The entry for an answer that went out whole: the answer, its expiry, and what it cost at the
 * prices of the association that served it (tokens counted locally when the upstream reported none).
 */
export async function answerToStore(response: CanonicalResponse, request: () => CanonicalRequest, model: Model, servedBy: RouteCandidate | undefined): Promise<CachedAnswer> {
  const usage = response.usage ?? (await estimateSafely(request, async () => replayEvents(response).map(outputOf).join("")));
  const priced = priceSnapshot(servedBy?.prices, { endpoint: "chat", ...usageColumns(usage) });
  const createdAt = Date.now();
  return {
    response,
    createdAt,
    expiresAt: createdAt + model.cacheTtlSeconds * 1000,
    savedTokens: usage?.totalTokens ?? 0,
    savedCost: priced.cost ?? null,
    currency: priced.currency ?? null,
  };
}
