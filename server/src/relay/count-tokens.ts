import type { CanonicalRequest } from "../core/canonical.ts";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import { wireProtocols } from "../protocols/index.ts";
import { estimateInputTokens } from "./estimate-usage.ts";
import { failover } from "./failover.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import type { Principal } from "../services/client-keys.ts";
import { errorResponse, type RelayDeps } from "./relay.ts";
import { traceOf } from "./trace.ts";

export interface CountTokensRequest {
  protocol: WireProtocol;
  body: JsonObject;
  context?: RequestContext;
  headers: Headers;
  clientIp?: string;
  signal?: AbortSignal;
  principal?: Principal;
}

/** Native count attempts before falling back to a local count. */
const MAX_NATIVE_ATTEMPTS = 2;

/**
 * `count_tokens` / `countTokens` for any upstream: a native call when a provider of the
 * model speaks a protocol with a count endpoint, otherwise (or when that fails) a local
 * tokenizer count, logged as estimated.
 */
export function createTokenCounter(deps: RelayDeps) {
  return async function countTokens(request: CountTokensRequest): Promise<Response> {
    const { protocol } = request;
    const codec = protocol.countTokens!;
    let canonical: CanonicalRequest;
    try {
      canonical = codec.decodeRequest(request.body, request.context ?? {});
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(protocol, error);
      throw error;
    }
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
      model: canonical.model,
      endpoint: "count_tokens",
      accepts: (candidate) => wireProtocols[candidate.wire].countTokens !== undefined,
    });
    // Unknown model, no native counter, or refused: count locally (errors about the key still apply).
    if (planned instanceof Response && planned.status === 403) return planned;
    const trace = planned instanceof Response ? traceOf(protocol, "count_tokens", canonical.model, request) : planned.trace;
    const headers = { "x-llmio-trace-id": trace.traceId };

    if (!(planned instanceof Response)) {
      const result = await failover({
        candidates: planned.candidates,
        balancer: deps.balancer,
        ...attemptBudget(planned.route),
        maxAttempts: MAX_NATIVE_ATTEMPTS,
        trace,
        logWriter: deps.logWriter,
        clientSignal: request.signal,
        prepare(candidate, apiKey) {
          const upstream = wireProtocols[candidate.wire].countTokens!;
          const target = { baseUrl: candidate.baseUrl, apiKey, model: candidate.providerModel, stream: false };
          const endpoint = upstream.endpoint(target);
          return {
            url: endpoint.url,
            headers: { ...endpoint.defaultHeaders, ...candidate.headers, ...endpoint.headers, "content-type": "application/json" },
            body: JSON.stringify(upstream.encodeRequest(canonical, target)),
            readWholeBody: true,
          };
        },
        async accept(call, candidate, log) {
          let inputTokens: number;
          try {
            inputTokens = wireProtocols[candidate.wire].countTokens!.decodeResponse(JSON.parse(call.text!) as JsonObject);
          } catch {
            return { failed: "upstream returned an unreadable count" };
          }
          log({ status: "success", statusCode: call.response.status, promptTokens: inputTokens, totalTokens: inputTokens });
          return Response.json(codec.encodeResponse(inputTokens), { headers });
        },
        // A count is best-effort: a refused request still gets a local count below.
        rejectClientFault: () => new Response(null, { status: 204 }),
      });
      if (result instanceof Response && result.status !== 204) return result;
    }

    const inputTokens = await estimateInputTokens(canonical);
    deps.logWriter.write({
      ...trace,
      attempt: 0,
      status: "success",
      statusCode: 200,
      promptTokens: inputTokens,
      totalTokens: inputTokens,
      usageEstimated: true,
      createdAt: Date.now(),
    });
    return Response.json(codec.encodeResponse(inputTokens), { headers });
  };
}
