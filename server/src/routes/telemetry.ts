import { Elysia } from "elysia";
import type { AuthServices } from "../app-deps.ts";
import { GatewayError } from "../core/errors.ts";
import { wireProtocols } from "../protocols/index.ts";
import { errorResponse } from "../relay/relay-errors.ts";
import { DEFAULT_HTTP_LIMITS } from "./http-limits.ts";
import { authenticateRequest, proxyRoute, type ProxyContext } from "./proxy-handler.ts";
import { readBodyText, RequestBodyTooLarge } from "./request-body.ts";

/** Where Claude Code posts its first-party telemetry: its base URL plus this path. */
export const TELEMETRY_PATHS = ["/anthropic/api/event_logging/batch", "/api/event_logging/batch"] as const;

/** What the stub answers for a batch it read, as LLMIO's does: every event accepted, none kept. */
export interface TelemetryReceipt {
  accepted_count: number;
  rejected_count: 0;
}

/**
 * Reads a telemetry batch `{ events: [{ event_type, event_data }] }` the way LLMIO's stub does:
 * `events` may be absent or null (nothing accepted); anything else that is not a list of objects
 * is a bad request.
 */
export function readTelemetryBatch(text: string): TelemetryReceipt | GatewayError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return new GatewayError("bad_request", `Invalid request: ${(error as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return new GatewayError("bad_request", "Invalid request: the body must be a JSON object");
  const events = (body as { events?: unknown }).events;
  if (events === undefined || events === null) return { accepted_count: 0, rejected_count: 0 };
  if (!Array.isArray(events)) return new GatewayError("bad_request", "Invalid request: `events` must be a list");
  if (events.some((event) => typeof event !== "object" || event === null || Array.isArray(event))) {
    return new GatewayError("bad_request", "Invalid request: every item of `events` must be an object");
  }
  return { accepted_count: events.length, rejected_count: 0 };
}

/**
 * Claude Code's telemetry endpoint, answered locally so a client without
 * CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC sees no 404s. Like LLMIO's stub it needs a client key
 * (or the admin TOKEN) in any proxy header, never the admin API's Bearer token only, and throws the
 * events away. `/api/event_logging/batch` sits under the admin prefix but is registered before the
 * admin routes, outside their guard: a Claude Code client is not an admin and must not be counted
 * as a failed admin login. An unknown key counts against the IP as on every proxy route.
 */
export function telemetryRoutes(auth: AuthServices) {
  const anthropic = wireProtocols.anthropic;
  const handle = proxyRoute(async (proxyContext: ProxyContext): Promise<Response> => {
    const principal = await authenticateRequest(anthropic, proxyContext, auth);
    if (principal instanceof Response) return principal;
    const limit = (proxyContext.httpLimits ?? DEFAULT_HTTP_LIMITS).maxAdminBodyBytes;
    let text: string;
    try {
      text = await readBodyText(proxyContext.request, limit);
    } catch (error) {
      if (error instanceof RequestBodyTooLarge) return errorResponse(anthropic, error.toGatewayError());
      throw error;
    }
    const receipt = readTelemetryBatch(text);
    if (receipt instanceof GatewayError) return errorResponse(anthropic, receipt);
    return Response.json(receipt);
  });
  const app = new Elysia({ name: "telemetry" });
  for (const path of TELEMETRY_PATHS) {
    app.post(path, handle, { parse: "none", detail: { summary: "Claude Code telemetry (accepted and dropped)", tags: ["proxy: Anthropic"] } });
  }
  return app;
}
