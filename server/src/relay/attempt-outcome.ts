import type { CanonicalResponse } from "../core/canonical.ts";
import type { Usage } from "../core/usage.ts";
import { CLIENT_CLOSED_REASON } from "../db/log-reasons.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { RouteCandidate } from "../routing/catalog.ts";
import type { GatewayError } from "../core/errors.ts";
import { classifyAnsweredFailure, classifyAnswerError, type FailureClass } from "../routing/failure-class.ts";
import type { AttemptVerdict } from "../routing/health.ts";
import { priceSnapshot } from "./price-snapshot.ts";

/** Log fields shared by every attempt of one client request. */
export type TraceLog = Pick<NewRequestLog, "traceId" | "model" | "clientProtocol" | "endpoint" | "stream" | "clientIp" | "userAgent" | "authKeyId" | "sessionId" | "cacheStatus" | "otelTraceId">;

/** Where one attempt went. */
export interface AttemptUpstream {
  providerId: number;
  providerName: string;
  providerModel: string;
  associationId: number;
  baseUrl: string;
}

/**
 * One upstream attempt, once it has ended: the record the balancer lease, the request log,
 * the metrics (through the log) and the relay's own bookkeeping all read. Its failure class is
 * decided where the upstream's answer (or its absence) was decoded, never re-derived later.
 */
export interface AttemptOutcome {
  upstream: AttemptUpstream;
  /** 0-based, within the client request. */
  attempt: number;
  status: "success" | "error";
  /** The upstream's HTTP status (or the gateway's, for a request it could not send; 499: the client left). */
  statusCode?: number;
  /** Why it failed; null for a success and for a client that left. */
  failure: FailureClass | null;
  /**
   * The end says nothing about the provider (the client left, or the provider cannot serve the
   * request as asked): the lease frees its slots but teaches the health registry nothing.
   */
  neutral: boolean;
  usage?: Usage;
  timings: {
    /** Epoch ms the attempt was admitted. */
    startedAt: number;
    /** From the client's request, when the answer was accepted. */
    firstByteMs?: number;
    durationMs: number;
  };
  error?: string;
  /** Features the upstream could not carry (translation degraded), joined by newlines. */
  warnings?: string;
  retryAfterMs?: number;
  /** The model the upstream says answered, and why it stopped (its own words), when the answer was decoded. */
  response?: AnswerFacts;
}

/** What a decoded answer says of itself (trace spans report it). */
export interface AnswerFacts {
  model?: string;
  finishReason?: string;
}

/** The model that answered and the upstream's own finish reason. */
export function factsOf(response: CanonicalResponse): AnswerFacts {
  return { model: response.model || undefined, finishReason: response.rawFinishReason ?? response.finishReason };
}

/** How an accepted answer ended, as the code reading it saw it; the attempt fills in the rest. */
export interface AnswerEnd {
  /** Absent: the answer was delivered. `failure` null: the client left while it was. */
  failed?: { failure: FailureClass | null; message: string };
  usage?: Usage;
  statusCode?: number;
  /** Measured from the client's request (the relay's clock): duration ≥ first byte. */
  firstByteMs?: number;
  durationMs?: number;
  warnings?: string;
  response?: AnswerFacts;
}

/** Ends an accepted attempt: its lease and its log row. Later calls are ignored. */
export type EndAttempt = (end: AnswerEnd) => void;

/** An answer that cannot be used although nothing reached the client yet: the next candidate is tried. */
export interface FailOver {
  failed: string;
  /** Decided where the answer was read (an error frame's words, an unreadable body). */
  failure: FailureClass;
}

/** The log's error text for a client that went away. */
export const CLIENT_CLOSED = "client closed the request";

/**
 * An error an answer carried or an answer that broke off, as the reader of the answer saw it:
 * a decoded error keeps the class its protocol gave it.
 */
export function answerFailed(error: GatewayError): NonNullable<AnswerEnd["failed"]> {
  return { failure: classifyAnswerError(error), message: error.message };
}

/** An answer the client stopped reading: nobody's failure. */
export const clientLeft = (): NonNullable<AnswerEnd["failed"]> => ({ failure: null, message: CLIENT_CLOSED });

/** An unusable answer to fail over from: an error the upstream sent, or the gateway's own finding. */
export function failOver(reason: GatewayError | string): FailOver {
  if (typeof reason !== "string") return { failed: reason.message, failure: classifyAnswerError(reason) };
  return { failed: reason, failure: classifyAnsweredFailure(reason) };
}

export function upstreamOf(candidate: RouteCandidate): AttemptUpstream {
  return {
    providerId: candidate.providerId,
    providerName: candidate.providerName,
    providerModel: candidate.providerModel,
    associationId: candidate.associationId,
    baseUrl: candidate.baseUrl,
  };
}

/** What the balancer lease learns from an attempt (its slots, tokens and the health registry). */
export function verdictOf(outcome: AttemptOutcome): AttemptVerdict & { tokens?: number } {
  return {
    ok: outcome.status === "success",
    neutral: outcome.neutral,
    failure: outcome.failure ?? undefined,
    firstByteMs: outcome.timings.firstByteMs,
    message: outcome.error,
    // The upstream's status names the cause exactly (a 404 is "not found", not a server error).
    status: outcome.statusCode,
    retryAfterMs: outcome.retryAfterMs,
    tokens: outcome.usage?.totalTokens,
  };
}

/** The request-log row of an attempt, with the prices it was billed at. */
export function attemptRow(trace: TraceLog, outcome: AttemptOutcome, candidate: Pick<RouteCandidate, "prices">): NewRequestLog {
  const failed = outcome.status === "error";
  const row: NewRequestLog = {
    ...trace,
    attempt: outcome.attempt,
    providerId: outcome.upstream.providerId,
    providerName: outcome.upstream.providerName,
    providerModel: outcome.upstream.providerModel,
    status: outcome.status,
    statusCode: outcome.statusCode,
    error: outcome.error,
    // A failed attempt's reason is its class; one without a class ended because the client left.
    reason: failed ? (outcome.failure ?? CLIENT_CLOSED_REASON) : undefined,
    failureClass: failed ? outcome.failure : null,
    warnings: outcome.warnings,
    firstByteMs: outcome.timings.firstByteMs,
    durationMs: outcome.timings.durationMs,
    createdAt: Date.now(),
    ...usageColumns(outcome.usage),
  };
  return { ...row, ...priceSnapshot(candidate.prices, row) };
}

export function usageColumns(usage: Usage | undefined): Partial<NewRequestLog> {
  if (!usage) return {};
  return {
    promptTokens: usage.inputTokens,
    completionTokens: usage.outputTokens,
    cachedTokens: usage.cachedTokens,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
    reasoningTokens: usage.reasoningTokens,
    totalTokens: usage.totalTokens,
    usageEstimated: usage.estimated === true,
  };
}
