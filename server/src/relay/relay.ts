import type { CanonicalRequest, StreamEvent } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import { mergeUsage, type Usage } from "../core/usage.ts";
import type { JsonObject, RequestContext, SseEvent, WireProtocol } from "../core/wire-protocol.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { Balancer } from "../routing/balancer.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { BodyCapture } from "../observability/body-capture.ts";
import type { Catalog, RouteCandidate } from "../routing/catalog.ts";
import type { InFlightTracker } from "../observability/in-flight.ts";
import { estimateUsage } from "./estimate-usage.ts";
import { promptTokenEstimate } from "./prompt-estimate.ts";
import { asGatewayError, CLIENT_CLOSED, exhaustedError, failover, type AttemptLogger } from "./failover.ts";
import { logger } from "../lib/logger.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { awaitFastPathStart, observeStream } from "./observed-stream.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import type { Principal } from "../auth/client-keys.ts";
import { errorResponse } from "./relay-errors.ts";
import { readOrReject } from "./rejections.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";
import { awaitFirstOutput, decodeUpstreamEvents, encodeClientStream } from "./translate-stream.ts";
import type { UpstreamCall } from "./upstream-call.ts";
import { findErrorText } from "./error-text-match.ts";

export interface RelayDeps {
  catalog: Catalog;
  logWriter: LogWriter;
  balancer: Balancer;
  inFlight: InFlightTracker;
  bodyCapture: BodyCapture;
}

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
 * protocol on both sides streams bytes straight through (observed for usage); different
 * protocols translate through the canonical model.
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
    if (planned instanceof Response) return planned;
    const { trace, route, plan, candidates } = planned;
    const traceId = trace.traceId;
    deps.inFlight.start({ ...trace, model: trace.model, stream: peek.stream, startedAt: Date.now(), clientIp: trace.clientIp ?? undefined, userAgent: trace.userAgent ?? undefined });
    // Captured only while body capture is on: the client's request, and the answer as it went out.
    let capture: { response: string } | undefined;
    let ended = false;
    // Ends the request once: its in-flight entry, and its captured bodies.
    const done = (responseBody?: string) => {
      if (ended) return;
      ended = true;
      deps.inFlight.end(traceId);
      if (capture) {
        const saved = capture;
        // Async, so that a body JSON cannot encode (nested too deeply) fails the capture, not the request.
        (async () => deps.bodyCapture.save(traceId, JSON.stringify(request.body), responseBody ?? saved.response))().catch((error) => {
          logger.error("saving captured bodies failed", { traceId, error: (error as Error)?.message ?? String(error) });
        });
      }
    };

    const clientHeaders = forwardRequestHeaders(request.headers);
    const warningsByAttempt = new Map<RouteCandidate, string[]>();
    const isFastPath = (candidate: RouteCandidate) => candidate.wire === protocol.name && peek.streamFormat !== "json-array";

    const budget = attemptBudget(route);

    // Whatever throws from here on, the request leaves the in-flight list and the client gets its
    // protocol's error shape (failover has already ended the attempt that was under way).
    try {
      capture = (await deps.bodyCapture.enabled(request.principal)) ? { response: "" } : undefined;
      return await relayAttempts();
    } catch (error) {
      done();
      const failure = asGatewayError(error, "The gateway failed to relay the request");
      if (failure.kind === "internal") logger.error("relay failed", { traceId, error: (error as Error)?.stack ?? String(error) });
      return errorResponse(protocol, failure, traceId);
    }

    async function relayAttempts(): Promise<Response> {
      const result = await failover({
        candidates,
        balancer: deps.balancer,
        ...budget,
        logWriter: deps.logWriter,
        clientSignal: request.signal,
        trace,
        prepare(candidate, apiKey) {
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
        },
        async accept(call, candidate, log) {
          const firstByteMs = Math.round(performance.now() - started);
          const warnings = warningsByAttempt.get(candidate)?.join("\n");
          const upstream = wireProtocols[candidate.wire];
          const logAttempt: AttemptLogger = (fields) => {
            if (fields.status === "success") deps.balancer.stick(plan, candidate.associationId);
            // Both measured from the client's request, so duration ≥ first byte.
            log({ firstByteMs, warnings, statusCode: call.response.status, durationMs: Math.round(performance.now() - started), ...fields });
            done(peek.stream ? undefined : call.text);
          };
          const headers = forwardResponseHeaders(isFastPath(candidate) ? call.response.headers : new Headers(), { "x-llmio-trace-id": traceId });

          if (!peek.stream) {
            const errorText = candidate.errorMatch ? findErrorText(call.text!, candidate.errorMatch) : undefined;
            if (errorText) return { failed: `the answer contains the provider's error text "${errorText}"` };
            let body: JsonObject;
            try {
              body = JSON.parse(call.text!) as JsonObject;
            } catch {
              return { failed: "upstream returned invalid JSON" };
            }
            // An error envelope sent with HTTP 200 fails the attempt like the same error with its status.
            const bodyError = upstream.errorInResponse(body);
            if (bodyError) throw bodyError;
            if (isFastPath(candidate)) {
              const usage = upstream.usageFromResponse(body) ?? (await estimateSafely(() => decoded(), async () => call.text!));
              logAttempt({ status: "success", ...usageColumns(usage) });
              return new Response(call.text, { status: call.response.status, headers });
            }
            const response = upstream.decodeResponse(body, decoded());
            response.usage ??= await estimateSafely(() => decoded(), async () => outputText(response.content));
            logAttempt({ status: "success", ...usageColumns(response.usage) });
            return Response.json(protocol.encodeResponse(response, decoded()), { headers });
          }

          headers.set("content-type", peek.streamFormat === "json-array" ? "application/json; charset=utf-8" : "text/event-stream; charset=utf-8");
          headers.set("cache-control", "no-cache");
          const idleMs = route.model.streamIdleTimeoutMs;
          if (!isFastPath(candidate)) return translateStream(call, upstream, logAttempt, headers, idleMs);
          const start = await awaitFastPathStart(call.reader!, call.firstChunk!, upstream, { errorMatch: candidate.errorMatch, idleMs, outputBy: budget.deadline });
          if ("failed" in start) return start;
          return passThroughStream(call, start.chunks, upstream, logAttempt, headers, idleMs);
        },
        rejectClientFault(failure, candidate) {
          if (isFastPath(candidate)) {
            return new Response(failure.body, {
              status: failure.status,
              headers: forwardResponseHeaders(failure.headers ?? new Headers({ "content-type": "application/json" }), { "x-llmio-trace-id": traceId }),
            });
          }
          const error = wireProtocols[candidate.wire].decodeError(failure.status!, failure.body ?? "");
          return errorResponse(protocol, error, traceId);
        },
      });
      if (result instanceof Response) {
        // Streams end (and call `done`) later; a refused request ends here.
        if (!result.body || result.status >= 400) done();
        return result;
      }
      const failure = errorResponse(protocol, exhaustedError(result, traceId), traceId);
      done();
      return failure;
    }

    function passThroughStream(call: UpstreamCall, chunks: Uint8Array[], upstream: WireProtocol, log: AttemptLogger, headers: Headers, idleMs: number) {
      let usage: Usage | undefined;
      let streamError: string | undefined;
      let ended = false;
      // Kept only until the upstream shows it reports usage, to estimate tokens if it never does.
      let unaccounted: SseEvent[] | undefined = [];
      let unaccountedBytes = 0;
      const finish = async (error?: string) => {
        const counted = usage ?? (unaccounted ? await estimateSafely(() => decoded(), () => textOfEvents(unaccounted!, upstream)) : undefined);
        log({ status: error ? "error" : "success", error, durationMs: Math.round(performance.now() - started), ...usageColumns(counted) });
      };
      const body = observeStream(
        call.reader!,
        chunks,
        {
          onEvent(event) {
            if (capture) capture.response += `${event.data}\n`;
            if (upstream.isStreamEnd(event)) ended = true;
            streamError ??= upstream.streamEventError(event);
            usage = mergeUsage(usage, upstream.usageFromStreamEvent(event));
            if (usage) unaccounted = undefined;
            else if (unaccounted) {
              unaccountedBytes += event.data.length;
              if (unaccountedBytes > MAX_UNACCOUNTED_BYTES) unaccounted = undefined;
              else unaccounted.push(event);
            }
          },
          onEnd() {
            if (streamError || ended) {
              void finish(streamError);
              return undefined;
            }
            const error = new GatewayError("upstream", "upstream stream ended before completion", { traceId });
            void finish(error.message);
            return protocol.encodeStreamError(error);
          },
          onFailure(cause) {
            // The stream's own limits (duration, event size) come as GatewayErrors that say what happened.
            const error = cause instanceof GatewayError ? cause : new GatewayError("upstream", `upstream stream failed: ${(cause as Error)?.message ?? cause}`, { traceId });
            error.traceId ??= traceId;
            void finish(error.message);
            return protocol.encodeStreamError(error);
          },
          onCancel() {
            void finish(CLIENT_CLOSED);
          },
        },
        { keepAliveFrame: protocol.keepAliveFrame, idleMs, maxDurationMs: route.model.maxStreamDurationMs },
      );
      return new Response(body, { status: 200, headers });
    }

    async function translateStream(call: UpstreamCall, upstream: WireProtocol, log: AttemptLogger, headers: Headers, idleMs: number) {
      const events = decodeUpstreamEvents(call.firstChunk!, call.reader!, upstream.decodeStream(decoded()));
      const start = await awaitFirstOutput(events, idleMs, budget.deadline);
      if ("failed" in start) return start;
      let usage: Usage | undefined;
      let text = "";
      // Counted only if the client's encoder asks (Anthropic's message_start, when the upstream has not reported input tokens yet).
      const clientContext = { ...context, promptTokens: promptTokenEstimate(decoded) };
      const body = encodeClientStream(
        start.events,
        events,
        capture ? capturedFrames(protocol.encodeStream(decoded(), clientContext), capture) : protocol.encodeStream(decoded(), clientContext),
        { keepAliveFrame: protocol.keepAliveFrame, idleMs, maxDurationMs: route.model.maxStreamDurationMs },
        {
          onEvent(event) {
            if (event.type === "usage" || event.type === "response-start") usage = mergeUsage(usage, event.usage);
            else if (event.type === "finish") usage = mergeUsage(usage, event.usage);
            else if (event.type === "text-delta" || event.type === "reasoning-delta") text += event.text;
            else if (event.type === "tool-input-delta") text += event.delta;
          },
          async onClose(outcome) {
            const error = outcome.cancelled ? CLIENT_CLOSED : outcome.error;
            const counted = usage && usage.outputTokens + usage.inputTokens > 0 ? usage : await estimateSafely(() => decoded(), async () => text);
            log({ status: error ? "error" : "success", error, durationMs: Math.round(performance.now() - started), ...usageColumns(counted) });
          },
        },
        traceId,
      );
      return new Response(body, { status: 200, headers });
    }
  };
}

