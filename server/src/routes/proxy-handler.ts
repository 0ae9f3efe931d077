import type { Server } from "bun";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import { errorResponse } from "../relay/relay.ts";
import { extractApiKey, tokensEqual } from "../services/auth.ts";

export interface ProxyContext {
  request: Request;
  server: Server<unknown> | null;
  params?: Record<string, string>;
}

/** A proxied call after authentication and body parsing, ready for a relay. */
export interface ProxiedCall {
  protocol: WireProtocol;
  body: JsonObject;
  context: RequestContext;
  headers: Headers;
  clientIp?: string;
  signal: AbortSignal;
}

/** Accepts the key from any header a client of any protocol uses, compared in constant time. */
export function isAuthorized(request: Request, token: string): boolean {
  const key = extractApiKey(request.headers, request.url);
  return key !== undefined && tokensEqual(key, token);
}

export function unauthorized(protocol: WireProtocol): Response {
  return errorResponse(protocol, new GatewayError("authentication", "Invalid or missing API key"));
}

/**
 * The HTTP side of a proxied call: authenticate, parse the JSON body, hand it on.
 * LLM calls can idle far longer than Bun's default connection timeout, so it is lifted here.
 */
export function createProxyHandler(
  protocol: WireProtocol,
  token: string,
  handle: (call: ProxiedCall, params: Record<string, string>) => Promise<Response>,
  contextOf: (request: Request, params: Record<string, string>) => RequestContext = () => ({}),
) {
  return async ({ request, server, params }: ProxyContext): Promise<Response> => {
    server?.timeout(request, 0);
    if (!isAuthorized(request, token)) return unauthorized(protocol);
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch (error) {
      return errorResponse(protocol, new GatewayError("bad_request", `The request body is not valid JSON: ${(error as Error).message}`));
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return errorResponse(protocol, new GatewayError("bad_request", "The request body must be a JSON object"));
    }
    let context: RequestContext;
    try {
      context = contextOf(request, params ?? {});
    } catch (error) {
      if (error instanceof GatewayError) return errorResponse(protocol, error);
      throw error;
    }
    const call: ProxiedCall = {
      protocol,
      body: body as JsonObject,
      context,
      headers: request.headers,
      clientIp: server?.requestIP(request)?.address,
      signal: request.signal,
    };
    return handle(call, params ?? {});
  };
}
