import type { CanonicalRequest } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import { mergeUsage, type Usage } from "../core/usage.ts";
import type { JsonObject, RequestContext, RequestPeek, SseEvent, UpstreamTarget, WireProtocol } from "../core/wire-protocol.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { KeyRotation } from "../balancer/key-rotation.ts";
import { orderByWeight } from "../balancer/weighted-order.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { Catalog, RouteCandidate } from "../services/catalog.ts";
import { estimateUsage } from "./estimate-usage.ts";
import { exhaustedError, failover, type AttemptLogger } from "./failover.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { observeStream } from "./observed-stream.ts";
import { awaitFirstOutput, decodeUpstreamEvents, encodeClientStream } from "./translate-stream.ts";
import type { UpstreamCall } from "./upstream-call.ts";

export interface RelayDeps {
  catalog: Catalog;
  logWriter: LogWriter;
  keys: KeyRotation;
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
}

/** An error response in the client's protocol shape, with the trace id and retry hints. */
export function errorResponse(protocol: WireProtocol, error: GatewayError, traceId?: string): Response {
  if (traceId) error.traceId ??= traceId;
  const headers: Record<string, string> = { ...protocol.errorHeaders?.(error) };
  if (error.traceId) headers["x-llmio-trace-id"] = error.traceId;
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return Response.json(protocol.encodeError(error), { status: error.status, headers });
}

/** Orders a model's candidates that serve an endpoint, by the model's strategy. */
export function orderCandidates(candidates: readonly RouteCandidate[], endpoint: "chat" | "embeddings" | "count_tokens") {
  return orderByWeight(candidates.filter((candidate) => !candidate.endpoints || candidate.endpoints.includes(endpoint)));
}

/**
 * The relay pipeline: peek the request → pick candidates → for each attempt call the
 * upstream and wait for its first output; a failure before anything reached the client
 * moves on to the next candidate. Same protocol on both sides streams bytes straight
 * through (observed for usage); different protocols translate through the canonical model.
 */
