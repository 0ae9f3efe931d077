/**
 * The OpenTelemetry SDK behind `Tracing` (tracing.ts loads this file only when an OTLP endpoint
 * is configured). Spans follow the GenAI semantic conventions (open-telemetry/semantic-conventions-genai,
 * client inference spans): `{operation} {model}`, `gen_ai.*` attributes, `error.type`. Export is
 * OTLP/HTTP protobuf from the standard environment, in batches from a bounded queue: a slow or dead
 * collector drops spans (counted in /metrics), never delays a request.
 */
import { createNoopMeter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Meter, type MeterProvider, type Span, type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from "@opentelemetry/sdk-trace";
import type { WireName } from "@llmio/contract";
import type { CanonicalRequest, CanonicalResponse } from "../core/canonical.ts";
import type { Usage } from "../core/usage.ts";
import { genAiContent } from "./genai-content.ts";
import { logger } from "../lib/logger.ts";
import { VERSION } from "../version.ts";
import type { AttemptEnd, AttemptSpan, AttemptTarget, RequestFacts, RequestSpan, RequestSpanStart, Tracing } from "./tracing.ts";

/** Longest prompt or completion attribute (characters). */
const MAX_CONTENT_CHARS = 65_536;

/** `gen_ai.operation.name` of a wire's chat call. */
const OPERATION: Record<WireName, string> = { "openai-chat": "chat", "openai-responses": "chat", anthropic: "chat", gemini: "generate_content" };
/** `gen_ai.provider.name` of a wire (the conventions' well-known values). */
const PROVIDER: Record<WireName, string> = { "openai-chat": "openai", "openai-responses": "openai", anthropic: "anthropic", gemini: "gcp.gemini" };

const headerGetter = {
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
  keys: (headers: Headers) => [...headers.keys()],
};

export class OtelTracing implements Tracing {
  readonly enabled = true;
  private readonly provider: TracerProvider;
  private readonly tracer: Tracer;
  private readonly propagator = new W3CTraceContextPropagator();

  constructor(env: Record<string, string | undefined>, options: { onDropped?: (spans: number) => void }) {
    const resource = resourceFromAttributes({ "service.version": VERSION })
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || "llmio" }));
    const batch = (name: string, fallback: number) => positiveInteger(env[`OTEL_BSP_${name}`]) ?? fallback;
    const processor = new BatchSpanProcessor({
      exporter: exporterFor(env),
      maxQueueSize: batch("MAX_QUEUE_SIZE", 2048),
      maxExportBatchSize: batch("MAX_EXPORT_BATCH_SIZE", 512),
      scheduledDelayMillis: batch("SCHEDULE_DELAY", 1000),
      exportTimeoutMillis: batch("EXPORT_TIMEOUT", 10_000),
      selfObsMeterProvider: droppedSpanMeter(options.onDropped ?? (() => {})),
    });
    this.provider = new TracerProvider({ resource, sampler: samplerFromEnv(env), spanProcessors: [processor] });
    this.tracer = this.provider.getTracer("llmio", VERSION);
  }

  request(start: RequestSpanStart): RequestSpan {
    return new OtelRequestSpan(this.tracer, this.propagator, start);
  }

  async flush(): Promise<void> {
    await this.provider.forceFlush().catch(() => {});
  }

  async shutdown(): Promise<void> {
    // A collector that cannot be reached rejects the flush; the gateway stops all the same.
    await this.provider.shutdown().catch((error) => logger.warn("exporting the last trace spans failed", { error: String(error) }));
  }
}

