import type { CanonicalRequest, CanonicalResponse } from "../core/canonical.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { Balancer } from "../routing/balancer.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { BodyCapture } from "../observability/body-capture.ts";
import type { Catalog, RouteCandidate } from "../routing/catalog.ts";
import type { InFlightTracker } from "../observability/in-flight.ts";
import { asGatewayError, failover, type FailoverOptions } from "./failover.ts";
import { exhaustedError, exhaustedErrorType } from "./exhausted-error.ts";
import { logger } from "../lib/logger.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import type { Principal } from "../auth/client-keys.ts";
import { errorResponse } from "./relay-errors.ts";
import { readOrReject } from "./rejections.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";
import type { Exchange } from "./exchange.ts";
import { passThrough } from "./pass-through.ts";
import { RequestEnd } from "./request-end.ts";
import { translated } from "./translated.ts";
import { consultCache, planCaching, recordForCache, type CachePlan, type ResponseCaching } from "./response-caching.ts";
import type { Flight } from "../cache/coalescer.ts";
import type { RequestSpan, Tracing } from "../observability/tracing.ts";
import { endRequestSpan, linkSpanToLog, startRequestSpan } from "./request-span.ts";

export interface RelayDeps {
  catalog: Catalog;
  logWriter: LogWriter;
  balancer: Balancer;
  inFlight: InFlightTracker;
  bodyCapture: BodyCapture;
  /** The response cache and in-flight coalescing; absent, no model caches. */
  caching?: ResponseCaching;
  /** OpenTelemetry spans per request and attempt; absent or no-op while tracing is off. */
  tracing?: Tracing;
}

const CACHE_OFF: CachePlan = { use: "off" };

/** One client request as the HTTP layer hands it over. */
export interface RelayRequest {
  /** The wire protocol the client speaks. */
  protocol: WireProtocol;
  body: JsonObject;
  /** What the URL says (Gemini: model and stream mode). */
  context?: RequestContext;
  headers: Headers;
  clientIp?: string;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** Who is calling: the admin token or a client key (which may be limited to some models). */
  principal?: Principal;
  /** The request path, for the log of a refused call. */
  path?: string;
}

/**
 * The relay pipeline: peek the request → plan candidates (pins, capabilities, strategy,
 * sticky session) → for each attempt, admitted by health and limits, call the upstream and
 * wait for its first output; a failure before anything reached the client moves on. Same
 * protocol on both sides streams bytes straight through (observed for usage, pass-through.ts);
 * different protocols translate through the canonical model (translated.ts).
 */
