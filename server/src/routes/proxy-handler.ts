import type { Server } from "bun";
import { GatewayError } from "../core/errors.ts";
import type { JsonObject, WireProtocol } from "../core/wire-protocol.ts";
import type { Relay } from "../relay/relay.ts";
import { extractApiKey, tokensEqual } from "../services/auth.ts";

export interface ProxyContext {
  request: Request;
  server: Server<unknown> | null;
}

/** An error response in the client's protocol shape, outside the relay (auth, body parsing). */
export function protocolErrorResponse(protocol: WireProtocol, error: GatewayError): Response {
  const headers: Record<string, string> = { ...protocol.errorHeaders?.(error) };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return Response.json(protocol.encodeError(error), { status: error.status, headers });
}

/** Accepts the key from any header a client of any protocol uses, compared in constant time. */
export function isAuthorized(request: Request, token: string): boolean {
  const key = extractApiKey(request.headers, request.url);
  return key !== undefined && tokensEqual(key, token);
}

/**
 * The HTTP side of a proxied call: authenticate, parse the JSON body, hand it to the relay.
 * LLM calls can idle far longer than Bun's default connection timeout, so it is lifted here.
 */
export function createProxyHandler(protocol: WireProtocol, relay: Relay, token: string) {
  return async ({ request, server }: ProxyContext): Promise<Response> => {
    server?.timeout(request, 0);
    if (!isAuthorized(request, token)) {
      return protocolErrorResponse(protocol, new GatewayError("authentication", "Invalid or missing API key"));
    }
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch (error) {
      return protocolErrorResponse(
        protocol,
        new GatewayError("bad_request", `The request body is not valid JSON: ${(error as Error).message}`),
      );
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return protocolErrorResponse(protocol, new GatewayError("bad_request", "The request body must be a JSON object"));
    }
    return relay({
      protocol,
      body: body as JsonObject,
      headers: request.headers,
      clientIp: server?.requestIP(request)?.address,
      signal: request.signal,
    });
  };
}
