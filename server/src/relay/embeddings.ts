import type { JsonObject } from "../core/wire-protocol.ts";
import { embeddingsCodecOf, wireProtocols } from "../protocols/index.ts";
import { exhaustedError, failover } from "./failover.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import { errorResponse } from "./relay-errors.ts";
import { readOrReject } from "./rejections.ts";
import { usageColumns, type RelayDeps, type RelayRequest } from "./relay.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";

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

    const result = await failover({
      candidates,
      balancer: deps.balancer,
      ...attemptBudget(route),
      trace,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      prepare(candidate, apiKey) {
        const upstream = embeddingsCodecOf(candidate.wire)!;
        const target = upstreamTarget(candidate, apiKey);
        const body = upstream.encodeRequest({ ...embedding, model: candidate.providerModel }, target);
        return { ...upstreamRequest(upstream.endpoint(target), candidate, body), readWholeBody: true };
      },
      async accept(call, candidate, log) {
        let response;
        try {
          response = embeddingsCodecOf(candidate.wire)!.decodeResponse(JSON.parse(call.text!) as JsonObject);
        } catch {
          return { failed: "upstream returned unreadable embeddings" };
        }
        log({ status: "success", statusCode: call.response.status, ...usageColumns(response.usage) });
        return Response.json(codec.encodeResponse({ ...response, model: embedding.model }, embedding), {
          headers: { "x-llmio-trace-id": trace.traceId },
        });
      },
      rejectClientFault(failure, candidate) {
        return errorResponse(protocol, wireProtocols[candidate.wire].decodeError(failure.status!, failure.body ?? ""), trace.traceId);
      },
    });
    if (result instanceof Response) return result;
    return errorResponse(protocol, exhaustedError(result, trace.traceId), trace.traceId);
  };
}
