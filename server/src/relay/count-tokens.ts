import type { JsonObject } from "../core/wire-protocol.ts";
import { wireProtocols } from "../protocols/index.ts";
import { estimateInputTokens } from "./estimate-usage.ts";
import { failover } from "./failover.ts";
import { failOver } from "./attempt-outcome.ts";
import { emptyUsage } from "../core/usage.ts";
import { attemptBudget, planRequest } from "./plan.ts";
import { endRequestSpan, linkSpanToLog, startRequestSpan } from "./request-span.ts";
import { readOrReject } from "./rejections.ts";
import type { RelayDeps, RelayRequest } from "./relay.ts";
import { upstreamRequest, upstreamTarget } from "./upstream-request.ts";
import { traceOf } from "./trace.ts";

/** Native count attempts before falling back to a local count. */
const MAX_NATIVE_ATTEMPTS = 2;

/**
 * `count_tokens` / `countTokens` for any upstream: a native call when a provider of the
 * model speaks a protocol with a count endpoint, otherwise (or when that fails) a local
 * tokenizer count, logged as estimated.
 */
export function createTokenCounter(deps: RelayDeps) {
  return async function countTokens(request: RelayRequest): Promise<Response> {
    const { protocol } = request;
    const codec = protocol.countTokens!;
    const rejections = deps.logWriter.rejections;
    const canonical = readOrReject({ ...request, rejections }, "count_tokens", () => codec.decodeRequest(request.body, request.context ?? {}));
    if (canonical instanceof Response) return canonical;
    const planned = await planRequest(deps.catalog, deps.balancer, {
      ...request,
      // Only a key's refusal is an answer here: other plan failures fall back to a local count.
      rejections: { record: (rejection) => (rejection.status === 403 ? rejections.record(rejection) : undefined) },
      model: canonical.model,
      endpoint: "count_tokens",
      accepts: (candidate) => wireProtocols[candidate.wire].countTokens !== undefined,
    });
    // Unknown model, no native counter, or refused: count locally (errors about the key still apply).
    if (planned instanceof Response && planned.status === 403) return planned;
    const span = startRequestSpan(deps.tracing, { headers: request.headers, protocol: protocol.name, model: canonical.model, stream: false, clientIp: request.clientIp, operation: "count_tokens" });
    const trace = planned instanceof Response ? traceOf(protocol, "count_tokens", canonical.model, request) : planned.trace;
    linkSpanToLog(span, trace);
    const headers = { "x-llmio-trace-id": trace.traceId };

    if (!(planned instanceof Response)) {
      const result = await failover({
        candidates: planned.candidates,
        balancer: deps.balancer,
        ...attemptBudget(planned.route),
        maxAttempts: MAX_NATIVE_ATTEMPTS,
        trace,
        span,
        logWriter: deps.logWriter,
        clientSignal: request.signal,
        prepare(candidate, apiKey) {
          const upstream = wireProtocols[candidate.wire].countTokens!;
          const target = upstreamTarget(candidate, apiKey);
          return { ...upstreamRequest(upstream.endpoint(target), candidate, upstream.encodeRequest(canonical, target), {}, { extraBody: false }), readWholeBody: true };
        },
        async accept(answer, candidate, end) {
          const counter = wireProtocols[candidate.wire].countTokens;
          let inputTokens: number;
          try {
            if (!counter || answer.kind !== "body") throw new Error("no count");
            inputTokens = counter.decodeResponse(JSON.parse(answer.text) as JsonObject);
          } catch {
            return failOver("upstream returned an unreadable count");
          }
          end({ usage: { ...emptyUsage(), inputTokens, totalTokens: inputTokens } });
          return Response.json(codec.encodeResponse(inputTokens), { headers });
        },
        // A count is best-effort: a refused request still gets a local count below.
        rejectClientFault: () => new Response(null, { status: 204 }),
      });
      if (result instanceof Response && result.status !== 204) return endRequestSpan(span, result);
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
    return endRequestSpan(span, Response.json(codec.encodeResponse(inputTokens), { headers }));
  };
}