class OtelRequestSpan implements RequestSpan {
  readonly recording: boolean;
  readonly traceId: string | undefined;
  private readonly span: Span;
  private readonly context: Context;
  private readonly startedAt = Date.now();
  private readonly stream: boolean;
  private readonly operation: string | undefined;
  private attempts = 0;
  private outcome: AttemptEnd | undefined;
  private failure: { status: number; errorType: string } | undefined;
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    private readonly propagator: W3CTraceContextPropagator,
    start: RequestSpanStart,
  ) {
    const parent = propagator.extract(ROOT_CONTEXT, start.headers, headerGetter);
    this.stream = start.stream;
    this.operation = start.operation;
    const operation = start.operation ?? OPERATION[start.protocol];
    this.span = tracer.startSpan(
      `${operation} ${start.model}`,
      {
        kind: SpanKind.SERVER,
        startTime: this.startedAt,
        attributes: {
          "gen_ai.operation.name": operation,
          "gen_ai.provider.name": PROVIDER[start.protocol],
          "gen_ai.request.model": start.model,
          ...(start.stream ? { "gen_ai.request.stream": true } : {}),
          "llmio.client.protocol": start.protocol,
          ...(start.clientIp ? { "client.address": start.clientIp } : {}),
          ...(start.headers.get("user-agent") ? { "user_agent.original": start.headers.get("user-agent")! } : {}),
        },
      },
      parent,
    );
    this.recording = this.span.isRecording();
    this.traceId = this.recording ? this.span.spanContext().traceId : undefined;
    this.context = trace.setSpan(ROOT_CONTEXT, this.span);
  }

  describe(facts: RequestFacts): void {
    this.span.setAttributes(defined({
      "llmio.trace_id": facts.traceId,
      "gen_ai.conversation.id": facts.sessionId ?? undefined,
      "llmio.auth_key_id": facts.authKeyId ?? undefined,
      "llmio.cache.status": facts.cacheStatus ?? undefined,
    }));
  }

  attempt(target: AttemptTarget, attempt: number): AttemptSpan {
    this.attempts++;
    return new OtelAttemptSpan(this.tracer, this.propagator, this.context, target, attempt, this.operation, (outcome) => (this.outcome = outcome));
  }

  content(request: CanonicalRequest, response: CanonicalResponse | undefined): void {
    this.span.setAttributes(genAiContent(request, response, MAX_CONTENT_CHARS));
  }

  fail(status: number, errorType: string): void {
    this.failure = { status, errorType };
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    const { span, outcome, failure } = this;
    span.setAttribute("llmio.attempts", this.attempts);
    if (failure) {
      span.setAttributes({ "http.response.status_code": failure.status, "error.type": failure.errorType });
      if (failure.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } else if (outcome) {
      span.setAttributes({ ...usageAttributes(outcome.usage), ...answerAttributes(outcome) });
      const firstByteMs = outcome.timings.firstByteMs;
      if (firstByteMs !== undefined) {
        span.addEvent("llmio.first_byte", { "llmio.first_byte_ms": firstByteMs }, this.startedAt + firstByteMs);
        if (this.stream) span.setAttribute("gen_ai.response.time_to_first_chunk", firstByteMs / 1000);
      }
      if (outcome.status === "error") {
        span.setAttributes({ "error.type": outcome.failure ?? "client_closed", "gen_ai.response.finish_reasons": ["error"] });
        span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? undefined });
      } else span.setAttribute("http.response.status_code", 200);
    }
    span.end();
  }
}

class OtelAttemptSpan implements AttemptSpan {
  private readonly span: Span;
  private ended = false;

