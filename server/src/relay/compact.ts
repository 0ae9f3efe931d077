import type { JsonObject, WireProtocol } from "../core/wire-protocol.ts";
import { failover } from "./failover.ts";
import { exhaustedError, exhaustedErrorType } from "./exhausted-error.ts";
import { endRequestSpan, linkSpanToLog, startRequestSpan } from "./request-span.ts";
import { forwardRequestHeaders, forwardResponseHeaders } from "./forward-headers.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import type { Principal } from "../auth/client-keys.ts";
import { errorResponse, type RelayDeps } from "./relay.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";

/**
 * Codex's `POST /v1/responses/compact` (history compaction) exists only on the Responses
 * API, so it passes through to Responses providers with the model rewritten.
 */
export function createCompactRelay(deps: RelayDeps, responses: WireProtocol) {
  return async function compact(request: { body: JsonObject; headers: Headers; clientIp?: string; signal?: AbortSignal; principal?: Principal; path?: string }): Promise<Response> {
    const model = typeof request.body.model === "string" ? request.body.model : "";
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
      rejections: deps.logWriter.rejections,
      protocol: responses,
      model,
      endpoint: "chat",
      accepts: (candidate) => candidate.wire === responses.name,
    });
    if (planned instanceof Response) return planned;
    const { trace, route, candidates } = planned;
    const span = startRequestSpan(deps.tracing, { headers: request.headers, protocol: responses.name, model, stream: false, clientIp: request.clientIp });
    linkSpanToLog(span, trace);
    const clientHeaders = forwardRequestHeaders(request.headers);
    const result = await failover({
      candidates,
      balancer: deps.balancer,
      ...attemptBudget(route),
      trace,
      span,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      prepare(candidate, apiKey) {
        const endpoint = responses.upstreamEndpoint(upstreamTarget(candidate, apiKey));
        return {
          ...upstreamRequest({ ...endpoint, url: `${endpoint.url}/compact` }, candidate, { ...request.body, model: candidate.providerModel }, clientHeaders),
          readWholeBody: true,
        };
      },
      async accept(answer, _candidate, end) {
        end({});
        return new Response(answer.kind === "body" ? answer.text : null, {
          status: answer.response.status,
          headers: forwardResponseHeaders(answer.response.headers, { "x-llmio-trace-id": trace.traceId }),
        });
      },
      rejectClientFault: (failure) =>
        new Response(failure.body, {
          status: failure.status,
          headers: forwardResponseHeaders(failure.headers ?? new Headers(), { "x-llmio-trace-id": trace.traceId }),
        }),
    });
    if (result instanceof Response) return endRequestSpan(span, result);
    const exhausted = exhaustedError(result, trace.traceId);
    return endRequestSpan(span, errorResponse(responses, exhausted, trace.traceId), exhaustedErrorType(result, exhausted));
  };
}
