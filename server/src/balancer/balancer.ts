import { GatewayError } from "../core/errors.ts";
import type { RequestPeek } from "../core/wire-protocol.ts";
import type { ModelRoute, RouteCandidate } from "../services/catalog.ts";
import type { BreakerOptions } from "./circuit-breaker.ts";
import { HealthRegistry, type AttemptOutcome } from "./health.ts";
import { KeyRotation } from "./key-rotation.ts";
import { RateLimit } from "./rate-limit.ts";
import { StickySessions } from "./sticky-sessions.ts";
import { orderCandidates } from "./strategies.ts";
import { WaitQueue } from "./wait-queue.ts";

/** The longest a request waits for a free slot when every candidate is at its limit. */
export const QUEUE_MAX_WAIT_MS = 30_000;
/** How often a waiting request re-checks limits whose windows move on by themselves. */
const QUEUE_POLL_MS = 1_000;
const MIN_RECHECK_MS = 10;

export interface PlanRequest {
  route: ModelRoute;
  needs?: RequestPeek["needs"];
  /** Requests with the same key stay on one association for the model's sticky window. */
  sessionKey?: string;
  /** A provider id or name chosen for this request (`model$provider`, `x-llmio-provider`). */
  providerPin?: string;
}

/** An admitted attempt: a candidate and a key, holding limit slots until finished. */
export interface Lease {
  candidate: RouteCandidate;
  apiKey: string;
  /** Frees the slots and teaches the health registry; call exactly once. */
  finish(outcome: AttemptOutcome & { tokens?: number }): void;
}

/** Nothing can be admitted: every candidate was tried, is broken, or stays busy past the wait. */
export interface Refusal {
  /** When waiting longer would have helped. */
  retryAfterMs?: number;
  reason: string;
}

/**
 * Chooses where each attempt goes: pins, capability flags, the model's strategy and sticky
 * sessions order the candidates; health (breakers, dead and cooling keys) and limits
 * (requests/tokens per minute, concurrency) admit them, with a bounded wait when all are busy.
 */
export class Balancer {
  readonly health: HealthRegistry;
  readonly sticky = new StickySessions();
  readonly queue = new WaitQueue();
  private readonly keyRotation = new KeyRotation();
  private readonly providerLimits = new Map<number, RateLimit>();
  private readonly keyLimits = new Map<number, Map<string, RateLimit>>();
  private readonly turns = new Map<number, number>();

  constructor(options: { breaker?: BreakerOptions } = {}) {
    this.health = new HealthRegistry(options.breaker);
  }

  /** The candidates for one request, best first. */
  plan(request: PlanRequest): RouteCandidate[] | GatewayError {
    const { route } = request;
    let candidates = route.candidates;
    const pin = request.providerPin ?? (route.model.pinnedProviderId === null ? undefined : String(route.model.pinnedProviderId));
    if (pin !== undefined) {
      const pinned = candidates.filter((candidate) => String(candidate.providerId) === pin || candidate.providerName === pin);
      // A persisted pin whose provider is gone or disabled is ignored; a per-request pin is strict.
      if (pinned.length > 0 || request.providerPin !== undefined) candidates = pinned;
      if (candidates.length === 0) {
        return new GatewayError("not_found", `Provider \`${pin}\` does not serve model \`${route.model.name}\``);
      }
    }
    const needs = request.needs;
    if (needs && (needs.toolCall || needs.structuredOutput || needs.vision)) {
      candidates = candidates.filter(
        (candidate) => (!needs.toolCall || candidate.toolCall) && (!needs.structuredOutput || candidate.structuredOutput) && (!needs.vision || candidate.vision),
      );
      if (candidates.length === 0) {
        const wanted = [needs.toolCall && "tool calls", needs.structuredOutput && "structured output", needs.vision && "image input"].filter(Boolean).join(", ");
        return new GatewayError("bad_request", `No provider of model \`${route.model.name}\` supports ${wanted}`);
      }
    }
    const turn = this.turns.get(route.model.id) ?? 0;
    this.turns.set(route.model.id, turn + 1);
    const ordered = orderCandidates(route.model.strategy, candidates, {
      turn,
      statsOf: (candidate) => this.health.latencyOf(candidate.associationId),
    });
    if (request.sessionKey) {
      const stickyId = this.sticky.get(`${route.model.id}\n${request.sessionKey}`, Date.now());
      const index = ordered.findIndex((candidate) => candidate.associationId === stickyId);
      if (index > 0) ordered.unshift(...ordered.splice(index, 1));
    }
    return ordered;
  }

  /** Remembers which association served a session. */
  stick(request: PlanRequest, associationId: number): void {
    if (!request.sessionKey) return;
    this.sticky.set(`${request.route.model.id}\n${request.sessionKey}`, associationId, request.route.model.stickySeconds * 1000, Date.now());
  }