  constructor(
    tracer: Tracer,
    private readonly propagator: W3CTraceContextPropagator,
    parent: Context,
    target: AttemptTarget,
    attempt: number,
    requestOperation: string | undefined,
    private readonly onEnd: (outcome: AttemptEnd) => void,
  ) {
    const operation = requestOperation ?? OPERATION[target.wire];
    this.span = tracer.startSpan(
      `${operation} ${target.providerModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "gen_ai.operation.name": operation,
          "gen_ai.provider.name": PROVIDER[target.wire],
          "gen_ai.request.model": target.providerModel,
          ...serverOf(target.baseUrl),
          "llmio.provider.name": target.providerName,
          "llmio.provider.id": target.providerId,
          "llmio.association.id": target.associationId,
          "llmio.attempt": attempt,
        },
      },
      parent,
    );
  }

  inject(headers: Record<string, string>): void {
    this.propagator.inject(trace.setSpan(ROOT_CONTEXT, this.span), headers, defaultTextMapSetter);
  }

  end(outcome: AttemptEnd): void {
    if (this.ended) return;
    this.ended = true;
    const { span } = this;
    if (outcome.statusCode) span.setAttribute("http.response.status_code", outcome.statusCode);
    span.setAttributes({ ...usageAttributes(outcome.usage), ...answerAttributes(outcome) });
    if (outcome.status === "error") {
      // The failure class (timeout, rate_limit, …) is the low-cardinality error type; none: the client left.
      span.setAttributes({ "error.type": outcome.failure ?? "client_closed", "llmio.failure_class": outcome.failure ?? "client_closed" });
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? undefined });
    }
    span.end();
    this.onEnd(outcome);
  }
}

/**
 * OTLP/HTTP with protobuf bodies (the specification's default) or, with
 * `OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL=http/json`, JSON bodies: cheaper to encode here (native
 * JSON against the SDK's JavaScript protobuf writer). gRPC is not offered: protobuf over HTTP is used.
 */
function exporterFor(env: Record<string, string | undefined>) {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf";
  if (protocol === "grpc") logger.warn("OTLP over gRPC is not supported; exporting over HTTP (protobuf)", { endpoint: tracesUrl(env) });
  const options = {
    url: tracesUrl(env),
    headers: otlpHeaders(env),
    timeoutMillis: positiveInteger(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT) ?? 10_000,
  };
  return protocol === "http/json" ? new JsonTraceExporter(options) : new ProtobufTraceExporter(options);
}

/** The OTLP/HTTP traces URL: the signal's own endpoint as given, else the generic one + `/v1/traces` (the specification's rule). */
export function tracesUrl(env: Record<string, string | undefined>): string {
  const own = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (own) return own;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? "http://localhost:4318";
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/** `OTEL_EXPORTER_OTLP_HEADERS` and `…_TRACES_HEADERS`: `key=value` pairs, comma-separated, URL-encoded; the traces ones win. */
export function otlpHeaders(env: Record<string, string | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const list of [env.OTEL_EXPORTER_OTLP_HEADERS, env.OTEL_EXPORTER_OTLP_TRACES_HEADERS]) {
    for (const pair of list?.split(",") ?? []) {
      const at = pair.indexOf("=");
      if (at <= 0) continue;
      try {
        headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        logger.warn("ignoring an OTLP header that is not URL-encoded", { header: pair.slice(0, at).trim() });
      }
    }
  }
  return headers;
}

function positiveInteger(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value && Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

/** `gen_ai.response.model` and `gen_ai.response.finish_reasons` (one choice); a failed answer's reason is "error". */
function answerAttributes(outcome: AttemptEnd): Attributes {
  const reason = outcome.status === "error" ? "error" : outcome.response?.finishReason;
  return {
    ...(outcome.response?.model ? { "gen_ai.response.model": outcome.response.model } : {}),
    ...(reason ? { "gen_ai.response.finish_reasons": [reason] } : {}),
  };
}

function usageAttributes(usage: Usage | undefined): Attributes {
  if (!usage) return {};
  return {
    "gen_ai.usage.input_tokens": usage.inputTokens,
    "gen_ai.usage.output_tokens": usage.outputTokens,
    "gen_ai.usage.cache_read.input_tokens": usage.cachedTokens,
    ...(usage.cacheWriteTokens ? { "gen_ai.usage.cache_write.input_tokens": usage.cacheWriteTokens } : {}),
    ...(usage.reasoningTokens ? { "gen_ai.usage.reasoning.output_tokens": usage.reasoningTokens } : {}),
    ...(usage.estimated ? { "llmio.usage.estimated": true } : {}),
  };
}

/** `server.address` and `server.port` of an upstream base URL. */
function serverOf(baseUrl: string): Attributes {
  try {
    const url = new URL(baseUrl);
    return { "server.address": url.hostname, "server.port": Number(url.port) || (url.protocol === "https:" ? 443 : 80) };
  } catch {
    return {};
  }
}

function defined(attributes: Record<string, string | number | boolean | undefined>): Attributes {
  const kept: Attributes = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) kept[name] = value;
  return kept;
}

/** `OTEL_TRACES_SAMPLER(_ARG)` as the specification defines them (SDK 3 reads no environment itself). */
function samplerFromEnv(env: Record<string, string | undefined>): Sampler {
  const parsed = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const ratio = parsed >= 0 && parsed <= 1 ? parsed : 1;
  const name = env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on";
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      if (name !== "parentbased_always_on") logger.warn("unknown OTEL_TRACES_SAMPLER; using parentbased_always_on", { sampler: name });
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * The batch processor reports spans it drops for a full queue on its self-observability counter
 * (`otel.sdk.processor.span.processed`, `error.type=queue_full`): only that counter is real here, so
 * no metrics SDK is needed.
 */
function droppedSpanMeter(onDropped: (spans: number) => void): MeterProvider {
  const meter: Meter = Object.assign(Object.create(createNoopMeter()) as Meter, {
    createCounter: () => ({
      add(value: number, attributes?: Attributes) {
        if (attributes?.["error.type"] === "queue_full") onDropped(value);
      },
    }),
  });
  return { getMeter: () => meter };
}
