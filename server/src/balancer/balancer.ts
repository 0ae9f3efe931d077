import { GatewayError } from "../core/errors.ts";
import type { RequestPeek } from "../core/wire-protocol.ts";
import type { ModelRoute, RouteCandidate } from "../services/catalog.ts";
import type { BreakerOptions } from "./circuit-breaker.ts";
import { HealthRegistry, type AttemptOutcome } from "./health.ts";
import { KeyRotation } from "./key-rotation.ts";
import { LocalLimits, type LimitGate, type LimitSnapshot, type LimitTicket } from "./limit-gate.ts";
import type { SharedRouting } from "./shared-routing.ts";
import { StickySessions, type StickyStore } from "./sticky-sessions.ts";
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
 * With `shared` (several instances behind one Redis) limits, sticky sessions and health
 * verdicts hold across instances; then `plan` and admissions may answer asynchronously.
 */
export class Balancer {
  readonly health: HealthRegistry;
  /** This process's sticky sessions (the fallback of a shared store). */
  readonly sticky = new StickySessions();
  readonly queue = new WaitQueue();
  private readonly keyRotation = new KeyRotation();
  private readonly limits: LimitGate;
  private readonly sessions: StickyStore;
  private readonly turns = new Map<number, number>();

  constructor(options: { breaker?: BreakerOptions; shared?: SharedRouting } = {}) {
    this.health = new HealthRegistry(options.breaker);
    const { shared } = options;
    this.limits = shared ? shared.limits(() => this.queue.wakeOne()) : new LocalLimits();
    this.sessions = shared ? shared.sticky(this.sticky) : this.sticky;
    shared?.shareHealth(this.health);
  }

  /** The candidates for one request, best first (a promise only when sticky sessions are shared). */
  plan(request: PlanRequest): RouteCandidate[] | GatewayError | Promise<RouteCandidate[]> {
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
    if (!request.sessionKey) return ordered;
    const stickyId = this.sessions.get(`${route.model.id}\n${request.sessionKey}`, Date.now());
    if (stickyId instanceof Promise) return stickyId.then((id) => preferSticky(ordered, id));
    return preferSticky(ordered, stickyId);
  }

  /** Remembers which association served a session. */
  stick(request: PlanRequest, associationId: number): void {
    if (!request.sessionKey) return;
    this.sessions.set(`${request.route.model.id}\n${request.sessionKey}`, associationId, request.route.model.stickySeconds * 1000, Date.now());
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
        const providerWait = this.limits.providerWaitMs(candidate, now);
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
          let admission = this.limits.admit(candidate, apiKey, now);
          if (admission instanceof Promise) {
            admission = await admission;
            // Another request may have taken the half-open probe while the shared limits answered.
            if ("ticket" in admission && !(breaker.canPass(Date.now()) && this.health.keyUsable(candidate.providerId, apiKey, Date.now()))) {
              admission.ticket.finish(Date.now(), 0);
              continue;
            }
          }
          if ("waitMs" in admission) {
            waitable = true;
            soonest = Math.min(soonest, admission.waitMs);
            // The provider itself is full: none of its other keys can start either.
            if (admission.scope === "provider") break;
            continue;
          }
          breaker.onAdmit();
          this.health.key(candidate.providerId, apiKey).breaker.onAdmit();
          return this.lease(candidate, apiKey, admission.ticket);
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

  /** This instance's limit counters of a provider. */
  limitSnapshot(providerId: number, now: number): LimitSnapshot {
    return this.limits.snapshot(providerId, now);
  }

  /** A provider's limit counters over every instance sharing them, for the admin API. */
  sharedLimitSnapshot(providerId: number, now: number): Promise<LimitSnapshot> {
    return this.limits.sharedSnapshot(providerId, now);
  }

  private lease(candidate: RouteCandidate, apiKey: string, ticket: LimitTicket): Lease {
    let finished = false;
    return {
      candidate,
      apiKey,
      finish: (outcome) => {
        if (finished) return;
        finished = true;
        const now = Date.now();
        ticket.finish(now, outcome.tokens ?? 0);
        this.health.record(candidate.associationId, candidate.providerId, apiKey, outcome, now);
        this.queue.wakeOne();
      },
    };
  }
}

/** Moves the session's association (if still a candidate) to the front. */
function preferSticky(ordered: RouteCandidate[], associationId: number | undefined): RouteCandidate[] {
  if (associationId === undefined) return ordered;
  const index = ordered.findIndex((candidate) => candidate.associationId === associationId);
  if (index > 0) ordered.unshift(...ordered.splice(index, 1));
  return ordered;
}

/** What one request has already tried: whole associations, or single keys (rate-limited, refused). */
export interface Tried {
  associations: Set<number>;
  keys: Set<string>;
}

export const newTried = (): Tried => ({ associations: new Set(), keys: new Set() });