/**
 * The client's stream encoder, also keeping each frame it writes: a translated stream is captured
 * as the client received it (its protocol's frames), like a passed-through one.
 */
function capturedFrames(encode: TransformStream<StreamEvent, string>, capture: { response: string }): TransformStream<StreamEvent, string> {
  const keep = new TransformStream<string, string>({
    transform(frame, controller) {
      capture.response += frame;
      controller.enqueue(frame);
    },
  });
  return { writable: encode.writable, readable: encode.readable.pipeThrough(keep) };
}

/** Beyond this much stream data without a usage report, output tokens are not estimated. */
const MAX_UNACCOUNTED_BYTES = 1 << 20;

/** A local estimate, or none when the request cannot be decoded (the log then shows zero tokens). */
async function estimateSafely(request: () => CanonicalRequest, output: () => Promise<string>): Promise<Usage | undefined> {
  try {
    return await estimateUsage(request(), await output());
  } catch {
    return undefined;
  }
}

/** The text a list of stream events carried, decoded with the upstream's own decoder. */
async function textOfEvents(events: SseEvent[], upstream: WireProtocol): Promise<string> {
  let text = "";
  const source = new ReadableStream<SseEvent>({
    start(controller) {
      for (const event of events) controller.enqueue(event);
      controller.close();
    },
  });
  const reader = source.pipeThrough(upstream.decodeStream()).getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const event = next.value;
      if (event.type === "text-delta" || event.type === "reasoning-delta") text += event.text;
      else if (event.type === "tool-input-delta") text += event.delta;
    }
  } catch {}
  return text;
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

function outputText(content: Array<{ type: string; text?: string; arguments?: string }>): string {
  return content.map((part) => part.text ?? part.arguments ?? "").join("");
}

export function usageColumns(usage: Usage | undefined): Partial<NewRequestLog> {
  if (!usage) return {};
  return {
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
    usageEstimated: usage.estimated === true,
  };
}

export type Relay = ReturnType<typeof createRelay>;

export { errorResponse };
