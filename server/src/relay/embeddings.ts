import type { JsonObject } from "../core/wire-protocol.ts";
import { embeddingsCodecOf, wireProtocols } from "../protocols/index.ts";
import { failover } from "./failover.ts";
import { exhaustedError, exhaustedErrorType } from "./exhausted-error.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import { errorResponse } from "./relay-errors.ts";
import { readOrReject } from "./rejections.ts";
import type { RelayDeps, RelayRequest } from "./relay.ts";
import { failOver } from "./attempt-outcome.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";
import { endRequestSpan, linkSpanToLog, startRequestSpan } from "./request-span.ts";

/** Embeddings from any provider whose protocol has them, answered in the client's shape. */
export function createEmbeddingsRelay(deps: RelayDeps) {
  return async function embed(request: RelayRequest): Promise<Response> {
    const { protocol } = request;
    const codec = protocol.embeddings!;
    const rejections = deps.logWriter.rejections;
    const embedding = readOrReject({ ...request, rejections }, "embeddings", () => codec.decodeRequest(request.body, request.context ?? {}));
    if (embedding instanceof Response) return embedding;
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
      rejections,
      model: embedding.model,
      endpoint: "embeddings",
      accepts: (candidate) => embeddingsCodecOf(candidate.wire) !== undefined,
    });
    if (planned instanceof Response) return planned;
    const { trace, route, candidates } = planned;
    const span = startRequestSpan(deps.tracing, { headers: request.headers, protocol: protocol.name, model: embedding.model, stream: false, clientIp: request.clientIp, operation: "embeddings" });
    linkSpanToLog(span, trace);

    const result = await failover({
      candidates,
      balancer: deps.balancer,
      ...attemptBudget(route),
      trace,
      span,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      prepare(candidate, apiKey) {
        const upstream = embeddingsCodecOf(candidate.wire)!;
        const target = upstreamTarget(candidate, apiKey);
        const body = upstream.encodeRequest({ ...embedding, model: candidate.providerModel }, target);
        return { ...upstreamRequest(upstream.endpoint(target), candidate, body), readWholeBody: true };
      },
      async accept(answer, candidate, end) {
        const upstream = embeddingsCodecOf(candidate.wire);
        let response;
        try {
          if (!upstream || answer.kind !== "body") throw new Error("no embeddings");
          response = upstream.decodeResponse(JSON.parse(answer.text) as JsonObject);
        } catch {
          return failOver("upstream returned unreadable embeddings");
        }
        end({ usage: response.usage });
        return Response.json(codec.encodeResponse({ ...response, model: embedding.model }, embedding), {
          headers: { "x-llmio-trace-id": trace.traceId },
        });
      },
      rejectClientFault(failure, candidate) {
        // A client fault always has the upstream's status (a 4xx).
        return errorResponse(protocol, wireProtocols[candidate.wire].decodeError(failure.status ?? 400, failure.body ?? ""), trace.traceId);
      },
    });
    if (result instanceof Response) return endRequestSpan(span, result);
    const exhausted = exhaustedError(result, trace.traceId);
    return endRequestSpan(span, errorResponse(protocol, exhausted, trace.traceId), exhaustedErrorType(result, exhausted));
  };
}