export function createRelay(deps: RelayDeps) {
  const { keys } = deps;

  return async function relay(request: RelayRequest): Promise<Response> {
    const { protocol } = request;
    const context = request.context ?? {};
    const traceId = crypto.randomUUID();
    const started = performance.now();

    let peek: RequestPeek;
    let canonical: CanonicalRequest | undefined;
    // Decoding the whole request is only needed when some attempt crosses protocols.
    const decoded = () => (canonical ??= protocol.decodeRequest(request.body, context));
    try {
      peek = protocol.peek(request.body, context);
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(protocol, error, traceId);
      throw error;
    }
    const route = deps.catalog.route(peek.model);
    if (!route) {
      return errorResponse(protocol, new GatewayError("not_found", `The model \`${peek.model}\` does not exist`, { param: "model" }), traceId);
    }
    const candidates = orderCandidates(route.candidates, "chat");
    if (candidates.length === 0) {
      return errorResponse(protocol, new GatewayError("overloaded", `No enabled provider serves model \`${peek.model}\``), traceId);
    }

    const clientHeaders = forwardRequestHeaders(request.headers);
    const warningsByAttempt = new Map<RouteCandidate, string[]>();
    const isFastPath = (candidate: RouteCandidate) => candidate.wire === protocol.name && peek.streamFormat !== "json-array";

    const result = await failover({
      candidates,
      maxAttempts: route.model.maxRetry + 1,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      trace: {
        traceId,
        model: peek.model,
        clientProtocol: protocol.name,
        endpoint: "chat",
        stream: peek.stream,
        clientIp: request.clientIp,
        userAgent: request.headers.get("user-agent") ?? undefined,
      },
      prepare(candidate) {
        const upstream = wireProtocols[candidate.wire];
        const target: UpstreamTarget = {
          baseUrl: candidate.baseUrl,
          apiKey: keys.next(candidate.providerId, candidate.apiKeys),
          model: candidate.providerModel,
          stream: peek.stream,
        };
        const endpoint = upstream.upstreamEndpoint(target);
        let body: JsonObject;
        if (isFastPath(candidate)) body = upstream.prepareUpstreamBody(request.body, target);
        else {
          const encoded = upstream.encodeRequest(decoded(), target);
          body = encoded.body;
          if (encoded.warnings.length > 0) warningsByAttempt.set(candidate, encoded.warnings);
        }
        return {
          url: endpoint.url,
          headers: {
            ...endpoint.defaultHeaders,
            // Vendor headers (anthropic-beta …) only make sense to the same vendor.
            ...(candidate.wire === protocol.name ? clientHeaders : genericHeaders(clientHeaders)),
            ...candidate.headers,
            ...endpoint.headers,
            "content-type": "application/json",
          },
          body: JSON.stringify(body),
          firstByteTimeoutMs: route.model.timeoutMs,
          readWholeBody: !peek.stream,
        };
      },
      async accept(call, candidate, log) {
        const firstByteMs = Math.round(performance.now() - started);
        const warnings = warningsByAttempt.get(candidate)?.join("\n");
        const upstream = wireProtocols[candidate.wire];
        const logAttempt: AttemptLogger = (fields) => log({ firstByteMs, warnings, statusCode: call.response.status, ...fields });
        const headers = forwardResponseHeaders(isFastPath(candidate) ? call.response.headers : new Headers(), { "x-llmio-trace-id": traceId });

        if (!peek.stream) {
          let body: JsonObject;
          try {
            body = JSON.parse(call.text!) as JsonObject;
          } catch {
            return { failed: "upstream returned invalid JSON" };
          }
          if (isFastPath(candidate)) {
            const usage = upstream.usageFromResponse(body) ?? (await estimateSafely(() => decoded(), async () => call.text!));
            logAttempt({ status: "success", ...usageColumns(usage) });
            return new Response(call.text, { status: call.response.status, headers });
          }
          const response = upstream.decodeResponse(body, decoded());
          response.usage ??= await estimateUsage(decoded(), outputText(response.content));
          logAttempt({ status: "success", ...usageColumns(response.usage) });
          return Response.json(protocol.encodeResponse(response, decoded()), { headers });
        }

        headers.set("content-type", peek.streamFormat === "json-array" ? "application/json; charset=utf-8" : "text/event-stream; charset=utf-8");
        headers.set("cache-control", "no-cache");
        if (isFastPath(candidate)) return passThroughStream(call, upstream, logAttempt, headers);
        return translateStream(call, upstream, logAttempt, headers);
      },
      rejectClientFault(failure, candidate) {
        if (isFastPath(candidate)) {
          return new Response(failure.body, {
            status: failure.status,
            headers: forwardResponseHeaders(failure.headers!, { "x-llmio-trace-id": traceId }),
          });
        }
        const error = wireProtocols[candidate.wire].decodeError(failure.status!, failure.body ?? "");
        return errorResponse(protocol, error, traceId);
      },
    });
    if (result instanceof Response) return result;
    return errorResponse(protocol, exhaustedError(result, traceId), traceId);

    function passThroughStream(call: UpstreamCall, upstream: WireProtocol, log: AttemptLogger, headers: Headers) {
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
        call.firstChunk!,
        {
          onEvent(event) {
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
            const error = new GatewayError("upstream", `upstream stream failed: ${(cause as Error)?.message ?? cause}`, { traceId });
            void finish(error.message);
            return protocol.encodeStreamError(error);
          },
          onCancel() {
            void finish("client closed the stream");
          },
        },
        protocol.keepAliveFrame,
      );
      return new Response(body, { status: 200, headers });
    }

    async function translateStream(call: UpstreamCall, upstream: WireProtocol, log: AttemptLogger, headers: Headers) {
      const events = decodeUpstreamEvents(call.firstChunk!, call.reader!, upstream.decodeStream(decoded()));
      const start = await awaitFirstOutput(events);
      if ("failed" in start) return start;
      let usage: Usage | undefined;
      let text = "";
      const body = encodeClientStream(
        start.events,
        events,
        protocol.encodeStream(decoded(), context),
        protocol.keepAliveFrame,
        {
          onEvent(event) {
            if (event.type === "usage" || event.type === "response-start") usage = mergeUsage(usage, event.usage);
            else if (event.type === "finish") usage = mergeUsage(usage, event.usage);
            else if (event.type === "text-delta" || event.type === "reasoning-delta") text += event.text;
            else if (event.type === "tool-input-delta") text += event.delta;
          },
          async onClose(outcome) {
            const error = outcome.cancelled ? "client closed the stream" : outcome.error;
            const counted = usage && usage.outputTokens + usage.inputTokens > 0 ? usage : await estimateUsage(decoded(), text);
            log({ status: error ? "error" : "success", error, durationMs: Math.round(performance.now() - started), ...usageColumns(counted) });
          },
        },
        traceId,
      );
      return new Response(body, { status: 200, headers });
    }
  };
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
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
    usageEstimated: usage.estimated === true,
  };
}

export type Relay = ReturnType<typeof createRelay>;
