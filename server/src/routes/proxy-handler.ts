import type { Server } from "bun";
import type { AuthServices } from "../app-deps.ts";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import type { RejectionReason } from "../db/log-reasons.ts";
import type { Rejection, RejectionLog } from "../db/rejection-log.ts";
import type { Endpoint } from "../db/schema.ts";
import { errorResponse } from "../relay/relay-errors.ts";
import { rejectCall } from "../relay/rejections.ts";
import { extractApiKey } from "../auth/auth.ts";
import type { Principal } from "../auth/client-keys.ts";
import { lockoutMessage } from "../auth/lockout-message.ts";
import { clientAddressOf, type TrustedProxies } from "../lib/trusted-proxies.ts";
import { runAdmittedCall } from "./admitted-call.ts";
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from "./http-limits.ts";
import { readBodyText, RequestBodyTooLarge } from "./request-body.ts";

export interface ProxyContext {
  request: Request;
  server: Server<unknown> | null;
  params?: Record<string, string>;
  /** Decorated by createApp; the defaults without it. */
  httpLimits?: HttpLimits;
  /** Where refused calls are logged (decorated by createApp); not logged without it. */
  rejections?: RejectionLog;
  /** Peers allowed to name the client in X-Forwarded-For (decorated by createApp); nobody without it. */
  trustedProxies?: TrustedProxies;
}

/**
 * The handler Elysia calls for a proxy route. It names the context fields it reads: Elysia decides
 * what to prepare per request from the handler's source, and a handler that hands its whole
 * context on makes it parse the cookies, the query and a headers object on every call.
 */
export function proxyRoute(handle: (proxyContext: ProxyContext) => Promise<Response>) {
  return ({ request, server, params, httpLimits, rejections, trustedProxies }: ProxyContext) =>
    handle({ request, server, params, httpLimits, rejections, trustedProxies });
}

/** A proxied call after authentication and body parsing, ready for a relay. */
export interface ProxiedCall {
  protocol: WireProtocol;
  body: JsonObject;
  context: RequestContext;
  headers: Headers;
  clientIp?: string;
  signal: AbortSignal;
  /** Who is calling: the admin TOKEN or a client key (whose allowed models the relay checks). */
  principal: Principal;
  /** The trace id the relay must use: set when the call holds a quota reservation, which follows its log rows by it. */
  traceId?: string;
  /** The request path, for the log of a refused call. */
  path: string;
}

/**
 * The caller's address: the socket's, or what a trusted proxy says in `X-Forwarded-For` /
 * `X-Real-IP` (from anyone else those headers are ignored: they could be sent to dodge the
 * lockout); undefined when there is no socket (`app.handle` in tests).
 */
export function clientIpOf({ request, server, trustedProxies }: ProxyContext): string | undefined {
  // Asked several times per call (lockout, log, refusal); Bun's requestIP is not free.
  if (clientIps.has(request)) return clientIps.get(request);
  const address = clientAddressOf(request, server, trustedProxies);
  clientIps.set(request, address);
  return address;
}
const clientIps = new WeakMap<Request, string | undefined>();

/**
 * Authenticates a proxied request by the key in any header a client of any protocol uses.
 * A locked-out IP gets a 429 with `Retry-After`; no key or an unknown key a 401 (an unknown key
 * counts as a failed attempt of the IP); a disabled or expired client key a 401 saying so.
 * Quotas are left to the caller: listing models costs nothing, so it is allowed without quota.
 */
export async function authenticateRequest(protocol: WireProtocol, proxyContext: ProxyContext, auth: AuthServices, now = Date.now()): Promise<Principal | Response> {
  const { request } = proxyContext;
  const clientIp = clientIpOf(proxyContext);
  const retryAfterSeconds = clientIp === undefined ? undefined : auth.lockout.retryAfterSeconds(clientIp, now);
  if (retryAfterSeconds !== undefined) {
    const error = new GatewayError("rate_limit", lockoutMessage(auth.lockout, retryAfterSeconds, now), { retryAfterSeconds });
    return refuse(protocol, proxyContext, error, "ip_locked_out");
  }
  const key = extractApiKey(request.headers, request.url);
  if (key === undefined) {
    const error = new GatewayError("authentication", "Missing API key (send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=)");
    return refuse(protocol, proxyContext, error, "missing_key");
  }
  const result = await auth.clientKeys.authenticate(key, now);
  if (result === undefined) {
    if (clientIp !== undefined) auth.lockout.recordFailure(clientIp, now, key);
    return refuse(protocol, proxyContext, new GatewayError("authentication", "Invalid API key"), "unknown_key", { presentedKey: key });
  }
  if ("rejected" in result) {
    const details = { authKeyId: result.key.id };
    if (result.rejected === "disabled") return refuse(protocol, proxyContext, new GatewayError("authentication", "This API key is disabled"), "key_disabled", details);
    const message = `This API key expired at ${new Date(result.key.expiresAt ?? 0).toISOString()}`;
    return refuse(protocol, proxyContext, new GatewayError("authentication", message), "key_expired", details);
  }
  if (clientIp !== undefined) auth.lockout.recordSuccess(clientIp, now, key);
  return result;
}

