import { WIRE_NAMES, type WireName } from "@llmio/contract";
import type { CanonicalRequest, CanonicalResponse } from "../core/canonical.ts";
import type { Usage } from "../core/usage.ts";

/**
 * OpenTelemetry tracing, as the relay sees it: one SERVER span per client request and one
 * CLIENT span per upstream attempt, named and attributed by the GenAI semantic conventions
 * (otel-tracing.ts). Off unless an OTLP endpoint is configured; then this file's no-op singletons
 * are all that runs: no SDK is loaded and no object is made per request.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** The span of one client request, continuing the client's `traceparent` when it sends one. */
  request(start: RequestSpanStart): RequestSpan;
  /** Exports what is queued now (tests; errors are swallowed: a dead collector changes nothing). */
  flush(): Promise<void>;
  /** Exports what is queued and stops. */
  shutdown(): Promise<void>;
}

export interface RequestSpanStart {
  headers: Headers;
  /** The client's wire protocol and the model it asked for. */
  protocol: WireName;
  model: string;
  stream: boolean;
  clientIp?: string;
  /** Chat by default (`generate_content` for Gemini); embeddings and token counts say so (`count_tokens` is llmio's own name). */
  operation?: "embeddings" | "count_tokens";
}

/** What the log row knows of the request, added to its span once routing has decided. */
export interface RequestFacts {
  traceId: string;
  sessionId?: string | null;
  authKeyId?: number | null;
  cacheStatus?: "hit" | "miss" | "bypass" | null;
}

/** Where an attempt goes (a route candidate). */
export interface AttemptTarget {
  wire: WireName;
  providerModel: string;
  providerName: string;
  providerId: number;
  associationId: number;
  baseUrl: string;
}

/** How an attempt ended (the attempt record). */
export interface AttemptEnd {
  status: "success" | "error";
  statusCode?: number | null;
  failure?: string | null;
  error?: string | null;
  usage?: Usage;
  timings: { firstByteMs?: number };
  /** What the decoded answer says: the model that answered and its finish reason (the upstream's word). */
  response?: { model?: string; finishReason?: string };
}

export interface RequestSpan {
  /** Whether this span is sampled and exported (extra work for attributes only then). */
  readonly recording: boolean;
  /** Its OpenTelemetry trace id while recording (the log row keeps it, for a link to the tracing UI). */
  readonly traceId: string | undefined;
  describe(facts: RequestFacts): void;
  /** A CLIENT span for one upstream attempt; its end also becomes the request's outcome. */
  attempt(target: AttemptTarget, attempt: number): AttemptSpan;
  /** Prompt and completion on the span (the GenAI content attributes); only called while body capture is on for the request. */
  content(request: CanonicalRequest, response: CanonicalResponse | undefined): void;
  /** The request failed without an attempt to blame (refused, exhausted, the gateway's own error). */
  fail(status: number, errorType: string): void;
  /** Ends the span (idempotent). */
  end(): void;
}

export interface AttemptSpan {
  /** Puts the attempt span's `traceparent` (and `tracestate`) on the upstream request's headers. */
  inject(headers: Record<string, string>): void;
  end(outcome: AttemptEnd): void;
}

export const NOOP_ATTEMPT_SPAN: AttemptSpan = Object.freeze({ inject() {}, end() {} });

export const NOOP_REQUEST_SPAN: RequestSpan = Object.freeze({
  recording: false,
  traceId: undefined,
  describe() {},
  attempt: () => NOOP_ATTEMPT_SPAN,
  content() {},
  fail() {},
  end() {},
});

export const NOOP_TRACING: Tracing = Object.freeze({ enabled: false, request: () => NOOP_REQUEST_SPAN, flush: async () => {}, shutdown: async () => {} });

/**
 * A call refused before routing (bad key, lockout, quota, malformed body …, see db/rejection-log.ts)
 * as a SERVER span of its own, started and ended at once, with the refusal as `error.type`.
 */
export function traceRejection(tracing: Tracing, rejection: { status: number; reason: string; protocol: string; model?: string; clientIp?: string; userAgent?: string; stream?: boolean }): void {
  if (!tracing.enabled) return;
  const protocol = (WIRE_NAMES as readonly string[]).includes(rejection.protocol) ? (rejection.protocol as WireName) : "openai-chat";
  const headers = new Headers(rejection.userAgent ? { "user-agent": rejection.userAgent } : {});
  const span = tracing.request({ headers, protocol, model: rejection.model ?? "", stream: rejection.stream ?? false, clientIp: rejection.clientIp });
  span.fail(rejection.status, rejection.reason);
  span.end();
}

/** The standard OpenTelemetry environment that turns tracing on (an OTLP endpoint) or keeps it off. */
export function tracingConfigured(env: Record<string, string | undefined>): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER?.toLowerCase() === "none") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Tracing from the standard environment: the no-op one unless an endpoint is set; the SDK is loaded only then. */
export async function createTracing(env: Record<string, string | undefined> = process.env, options: { onDropped?: (spans: number) => void } = {}): Promise<Tracing> {
  if (!tracingConfigured(env)) return NOOP_TRACING;
  const { OtelTracing } = await import("./otel-tracing.ts");
  return new OtelTracing(env, options);
}