  /**
   * Admits the first candidate (and key) that is healthy and under its limits. When all are
   * busy it waits in the queue until one frees or the deadline passes.
   */
  async acquire(candidates: readonly RouteCandidate[], tried: Tried, deadline: number, signal?: AbortSignal): Promise<Lease | Refusal> {
    const queueDeadline = Math.min(deadline, Date.now() + QUEUE_MAX_WAIT_MS);
    for (;;) {
      const now = Date.now();
      let soonest = Infinity;
      let waitable = false;
      for (const candidate of candidates) {
        if (tried.associations.has(candidate.associationId)) continue;
        const breaker = this.health.association(candidate.associationId).breaker;
        if (!breaker.canPass(now)) {
          soonest = Math.min(soonest, (breaker.retryAt() ?? now) - now);
          continue;
        }
        const providerLimit = this.providerLimit(candidate);
        const providerWait = providerLimit.waitMs(now);
        if (providerWait > 0) {
          waitable = true;
          soonest = Math.min(soonest, providerWait);
          continue;
        }
        for (const apiKey of this.keyRotation.order(candidate.providerId, candidate.apiKeys)) {
          if (tried.keys.has(`${candidate.providerId}\n${apiKey}`)) continue;
          if (!this.health.keyUsable(candidate.providerId, apiKey, now)) {
            const readyAt = this.health.keyReadyAt(candidate.providerId, apiKey);
            if (readyAt !== Infinity) {
              waitable = true;
              soonest = Math.min(soonest, readyAt - now);
            }
            continue;
          }
          const keyLimit = this.keyLimit(candidate, apiKey);
          const keyWait = keyLimit.waitMs(now);
          if (keyWait > 0) {
            waitable = true;
            soonest = Math.min(soonest, keyWait);
            continue;
          }
          breaker.onAdmit();
          this.health.key(candidate.providerId, apiKey).breaker.onAdmit();
          providerLimit.start(now);
          keyLimit.start(now);
          return this.lease(candidate, apiKey, providerLimit, keyLimit);
        }
      }
      if (!waitable) {
        return { reason: "no healthy provider is available", retryAfterMs: Number.isFinite(soonest) ? soonest : undefined };
      }
      // A floor keeps a request from spinning while a half-open probe (ready "now") is still out.
      const retryIn = Number.isFinite(soonest) ? Math.max(MIN_RECHECK_MS, soonest) : QUEUE_POLL_MS;
      if (!(await this.queue.wait(queueDeadline, Math.min(retryIn, QUEUE_POLL_MS), signal))) {
        return {
          reason: signal?.aborted ? "client closed the request" : "every provider is at its rate or concurrency limit",
          retryAfterMs: Number.isFinite(soonest) ? soonest : QUEUE_POLL_MS,
        };
      }
    }
  }

  /** Limit counters of a provider and its keys, for the admin API. */
  limitSnapshot(providerId: number, now: number) {
    return this.providerLimits.get(providerId)?.snapshot(now) ?? { inFlight: 0, requestsLastMinute: 0, tokensLastMinute: 0 };
  }

  private lease(candidate: RouteCandidate, apiKey: string, providerLimit: RateLimit, keyLimit: RateLimit): Lease {
    let finished = false;
    return {
      candidate,
      apiKey,
      finish: (outcome) => {
        if (finished) return;
        finished = true;
        const now = Date.now();
        providerLimit.finish(now, outcome.tokens ?? 0);
        keyLimit.finish(now, outcome.tokens ?? 0);
        this.health.record(candidate.associationId, candidate.providerId, apiKey, outcome, now);
        this.queue.wakeOne();
      },
    };
  }

  private providerLimit(candidate: RouteCandidate): RateLimit {
    let limit = this.providerLimits.get(candidate.providerId);
    if (!limit) this.providerLimits.set(candidate.providerId, (limit = new RateLimit(candidate.limits)));
    else limit.config = candidate.limits;
    return limit;
  }

  private keyLimit(candidate: RouteCandidate, apiKey: string): RateLimit {
    let byKey = this.keyLimits.get(candidate.providerId);
    if (!byKey) this.keyLimits.set(candidate.providerId, (byKey = new Map()));
    let limit = byKey.get(apiKey);
    if (!limit) byKey.set(apiKey, (limit = new RateLimit(candidate.keyLimits)));
    else limit.config = candidate.keyLimits;
    return limit;
  }
}

/** What one request has already tried: whole associations, or single keys (rate-limited, refused). */
export interface Tried {
  associations: Set<number>;
  keys: Set<string>;
}

export const newTried = (): Tried => ({ associations: new Set(), keys: new Set() });
