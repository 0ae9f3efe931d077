import { GatewayError } from "../core/errors.ts";
import type { JsonObject, WireProtocol } from "../core/wire-protocol.ts";
import { exhaustedError, failover } from "./failover.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { errorResponse, orderCandidates, type RelayDeps } from "./relay.ts";
import { traceOf } from "./trace.ts";

/**
 * Codex's `POST /v1/responses/compact` (history compaction) exists only on the Responses
 * API, so it passes through to Responses providers with the model rewritten.
 */
export function createCompactRelay(deps: RelayDeps, responses: WireProtocol) {
  return async function compact(request: { body: JsonObject; headers: Headers; clientIp?: string; signal?: AbortSignal }): Promise<Response> {
    const model = typeof request.body.model === "string" ? request.body.model : "";
    const trace = traceOf(responses, "chat", model, request);
    const route = deps.catalog.route(model);
    if (!route) {
      return errorResponse(responses, new GatewayError("not_found", `The model \`${model}\` does not exist`, { param: "model" }), trace.traceId);
    }
    const candidates = orderCandidates(route.candidates, "chat").filter((candidate) => candidate.wire === responses.name);
    if (candidates.length === 0) {
      return errorResponse(
        responses,
        new GatewayError("bad_request", `Compaction needs an OpenAI Responses provider, and model \`${model}\` has none`),
        trace.traceId,
      );
    }
    const clientHeaders = forwardRequestHeaders(request.headers);
    const result = await failover({
      candidates,
      maxAttempts: route.model.maxRetry + 1,
      trace,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      prepare(candidate) {
        const target = { baseUrl: candidate.baseUrl, apiKey: deps.keys.next(candidate.providerId, candidate.apiKeys), model: candidate.providerModel, stream: false };
        const endpoint = responses.upstreamEndpoint(target);
        return {
          url: `${endpoint.url}/compact`,
          headers: { ...clientHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
          body: JSON.stringify({ ...request.body, model: candidate.providerModel }),
          firstByteTimeoutMs: route.model.timeoutMs,
          readWholeBody: true,
        };
      },
      async accept(call, _candidate, log) {
        log({ status: "success", statusCode: call.response.status });
        return new Response(call.text, {
          status: call.response.status,
          headers: forwardResponseHeaders(call.response.headers, { "x-llmio-trace-id": trace.traceId }),
        });
      },
      rejectClientFault: (failure) =>
        new Response(failure.body, {
          status: failure.status,
          headers: forwardResponseHeaders(failure.headers!, { "x-llmio-trace-id": trace.traceId }),
        }),
    });
    if (result instanceof Response) return result;
    return errorResponse(responses, exhaustedError(result, trace.traceId), trace.traceId);
  };
}