export function createRelay(deps: RelayDeps) {
  return async function relay(request: RelayRequest): Promise<Response> {
    const { protocol } = request;
    const context = request.context ?? {};
    const started = performance.now();

    let canonical: CanonicalRequest | undefined;
    // Decoding the whole request is only needed when some attempt crosses protocols.
    const decoded = () => (canonical ??= protocol.decodeRequest(request.body, context));
    const rejections = deps.logWriter.rejections;
    const peeked = readOrReject({ ...request, rejections }, "chat", () => protocol.peek(request.body, context));
    if (peeked instanceof Response) return peeked;
    const peek = peeked;
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
      rejections,
      model: peek.model,
      endpoint: "chat",
      stream: peek.stream,
      needs: peek.needs,
      sessionId: peek.sessionId,
    });
    // A refused call is traced as a rejection (app-deps.ts); a routed one gets its request span here.
    if (planned instanceof Response) return planned;
    const { trace, route, plan, candidates } = planned;
    const span = startRequestSpan(deps.tracing, { headers: request.headers, protocol: protocol.name, model: peek.model, stream: peek.stream, clientIp: request.clientIp });
    const traceId = trace.traceId;
    // Before any row is written (a cache hit's too): the rows keep the span's trace id.
    if (span.traceId) trace.otelTraceId = span.traceId;
    const budget = attemptBudget(route);
    const caching = deps.caching ? planCaching(route.model, request.headers, request.principal, peek, decoded) : CACHE_OFF;
    // Set while this request fetches the answer identical requests wait for.
    let flight: Flight | undefined;
    if (deps.caching && (caching.use === "lookup" || caching.use === "refresh")) {
      trace.cacheStatus = "miss";
      const call = { protocol, context, request: decoded(), stream: peek.stream, trace, started };
      const consulted = await consultCache(deps.caching, caching, call, { waitMs: budget.deadline - Date.now(), signal: request.signal }, deps.logWriter);
      if (consulted instanceof Response) {
        linkSpanToLog(span, trace, consulted.status === 200 ? "hit" : "miss");
        return endRequestSpan(span, consulted, "client_closed");
      }
      flight = consulted.flight;
    }
    linkSpanToLog(span, trace, caching.use === "off" ? null : caching.use === "bypass" ? "bypass" : "miss");
    deps.inFlight.start({ ...trace, model: trace.model, stream: peek.stream, startedAt: Date.now(), clientIp: trace.clientIp ?? undefined, userAgent: trace.userAgent ?? undefined });
    const requestEnd = new RequestEnd(deps, traceId, request.body, span, span.recording ? spanContent(span, protocol, decoded, peek.stream) : undefined);
    const exchange: Exchange = {
      protocol,
      context,
      peek,
      decoded,
      traceId,
      route,
      deadline: budget.deadline,
      elapsed: () => Math.round(performance.now() - started),
      traced: span.recording,
      get capture() {
        return requestEnd.capture;
      },
    };
    const clientHeaders = forwardRequestHeaders(request.headers);
    const warningsByAttempt = new Map<RouteCandidate, string[]>();
    // The candidate whose answer went to the client (its prices say what a cached copy saves).
    let servedBy: RouteCandidate | undefined;
    const isFastPath = (candidate: RouteCandidate) => candidate.wire === protocol.name && peek.streamFormat !== "json-array";

    const prepare: FailoverOptions["prepare"] = (candidate, apiKey) => {
      deps.inFlight.attempt(traceId, candidate.providerName);
      const upstream = wireProtocols[candidate.wire];
      const target = upstreamTarget(candidate, apiKey, peek.stream);
      let body: JsonObject;
      if (isFastPath(candidate)) body = upstream.prepareUpstreamBody(request.body, target);
      else {
        const encoded = upstream.encodeRequest(decoded(), target);
        body = encoded.body;
        if (encoded.warnings.length > 0) warningsByAttempt.set(candidate, encoded.warnings);
      }
      // Vendor headers (anthropic-beta …) only make sense to the same vendor.
      const forwarded = candidate.wire === protocol.name ? clientHeaders : genericHeaders(clientHeaders);
      return { ...upstreamRequest(upstream.upstreamEndpoint(target), candidate, body, forwarded), readWholeBody: !peek.stream };
    };

    const accept: FailoverOptions["accept"] = async (answer, candidate, end) => {
      servedBy = candidate;
      const firstByteMs = exchange.elapsed();
      const warnings = warningsByAttempt.get(candidate)?.join("\n");
      // Whichever way the answer ends: the attempt (lease and row), the session's stickiness, then the request.
      const endAnswer: typeof end = (answered) => {
        if (!answered.failed) deps.balancer.stick(plan, candidate.associationId);
        end({ firstByteMs, warnings, durationMs: exchange.elapsed(), ...answered });
        requestEnd.done(answer.kind === "body" ? answer.text : undefined);
      };
      const fastPath = isFastPath(candidate);
      const headers = forwardResponseHeaders(fastPath ? answer.response.headers : new Headers(), { "x-llmio-trace-id": traceId });
      if (answer.kind === "stream") {
        headers.set("content-type", peek.streamFormat === "json-array" ? "application/json; charset=utf-8" : "text/event-stream; charset=utf-8");
        headers.set("cache-control", "no-cache");
      }
      const upstream = wireProtocols[candidate.wire];
      return fastPath ? passThrough(exchange, answer, candidate, upstream, endAnswer, headers) : translated(exchange, answer, candidate, upstream, endAnswer, headers);
    };

    const rejectClientFault: FailoverOptions["rejectClientFault"] = (failure, candidate) => {
      if (isFastPath(candidate)) {
        return new Response(failure.body, {
          status: failure.status,
          headers: forwardResponseHeaders(failure.headers ?? new Headers({ "content-type": "application/json" }), { "x-llmio-trace-id": traceId }),
        });
      }
      // A client fault always has the upstream's status (a 4xx), so the protocol can decode its body.
      const error = wireProtocols[candidate.wire].decodeError(failure.status ?? 400, failure.body ?? "");
      return errorResponse(protocol, error, traceId);
    };

    // The shared finish: whatever happens from here on, the request leaves the in-flight list once
    // (streams: when they end) and the client gets its protocol's error shape; failover has already
    // ended every attempt it began (lease and log row).
    try {
      requestEnd.capture = (await deps.bodyCapture.enabled(request.principal)) ? { response: "" } : undefined;
      const result = await failover({ candidates, balancer: deps.balancer, ...budget, logWriter: deps.logWriter, clientSignal: request.signal, trace, span, prepare, accept, rejectClientFault });
      if (!(result instanceof Response)) {
        const exhausted = exhaustedError(result, traceId);
        span.fail(exhausted.status, exhaustedErrorType(result, exhausted));
        requestEnd.done();
        flight?.land(undefined);
        return errorResponse(protocol, exhausted, traceId);
      }
      // Streams end (and call `done`) later; a refused request ends here.
      if (result.status >= 400) span.fail(result.status, String(result.status));
      if (!result.body || result.status >= 400) requestEnd.done();
      if (caching.use === "off") return result;
      return await recordForCache(result, { caching: deps.caching, plan: caching, protocol, request: decoded, flight, servedBy: () => servedBy });
    } catch (error) {
      const failure = asGatewayError(error, "The gateway failed to relay the request");
      span.fail(failure.status, failure.kind);
      requestEnd.done();
      flight?.land(undefined);
      if (failure.kind === "internal") logger.error("relay failed", { traceId, error: (error as Error)?.stack ?? String(error) });
      return errorResponse(protocol, failure, traceId);
    }
  };
}

/**
 * While body capture is on, a recording span gets the prompt and the completion too (a stream's
 * completion is not decoded back). Best effort: what does not decode is left out of the span.
 */
function spanContent(span: RequestSpan, protocol: WireProtocol, decoded: () => CanonicalRequest, stream: boolean) {
  return (response: string) => {
    let completion: CanonicalResponse | undefined;
    try {
      if (!stream) completion = protocol.decodeResponse(JSON.parse(response), decoded());
    } catch {}
    try {
      span.content(decoded(), completion);
    } catch {}
  };
}

/** Headers any upstream may see (no vendor-specific ones). */
function genericHeaders(headers: Record<string, string>): Record<string, string> {
  const generic: Record<string, string> = {};
  for (const name in headers) {
    if (!name.startsWith("anthropic-") && !name.startsWith("openai-") && !name.startsWith("x-goog-") && !name.startsWith("x-stainless-")) {
      generic[name] = headers[name];
    }
  }
  return generic;
}

export { usageColumns } from "./attempt-outcome.ts";
export type Relay = ReturnType<typeof createRelay>;

export { errorResponse };
