import type { EmbeddingRequest } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import { embeddingsCodecOf, wireProtocols } from "../protocols/index.ts";
import { exhaustedError, failover } from "./failover.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import type { Principal } from "../services/client-keys.ts";
import { errorResponse, usageColumns, type RelayDeps } from "./relay.ts";

export interface EmbeddingsRelayRequest {
  protocol: WireProtocol;
  body: JsonObject;
  context?: RequestContext;
  headers: Headers;
  clientIp?: string;
  signal?: AbortSignal;
  principal?: Principal;
}

/** Embeddings from any provider whose protocol has them, answered in the client's shape. */
export function createEmbeddingsRelay(deps: RelayDeps) {
  return async function embed(request: EmbeddingsRelayRequest): Promise<Response> {
    const { protocol } = request;
    const codec = protocol.embeddings!;
    let embedding: EmbeddingRequest;
    try {
      embedding = codec.decodeRequest(request.body, request.context ?? {});
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(protocol, error);
      throw error;
    }
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
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
        const target = { baseUrl: candidate.baseUrl, apiKey, model: candidate.providerModel, stream: false };
        const endpoint = upstream.endpoint(target);
        return {
          url: endpoint.url,
          headers: { ...endpoint.defaultHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
          body: JSON.stringify(upstream.encodeRequest({ ...embedding, model: candidate.providerModel }, target)),
          readWholeBody: true,
        };
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
