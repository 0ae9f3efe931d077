import type { Balancer, PlanRequest } from "../balancer/balancer.ts";
import { GatewayError } from "../core/errors.ts";
import type { RequestPeek, WireProtocol } from "../core/wire-protocol.ts";
import type { Endpoint } from "../db/schema.ts";
import type { Catalog, ModelRoute, RouteCandidate } from "../services/catalog.ts";
import type { TraceLog } from "./failover.ts";
import { mayUseModel, type Principal } from "../services/client-keys.ts";
import { errorResponse } from "./relay-errors.ts";
import { traceOf } from "./trace.ts";

/** Session headers of Claude Code (`X-Claude-Code-Session-Id`) and Codex (`session-id`). */
const SESSION_HEADERS = ["x-claude-code-session-id", "session-id", "x-session-id"];

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
 * client protocol's error response.
 */
export async function planRequest(catalog: Catalog, balancer: Balancer, input: PlanInput): Promise<PlannedRequest | Response> {
  const { model, providerPin } = splitProviderPin(input.model, input.headers);
  const trace = traceOf(input.protocol, input.endpoint, model, input, input.stream);
  const fail = (error: GatewayError) => errorResponse(input.protocol, error, trace.traceId);
  const route = await catalog.route(model);
  if (!route) return fail(new GatewayError("not_found", `The model \`${model}\` does not exist`, { param: "model" }));
  // Allowed by the model's public name or by the name it was requested with (an alias or glob match).
  if (input.principal && !mayUseModel(input.principal, route.model.name) && !mayUseModel(input.principal, model)) {
    return fail(new GatewayError("permission", `This API key may not use model \`${model}\``, { param: "model" }));
  }
  const serving = route.candidates.filter(
    (candidate) => (!candidate.endpoints || candidate.endpoints.includes(input.endpoint)) && (!input.accepts || input.accepts(candidate)),
  );
  const plan: PlanRequest = {
    route: { ...route, candidates: serving },
    needs: input.needs,
    providerPin,
    sessionKey: sessionKeyOf(input),
  };
  const candidates = await balancer.plan(plan);
  if (candidates instanceof GatewayError) return fail(candidates);
  if (candidates.length === 0) {
    const what = input.endpoint === "chat" ? "" : ` for ${input.endpoint.replace("_", " ")}`;
    return fail(new GatewayError("bad_request", `No enabled provider of model \`${model}\` can serve this request${what}`));
  }
  return { trace: { ...trace, authKeyId: input.principal?.kind === "client" ? input.principal.key.id : undefined }, route, plan, candidates };
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

/** Requests of one session stay together: the client's session id, else its client key. */
function sessionKeyOf(input: PlanInput): string | undefined {
  for (const name of SESSION_HEADERS) {
    const value = input.headers.get(name);
    if (value) return value;
  }
  if (input.sessionId) return input.sessionId;
  return input.principal?.kind === "client" ? `key:${input.principal.key.id}` : undefined;
}
