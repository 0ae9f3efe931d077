import { anthropicRoutes } from "./anthropic.ts";
import { geminiRoutes } from "./gemini.ts";
import { geminiModelsRoutes } from "./gemini-models.ts";
import { openaiChatRoutes } from "./openai-chat.ts";
import { openaiEmbeddingsRoutes } from "./openai-embeddings.ts";
import { openaiErrorResponse } from "./openai-errors.ts";
import { openaiModelsRoutes } from "./openai-models.ts";
import { openaiResponsesRoutes } from "./openai-responses.ts";
import { type RedirectTarget, startRedirectTarget } from "./redirect-target.ts";
import type { FakeRequestContext, FakeRoute } from "./route.ts";
import { RpmLimiter } from "./rpm-limit.ts";

/** Every protocol the fake speaks; a new protocol only adds its route list here. */
const ROUTES: readonly FakeRoute[] = [...openaiChatRoutes, ...openaiEmbeddingsRoutes, ...openaiModelsRoutes, ...openaiResponsesRoutes, ...anthropicRoutes, ...geminiRoutes, ...geminiModelsRoutes];

export interface FakeUpstreamOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  /** The decoded JSON body; undefined for GET requests and bodies that are not valid JSON. */
  body: unknown;
}

export interface FakeUpstream {
  /** Origin without a trailing slash, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly port: number;
  /** Requests received so far (all paths, including rejected ones). */
  readonly requests: number;
  /** The most requests handled at once (until each handler had its response) since the last reset. */
  readonly peakConcurrency: number;
  resetPeakConcurrency(): void;
  /** The most recently received request. */
  readonly lastRequest: RecordedRequest | undefined;
  /**
   * The second listener `redirect=STATUS` sends clients to (another port: another origin),
   * with everything it received; started on first use, stopped with the fake.
   */
  redirectTarget(): RedirectTarget;
  /** Stops listening and drops open connections (hung requests included). */
  stop(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

/** Starts a fake LLM provider; see faults.ts for fault injection and text.ts for the answers. */
export function startFakeUpstream(options: FakeUpstreamOptions = {}): FakeUpstream {
  const hostname = options.hostname ?? "127.0.0.1";
  let requests = 0;
  let inFlight = 0;
  let peakConcurrency = 0;
  // Headers stay a Headers object until a test reads them: no per-request copy.
  let last: { path: string; headers: Headers; body: unknown } | undefined;
  let redirectTarget: RedirectTarget | undefined;
  const otherOrigin = () => (redirectTarget ??= startRedirectTarget(hostname));
  const rpmLimiter = new RpmLimiter();

  const begin = (request: Request, path: string): FakeRequestContext => {
    const entry = { path, headers: request.headers, body: undefined as unknown };
    last = entry;
    return {
      seq: ++requests,
      path,
      recordBody(body) {
        entry.body = body;
      },
      redirectOrigin: () => otherOrigin().url,
      rpmLimiter,
    };
  };

  // Bun's native router matches paths and methods; a method mismatch falls through to fetch.
  const routes: Record<string, Partial<Record<FakeRoute["method"], Handler>>> = {};
  for (const route of ROUTES) {
    for (const path of route.paths) {
      (routes[path] ??= {})[route.method] = async (request) => {
        // Counted until the handler has its response (for non-stream answers: the whole answer).
        inFlight++;
        peakConcurrency = Math.max(peakConcurrency, inFlight);
        try {
          return await route.handle(request, begin(request, path));
        } finally {
          inFlight--;
        }
      };
    }
  }

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname,
    development: false,
    // Hangs and slow streams are the point of this server: never time idle connections out.
    idleTimeout: 0,
    routes,
    // Like OpenAI ("Invalid URL (POST /chat/completions)"), paths without the version prefix are
    // unknown: a base URL missing its /v1 must fail here as it fails against the real vendor.
    fetch(request) {
      const path = pathOf(request.url);
      begin(request, path);
      return openaiErrorResponse(404, `Unknown fake upstream route: ${request.method} ${path}`, { code: "unknown_url" });
    },
    error(error) {
      return openaiErrorResponse(500, `Fake upstream crashed: ${error.message}`);
    },
  });

  const port = server.port ?? 0;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    get requests() {
      return requests;
    },
    get peakConcurrency() {
      return peakConcurrency;
    },
    resetPeakConcurrency() {
      peakConcurrency = inFlight;
    },
    get lastRequest() {
      if (last === undefined) return undefined;
      return { path: last.path, headers: Object.fromEntries(last.headers), body: last.body };
    },
    redirectTarget: otherOrigin,
    stop() {
      // Forceful, so hung requests do not keep the server (and a test run) alive.
      stopped ??= Promise.all([server.stop(true), redirectTarget?.stop()]).then(() => {});
      return stopped;
    },
  };
}

// Avoids `new URL()` per request: Bun hands us an absolute URL, the path starts after the host.
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}
