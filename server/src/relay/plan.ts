import type { Balancer, PlanRequest } from "../routing/balancer.ts";
import { GatewayError } from "../core/errors.ts";
import type { RequestPeek, WireProtocol } from "../core/wire-protocol.ts";
import type { RejectionReason } from "../db/log-reasons.ts";
import type { Endpoint } from "../db/schema.ts";
import type { Catalog, ModelRoute, RouteCandidate } from "../routing/catalog.ts";
import type { TraceLog } from "./attempt-outcome.ts";
import { mayUseModel, type Principal } from "../auth/client-keys.ts";
import { errorResponse } from "./relay-errors.ts";
import type { RejectionSink } from "./rejections.ts";
import { traceOf } from "./trace.ts";

export interface PlanInput {
  protocol: WireProtocol;
  headers: Headers;
  clientIp?: string;
  principal?: Principal;
  /** The trace id the HTTP layer chose for the call (else a new one). */
  traceId?: string;
  /** The model name as requested (may carry a `$provider` pin). */
  model: string;
  endpoint: Endpoint;
  stream?: boolean;
  needs?: RequestPeek["needs"];
  sessionId?: string;
  /** Further narrowing, e.g. only providers with a native count endpoint. */
  accepts?: (candidate: RouteCandidate) => boolean;
  /** The request path, for the log of a refused call. */
  path?: string;
  /** Where refused calls are logged (folded, see db/rejection-log.ts); undefined: the call's own trace id is kept. */
  rejections?: RejectionSink;
}

export interface PlannedRequest {
  trace: TraceLog;
  route: ModelRoute;
  plan: PlanRequest;
  candidates: RouteCandidate[];
}

/**
 * The routing half of every relay: resolve the model (names, aliases, globs), check the
 * caller may use it, and let the balancer order the candidates. Failures come back as the
 * client protocol's error response, and are logged as rejected calls.
 */
export async function planRequest(catalog: Catalog, balancer: Balancer, input: PlanInput): Promise<PlannedRequest | Response> {
  const { model, providerPin } = splitProviderPin(input.model, input.headers);
  const authKeyId = input.principal?.kind === "client" ? input.principal.key.id : undefined;
  const trace = { ...traceOf(input.protocol, input.endpoint, model, input, input.stream), authKeyId };
  const fail = (error: GatewayError, reason: RejectionReason) => {
    const traceId = input.rejections?.record({
      status: error.status,
      reason,
      message: error.message,
      protocol: input.protocol.name,
      endpoint: input.endpoint,
      path: input.path,
      clientIp: trace.clientIp ?? undefined,
      userAgent: trace.userAgent ?? undefined,
      authKeyId,
      model,
      sessionId: trace.sessionId ?? undefined,
      stream: input.stream,
      traceId: trace.traceId,
    });
    return errorResponse(input.protocol, error, traceId ?? trace.traceId);
  };
  const route = await catalog.route(model);
  if (!route) return fail(new GatewayError("not_found", `The model \`${model}\` does not exist`, { param: "model" }), "unknown_model");
  // Allowed by the model's public name or by the name it was requested with (an alias or glob match).
  if (input.principal && !mayUseModel(input.principal, route.model.name) && !mayUseModel(input.principal, model)) {
    return fail(new GatewayError("permission", `This API key may not use model \`${model}\``, { param: "model" }), "model_not_allowed");
  }
  const serving = route.candidates.filter(
    (candidate) => (!candidate.endpoints || candidate.endpoints.includes(input.endpoint)) && (!input.accepts || input.accepts(candidate)),
  );
  const plan: PlanRequest = {
    route: { ...route, candidates: serving },
    needs: input.needs,
    providerPin,
    // Requests of one session stay together: the client's session id, else its client key.
    sessionKey: trace.sessionId ?? (authKeyId === undefined ? undefined : `key:${authKeyId}`),
  };
  const candidates = await balancer.plan(plan);
  if (candidates instanceof GatewayError) return fail(candidates, candidates.kind === "not_found" ? "unknown_provider" : "unsupported_request");
  if (candidates.length === 0) {
    const what = input.endpoint === "chat" ? "" : ` for ${input.endpoint.replace("_", " ")}`;
    return fail(new GatewayError("bad_request", `No enabled provider of model \`${model}\` can serve this request${what}`), "unsupported_request");
  }
  return { trace, route, plan, candidates };
}

/** Attempts and time a model allows one request before output starts. */
export function attemptBudget(route: ModelRoute) {
  const { model } = route;
  return { maxAttempts: model.maxRetry + 1, deadline: Date.now() + model.totalTimeoutMs, firstByteTimeoutMs: model.timeoutMs };
}

/**
 * `model$provider` (LLMIO's per-request pin, by provider id or name) or an `x-llmio-provider`
 * header choose one provider for this request.
 */
export function splitProviderPin(model: string, headers: Headers): { model: string; providerPin?: string } {
  const header = headers.get("x-llmio-provider") ?? undefined;
  const dollar = model.lastIndexOf("$");
  if (dollar > 0) return { model: model.slice(0, dollar), providerPin: model.slice(dollar + 1) || header };
  return { model, providerPin: header };
}
