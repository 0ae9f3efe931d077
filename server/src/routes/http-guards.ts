import { Elysia } from "elysia";
import { logger } from "../lib/logger.ts";
import { countLimitRefusal } from "../observability/prometheus.ts";
import { corsAnswer } from "./cors.ts";
import { hostChecker, type HostPolicy } from "./host-check.ts";
import { LLMIO_UPLOAD_PATH, type HttpLimits } from "./http-limits.ts";
import { errorForPath, isAdminPath, notFoundResponse, protocolOfPath } from "./path-errors.ts";
import { declaredLength, formatBytes } from "./request-body.ts";

const BODYLESS_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * What runs before routing, for every request, as one hook (each hook is a cost on every proxied
 * call): the Host check, CORS, the admin body limit, in that order.
 */
export function requestGuards(policy: HostPolicy, limits: HttpLimits) {
  const hostRefusal = hostGuard(policy);
  const bodyRefusal = adminBodyGuard(limits);
  return new Elysia({ name: "request-guards", seed: { policy, limits } }).onRequest(
    ({ request, set }) => hostRefusal(request) ?? corsAnswer(request, set) ?? bodyRefusal(request),
  );
}

/** Refuses a request whose Host this gateway does not serve (see host-check.ts) with a 421. */
function hostGuard(policy: HostPolicy): (request: Request) => Response | undefined {
  const allowed = hostChecker(policy);
  if (!allowed) return () => undefined;
  // URL origins already found allowed: one string lookup instead of parsing the URL per request.
  const served = new Set<string>();
  return (request) => {
    const pathStart = request.url.indexOf("/", request.url.indexOf("//") + 2);
    const origin = pathStart < 0 ? request.url : request.url.slice(0, pathStart);
    if (served.has(origin)) return;
    const url = new URL(request.url);
    if (allowed(url.hostname)) {
      if (served.size < MAX_REMEMBERED_HOSTS) served.add(origin);
      return;
    }
    const message = `This gateway does not serve the host name "${url.hostname}" (list it in LLMIO_ALLOWED_HOSTS / --allowed-hosts)`;
    return errorForPath(url.pathname, "bad_request", message, 421);
  };
}

const MAX_REMEMBERED_HOSTS = 64;

/**
 * Bodies of everything but the proxy routes (the admin API, parsed whole by Elysia before its
 * authentication runs) stay under the admin limit: one declared larger is refused at once,
 * and one sent without a length (chunked) is refused with 411, since it could not be bounded
 * before being read. The proxy routes count their own bodies (proxy-handler.ts).
 */
function adminBodyGuard(limits: HttpLimits): (request: Request) => Response | undefined {
  return (request) => {
    if (BODYLESS_METHODS.has(request.method)) return;
    const declared = declaredLength(request.headers);
    const chunked = declared === undefined && request.headers.has("transfer-encoding");
    if (!chunked && (declared === undefined || declared <= limits.maxAdminBodyBytes)) return;
    const path = new URL(request.url).pathname;
    // The LLMIO database upload streams to disk under its own cap, after the admin token is checked.
    if (protocolOfPath(path) || path === LLMIO_UPLOAD_PATH) return;
    countLimitRefusal("request_body");
    if (chunked) return errorForPath(path, "bad_request", "Send this request with a Content-Length (chunked bodies are accepted only by the proxy routes)", 411);
    return errorForPath(path, "bad_request", `The request body is larger than the ${formatBytes(limits.maxAdminBodyBytes)} limit of this route`, 413);
  };
}

/**
 * Errors no route answered itself, as JSON in the shape the path's clients read, not Elysia's plain
 * text: a path no route serves is a 404; an unexpected exception (the database gone, a bug) a 500
 * that is logged with its stack and says only that the gateway failed.
 */
export const errorsAsJson = new Elysia({ name: "errors-as-json" }).onError({ as: "global" }, ({ code, error, request }) => {
  const path = new URL(request.url).pathname;
  if (code === "NOT_FOUND") return notFoundResponse(request.method, path);
  // The admin API maps its own errors (409 for a duplicate name …).
  if ((code !== "UNKNOWN" && code !== "INTERNAL_SERVER_ERROR") || isAdminPath(path)) return;
  logger.error("request failed", { method: request.method, path, error: (error as Error)?.stack ?? String(error) });
  return errorForPath(path, "internal", "The gateway failed to handle this request; see its log");
});
