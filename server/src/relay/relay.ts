import { GatewayError } from "../core/errors.ts";
import { emptyUsage, type Usage } from "../core/usage.ts";
import type { JsonObject, UpstreamTarget, WireProtocol } from "../core/wire-protocol.ts";
import type { LogWriter } from "../db/log-writer.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { KeyRotation } from "../balancer/key-rotation.ts";
import { orderByWeight } from "../balancer/weighted-order.ts";
import { wireProtocols } from "../protocols/index.ts";
import type { Catalog, RouteCandidate } from "../services/catalog.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { observeStream } from "./observed-stream.ts";
import { callUpstream, UpstreamFailure } from "./upstream-call.ts";

export interface RelayDeps {
  catalog: Catalog;
  logWriter: LogWriter;
  keys?: KeyRotation;
}

/** One client request as the HTTP layer hands it over. */
export interface RelayRequest {
  /** The wire protocol the client speaks. */
  protocol: WireProtocol;
  body: JsonObject;
  headers: Headers;
  clientIp?: string;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

/** Upstream statuses that mean the request itself is wrong: another provider would refuse it too. */
const CLIENT_FAULT_STATUSES = new Set([400, 413, 422]);

/**
 * The relay pipeline: peek the request → pick candidates → for each attempt call the
 * upstream and wait for its first byte; a failure before anything reached the client
 * moves on to the next candidate; once output starts it streams straight through,
 * observed for usage and timings, which go to the log writer.
 */
export function createRelay(deps: RelayDeps) {
  const keys = deps.keys ?? new KeyRotation();

  return async function relay(request: RelayRequest): Promise<Response> {
    const { protocol } = request;
    const traceId = crypto.randomUUID();
    const startedAt = Date.now();
    const started = performance.now();
    const errorResponse = (error: GatewayError) => {
      error.traceId ??= traceId;
      const headers: Record<string, string> = { "x-llmio-trace-id": traceId, ...protocol.errorHeaders?.(error) };
      if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
      return Response.json(protocol.encodeError(error), { status: error.status, headers });
    };

    let peek;
    try {
      peek = protocol.peek(request.body);
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(error);
      throw error;
    }
    const route = deps.catalog.route(peek.model);
    if (!route) return errorResponse(new GatewayError("not_found", `The model \`${peek.model}\` does not exist`, { param: "model" }));

    // Until cross-protocol translation exists, only providers speaking the client's protocol can serve it.
    const candidates = orderByWeight(route.candidates.filter((candidate) => candidate.wire === protocol.name));
    if (candidates.length === 0) {
      return errorResponse(new GatewayError("overloaded", `No enabled provider serves model \`${peek.model}\``));
    }

    const maxAttempts = Math.min(candidates.length, route.model.maxRetry + 1);
    const forwardedHeaders = forwardRequestHeaders(request.headers);
    const baseLog = {
      traceId,
      model: peek.model,
      clientProtocol: protocol.name,
      stream: peek.stream,
      clientIp: request.clientIp,
      userAgent: request.headers.get("user-agent") ?? undefined,
    };
    const failures: string[] = [];
    let retryAfterSeconds: number | undefined;

    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const candidate = candidates[attempt];
      const upstreamProtocol = wireProtocols[candidate.wire]!;
      const target: UpstreamTarget = {
        baseUrl: candidate.baseUrl,
        apiKey: keys.next(candidate.providerId, candidate.apiKeys),
        model: candidate.providerModel,
        stream: peek.stream,
      };
      const attemptStarted = performance.now();
      const attemptLog = (fields: Partial<NewRequestLog>): NewRequestLog => ({
        ...baseLog,
        attempt,
        providerId: candidate.providerId,
        providerName: candidate.providerName,
        providerModel: candidate.providerModel,
        status: "error",
        createdAt: Date.now(),
        durationMs: Math.round(performance.now() - attemptStarted),
        ...fields,
      });

      const endpoint = upstreamProtocol.upstreamEndpoint(target);
      let call;
      try {
        call = await callUpstream({
          url: endpoint.url,
          headers: { ...forwardedHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
          body: JSON.stringify(upstreamProtocol.prepareUpstreamBody(request.body, target)),
          firstByteTimeoutMs: route.model.timeoutMs,
          readWholeBody: !peek.stream,
          clientSignal: request.signal,
        });
      } catch (error) {
        if (!(error instanceof UpstreamFailure)) throw error;
        deps.logWriter.write(attemptLog({ statusCode: error.status, error: error.message }));
        failures.push(`${candidate.providerName}: ${error.message}`);
        if (error.clientAborted) return errorResponse(new GatewayError("bad_request", "client closed the request", { status: 499 }));
        if (error.retryAfterSeconds !== undefined) retryAfterSeconds = error.retryAfterSeconds;
        if (error.status && CLIENT_FAULT_STATUSES.has(error.status)) {
          return new Response(error.body, {
            status: error.status,
            headers: forwardResponseHeaders(error.headers!, { "x-llmio-trace-id": traceId }),
          });
        }
        continue;
      }

      const firstByteMs = Math.round(performance.now() - started);
      const responseHeaders = forwardResponseHeaders(call.response.headers, { "x-llmio-trace-id": traceId });

      if (!peek.stream) {
        let usage: Usage | undefined;
        try {
          usage = upstreamProtocol.usageFromResponse(JSON.parse(call.text!) as JsonObject);
        } catch {
          deps.logWriter.write(attemptLog({ statusCode: call.response.status, error: "upstream returned invalid JSON" }));
          failures.push(`${candidate.providerName}: invalid JSON`);
          continue;
        }
        deps.logWriter.write(attemptLog({ status: "success", statusCode: call.response.status, firstByteMs, ...usageColumns(usage) }));
        return new Response(call.text, { status: call.response.status, headers: responseHeaders });
      }

      let usage: Usage | undefined;
      let streamError: string | undefined;
      let ended = false;
      let logged = false;
      const finish = (error?: string) => {
        if (logged) return;
        logged = true;
        deps.logWriter.write(
          attemptLog({
            status: error ? "error" : "success",
            statusCode: call.response.status,
            error,
            firstByteMs,
            durationMs: Math.round(performance.now() - attemptStarted),
            ...usageColumns(usage),
          }),
        );
      };
      const body = observeStream(call.reader!, call.firstChunk!, {
        onEvent(data, event) {
          if (upstreamProtocol.isStreamEnd(data, event)) ended = true;
          streamError ??= upstreamProtocol.streamEventError(data, event);
          usage = upstreamProtocol.usageFromStreamEvent(data) ?? usage;
        },
        onEnd() {
          if (streamError || ended) {
            finish(streamError);
            return undefined;
          }
          const error = new GatewayError("upstream", "upstream stream ended before completion", { traceId });
          finish(error.message);
          return protocol.encodeStreamError(error);
        },
        onFailure(cause) {
          const error = new GatewayError("upstream", `upstream stream failed: ${(cause as Error)?.message ?? cause}`, { traceId });
          finish(error.message);
          return protocol.encodeStreamError(error);
        },
        onCancel() {
          finish("client closed the stream");
        },
      });
      responseHeaders.set("content-type", "text/event-stream; charset=utf-8");
      responseHeaders.set("cache-control", "no-cache");
      return new Response(body, { status: call.response.status, headers: responseHeaders });
    }

    return errorResponse(
      new GatewayError("upstream", `All ${maxAttempts} upstream attempt(s) failed: ${failures.join("; ")}`, {
        traceId,
        retryAfterSeconds,
      }),
    );
  };
}

function usageColumns(usage: Usage = emptyUsage()): Partial<NewRequestLog> {
  return {
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
  };
}

export type Relay = ReturnType<typeof createRelay>;
export type { RouteCandidate };
