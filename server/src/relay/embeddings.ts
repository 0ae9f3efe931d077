import type { EmbeddingRequest } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import { embeddingsCodecOf, wireProtocols } from "../protocols/index.ts";
import { exhaustedError, failover } from "./failover.ts";
import { errorResponse, orderCandidates, usageColumns, type RelayDeps } from "./relay.ts";
import { traceOf } from "./trace.ts";

export interface EmbeddingsRelayRequest {
  protocol: WireProtocol;
  body: JsonObject;
  context?: RequestContext;
  headers: Headers;
  clientIp?: string;
  signal?: AbortSignal;
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
    const trace = traceOf(protocol, "embeddings", embedding.model, request);
    const route = deps.catalog.route(embedding.model);
    if (!route) {
      return errorResponse(protocol, new GatewayError("not_found", `The model \`${embedding.model}\` does not exist`, { param: "model" }), trace.traceId);
    }
    const candidates = orderCandidates(route.candidates, "embeddings").filter((candidate) => embeddingsCodecOf(candidate.wire));
    if (candidates.length === 0) {
      return errorResponse(protocol, new GatewayError("bad_request", `No provider of model \`${embedding.model}\` serves embeddings`), trace.traceId);
    }

    const result = await failover({
      candidates,
      maxAttempts: route.model.maxRetry + 1,
      trace,
      logWriter: deps.logWriter,
      clientSignal: request.signal,
      prepare(candidate) {
        const upstream = embeddingsCodecOf(candidate.wire)!;
        const target = { baseUrl: candidate.baseUrl, apiKey: deps.keys.next(candidate.providerId, candidate.apiKeys), model: candidate.providerModel, stream: false };
        const endpoint = upstream.endpoint(target);
        return {
          url: endpoint.url,
          headers: { ...endpoint.defaultHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
          body: JSON.stringify(upstream.encodeRequest({ ...embedding, model: candidate.providerModel }, target)),
          firstByteTimeoutMs: route.model.timeoutMs,
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