/** A 403 in the client's protocol shape for a model the caller's key may not use (logged as a rejected call). */
export function forbiddenModel(protocol: WireProtocol, model: string, proxyContext?: ProxyContext, principal?: Principal): Response {
  const error = new GatewayError("permission", `This API key may not use model \`${model}\``);
  if (!proxyContext) return errorResponse(protocol, error);
  return refuse(protocol, proxyContext, error, "model_not_allowed", { model, authKeyId: principal?.kind === "client" ? principal.key.id : undefined });
}

/**
 * Logs a refused call (folded with identical ones of the minute, see db/rejection-log.ts) and
 * answers it in the client's protocol shape, with the log row's trace id in `x-llmio-trace-id`.
 */
export function refuse(protocol: WireProtocol, proxyContext: ProxyContext, error: GatewayError, reason: RejectionReason, details: Partial<Rejection> = {}): Response {
  const { request } = proxyContext;
  const path = pathOf(request.url);
  const call = { protocol, headers: request.headers, clientIp: clientIpOf(proxyContext), path, rejections: proxyContext.rejections };
  return rejectCall(call, endpointOf(path), error, reason, details);
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const end = url.indexOf("?", start);
  return start < 0 ? "/" : url.slice(start, end < 0 ? undefined : end);
}

/** Which API a path is, for the log (before the body says more). */
function endpointOf(path: string): Endpoint {
  if (/embed/i.test(path)) return "embeddings";
  if (/count_?tokens/i.test(path)) return "count_tokens";
  return "chat";
}

/**
 * The HTTP side of a proxied call: authenticate, check the key's quotas, read (within the body
 * limit) and parse the JSON body, hand it on. Only then is Bun's connection timeout lifted, for
 * the call: until the caller is admitted it bounds how long a connection may be held.
 */
export function createProxyHandler(
  protocol: WireProtocol,
  auth: AuthServices,
  handle: (call: ProxiedCall, params: Record<string, string>) => Promise<Response>,
  contextOf: (request: Request, params: Record<string, string>) => RequestContext = () => ({}),
  /** `free`: the call costs no quota (token counting): it reserves none. */
  options: { free?: (params: Record<string, string>) => boolean } = {},
) {
  return proxyRoute(async (proxyContext: ProxyContext): Promise<Response> => {
    const { request, server, params } = proxyContext;
    const limits = proxyContext.httpLimits ?? DEFAULT_HTTP_LIMITS;
    const principal = await authenticateRequest(protocol, proxyContext, auth);
    if (principal instanceof Response) return principal;
    const known = { authKeyId: principal.kind === "client" ? principal.key.id : undefined };
    // A used-up lifetime quota is refused before the body is read: like OpenAI's `insufficient_quota`,
    // a 429 that waiting will not cure (no Retry-After). The exact check is the reservation below.
    const quotaProblem = auth.clientKeys.checkQuota(principal);
    if (quotaProblem !== undefined) return refuse(protocol, proxyContext, new GatewayError("rate_limit", quotaProblem, { exhausted: true }), "quota_used_up", known);
    let body: unknown;
    try {
      body = JSON.parse(await readBodyText(request, limits.maxRequestBodyBytes));
    } catch (error) {
      if (error instanceof RequestBodyTooLarge) return refuse(protocol, proxyContext, error.toGatewayError(), "body_too_large", known);
      const malformed = new GatewayError("bad_request", `The request body is not valid JSON: ${(error as Error).message}`);
      return refuse(protocol, proxyContext, malformed, "malformed_request", known);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return refuse(protocol, proxyContext, new GatewayError("bad_request", "The request body must be a JSON object"), "malformed_request", known);
    }
    let context: RequestContext;
    try {
      context = contextOf(request, params ?? {});
    } catch (error) {
      if (error instanceof GatewayError) return refuse(protocol, proxyContext, error, "malformed_request", known);
      throw error;
    }
    const call: ProxiedCall = {
      protocol,
      body: body as JsonObject,
      context,
      headers: request.headers,
      clientIp: clientIpOf(proxyContext),
      signal: request.signal,
      principal,
      path: pathOf(request.url),
    };
    const free = options.free?.(params ?? {}) === true;
    const ticket = free ? undefined : await auth.clientKeys.reserve(principal, call);
    if (ticket instanceof GatewayError) {
      const model = modelOf(protocol, call);
      return refuse(protocol, proxyContext, ticket, ticket.exhausted ? "quota_used_up" : "quota_held", { ...known, model });
    }
    const admitted = ticket ? { ...call, traceId: ticket.traceId } : call;
    const holding = { server, request, idleTimeoutSeconds: limits.idleTimeoutSeconds, streams: answersWithStream(protocol, call), ticket };
    return runAdmittedCall(holding, () => handle(admitted, params ?? {}));
  });
}

/** The model a call names, for the log of a refused call (undefined when the body does not say). */
function modelOf(protocol: WireProtocol, call: ProxiedCall): string | undefined {
  try {
    return protocol.peek(call.body, call.context).model;
  } catch {
    return undefined;
  }
}

/** Whether the answer is a stream, as the relay will decide it; a body it cannot read is treated as one (held to its end). */
function answersWithStream(protocol: WireProtocol, call: ProxiedCall): boolean {
  try {
    return protocol.peek(call.body, call.context).stream;
  } catch {
    return true;
  }
}
