import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LogWriter } from "../db/log-writer.ts";
import type { Balancer } from "../routing/balancer.ts";
import type { Catalog } from "../routing/catalog.ts";
import type { InFlightTracker } from "./in-flight.ts";
import { classifyFailure } from "../routing/failure-class.ts";
import type { NewRequestLog } from "../db/schema.ts";
import { isRejection } from "../db/log-reasons.ts";

/**
 * Requests and answers refused for their size, by limit (`request_body`, `upstream_body`,
 * `sse_event`, …). Counted where the refusal happens, so it lives outside any one registry.
 */
const limitRefusals = new Counter({
  name: "llmio_limit_refusals_total",
  help: "Requests and upstream answers refused because they went past a size limit, by limit",
  labelNames: ["limit"],
  registers: [],
});

export function countLimitRefusal(limit: string): void {
  limitRefusals.inc({ limit });
}

/** Spans the trace exporter's queue was full for (a slow or dead collector); counted by otel-tracing.ts. */
const droppedSpans = new Counter({
  name: "llmio_trace_spans_dropped_total",
  help: "Trace spans dropped because the export queue was full (the collector is slow or away); requests never wait for it",
  registers: [],
});

export function countDroppedSpans(spans: number): void {
  droppedSpans.inc(spans);
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const BREAKER_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

/**
 * The gateway's Prometheus metrics. Counters and histograms follow the request log (each
 * written batch), so they cost nothing on the request path; gauges are read at scrape time.
 */
/** What the metrics read: the gateway's parts (AppDeps satisfies it). */
export interface MetricsSources {
  logWriter: LogWriter;
  inFlight: InFlightTracker;
  sharedState: { readonly available: boolean };
  balancer: Balancer;
  catalog: Catalog;
}

export function createMetrics(deps: MetricsSources): Registry {
  const registry = new Registry();
  registry.registerMetric(limitRefusals);
  registry.registerMetric(droppedSpans);
  const attempts = new Counter({
    name: "llmio_upstream_attempts_total",
    help: "Upstream attempts by model, provider, status and failure class",
    labelNames: ["model", "provider", "status", "class"],
    registers: [registry],
  });
  const rejected = new Counter({
    name: "llmio_rejected_requests_total",
    help: "Calls refused before routing (bad or missing key, lockout, quota, malformed body, unknown model …) by status, reason and client protocol",
    labelNames: ["status", "reason", "protocol"],
    registers: [registry],
  });
  // Counted as they happen: the log folds identical rejections of a minute into one row.
  deps.logWriter.rejections.onRejected((rejection) => rejected.inc({ status: String(rejection.status), reason: rejection.reason, protocol: rejection.protocol }));
  const tokens = new Counter({
    name: "llmio_tokens_total",
    help: "Tokens of successful attempts by model, provider and kind",
    labelNames: ["model", "provider", "kind"],
    registers: [registry],
  });
  const firstByte = new Histogram({
    name: "llmio_first_byte_seconds",
    help: "Time to the first upstream byte of successful attempts",
    labelNames: ["model", "provider"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "llmio_request_duration_seconds",
    help: "Total duration of successful attempts",
    labelNames: ["model", "provider"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: "llmio_cache_requests_total",
    help: "Requests of caching models by result: hit (answered from the response cache) or miss (went upstream)",
    labelNames: ["model", "result"],
    registers: [registry],
  });
  const cacheSavedTokens = new Counter({
    name: "llmio_cache_saved_tokens_total",
    help: "Tokens the answers served from the response cache had cost when they were fetched",
    labelNames: ["model"],
    registers: [registry],
  });
  gauge(registry, "llmio_in_flight_requests", "Client requests being served", () => deps.inFlight.size);
  gauge(registry, "llmio_shared_state_available", "1 while the shared state (Redis in multi-instance mode) answers; 0: deciding locally", () => (deps.sharedState.available ? 1 : 0));
  gauge(registry, "llmio_queue_depth", "Requests waiting for a free provider slot", () => deps.balancer.queue.length);
  gauge(registry, "llmio_log_writer_backlog", "Request-log rows waiting to be written", () => deps.logWriter.pending);
  gauge(registry, "llmio_process_resident_memory_bytes", "Resident memory of the gateway process", () => process.memoryUsage.rss());
  new Gauge({
    name: "llmio_breaker_state",
    help: "Circuit breaker of each association: 0 closed, 1 half-open, 2 open",
    labelNames: ["association", "model", "provider"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const model of await deps.catalog.modelNames()) {
        for (const candidate of (await deps.catalog.route(model))?.candidates ?? []) {
          const state = deps.balancer.health.associationSnapshot(candidate.associationId).breaker.state;
          this.set({ association: String(candidate.associationId), model, provider: candidate.providerName }, BREAKER_VALUE[state]);
        }
      }
    },
  });

  deps.logWriter.onWritten((rows: NewRequestLog[]) => {
    // Counters are summed per label set over the batch first: a batch is mostly one model and
    // provider, and each prom-client update hashes its labels.
    const attemptCounts = new Map<string, { labels: { model: string; provider: string; status: string; class: string }; count: number }>();
    const tokenCounts = new Map<string, { model: string; provider: string; prompt: number; completion: number; cached: number; reasoning: number }>();
    const cacheCounts = new Map<string, { model: string; result: "hit" | "miss"; count: number; savedTokens: number }>();
    for (const row of rows) {
      if (isRejection(row.reason)) continue;
      // One row per request carries attempt 0: a hit, or a miss's first attempt.
      if (row.cacheStatus && row.attempt === 0) {
        const cacheKey = `${row.model}\n${row.cacheStatus}`;
        let counted = cacheCounts.get(cacheKey);
        if (!counted) cacheCounts.set(cacheKey, (counted = { model: row.model, result: row.cacheStatus, count: 0, savedTokens: 0 }));
        counted.count++;
        counted.savedTokens += row.savedTokens ?? 0;
      }
      // A hit made no upstream attempt: it is not an attempt, nor upstream tokens or latency.
      if (row.cacheStatus === "hit") continue;
      const model = row.model;
      const provider = row.providerName ?? "";
      const failure = row.status === "success" ? "" : (row.failureClass ?? legacyFailureClass(row));
      const attemptKey = `${model}\n${provider}\n${row.status}\n${failure}`;
      const counted = attemptCounts.get(attemptKey);
      if (counted) counted.count++;
      else attemptCounts.set(attemptKey, { labels: { model, provider, status: row.status, class: failure }, count: 1 });
      if (row.status !== "success") continue;
      const tokenKey = `${model}\n${provider}`;
      let sums = tokenCounts.get(tokenKey);
      if (!sums) tokenCounts.set(tokenKey, (sums = { model, provider, prompt: 0, completion: 0, cached: 0, reasoning: 0 }));
      sums.prompt += row.promptTokens ?? 0;
      sums.completion += row.completionTokens ?? 0;
      sums.cached += row.cachedTokens ?? 0;
      sums.reasoning += row.reasoningTokens ?? 0;
      if (row.firstByteMs !== null && row.firstByteMs !== undefined) firstByte.observe({ model, provider }, row.firstByteMs / 1000);
      duration.observe({ model, provider }, (row.durationMs ?? 0) / 1000);
    }
    for (const { labels, count } of attemptCounts.values()) attempts.inc(labels, count);
    for (const { model, result, count, savedTokens } of cacheCounts.values()) {
      cacheRequests.inc({ model, result }, count);
      if (savedTokens > 0) cacheSavedTokens.inc({ model }, savedTokens);
    }
    for (const { model, provider, ...kinds } of tokenCounts.values()) {
      for (const [kind, count] of Object.entries(kinds)) tokens.inc({ model, provider, kind }, count);
    }
  });
  return registry;
}

/**
 * The class label of a failed row that carries no failure class: a refusal (no attempt made), a
 * client that left, or a row from a writer that predates the column. Such rows keep the label
 * the exporter always gave them, read from their status and error text; the one place that does.
 */
function legacyFailureClass(row: NewRequestLog): string {
  return classifyFailure({ status: row.statusCode ?? undefined, message: row.error ?? undefined });
}

function gauge(registry: Registry, name: string, help: string, read: () => number) {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
