import { GatewayError } from "../core/errors.ts";
import type { RefusalReason } from "../db/log-reasons.ts";
import type { RequestPeek } from "../core/wire-protocol.ts";
import type { ModelRoute, RouteCandidate } from "./catalog.ts";
import type { BreakerOptions } from "./circuit-breaker.ts";
import { HealthRegistry, type AttemptVerdict } from "./health.ts";
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
  finish(outcome: AttemptVerdict & { tokens?: number }): void;
}

/** Nothing can be admitted: every candidate was tried, is broken, or stays busy past the wait. */
export interface Refusal {
  /** When waiting longer would have helped. */
  retryAfterMs?: number;
  reason: string;
  /** The log's reason code: every provider at its limits, or none healthy (set where the refusal is decided). */
  cause: RefusalReason;
  /** Each candidate passed over at the last look, and why: what the client's error lists. */
  skipped: SkippedCandidate[];
}

/** Why a candidate could take no attempt. */
export type SkipReason =
  /** It already failed for this request. */
  | "failed_here"
  /** Its circuit breaker is open after repeated failures. */
  | "breaker_open"
  /** Its breaker lets one probe through and that probe is under way. */
  | "breaker_probing"
  /** The provider is at its requests/tokens per minute or concurrency limit. */
  | "provider_limit"
  /** None of its keys can be used: refused, cooling down after a rate limit or quota error, at their limit, or tried. */
  | "keys_unusable";

export interface SkippedCandidate {
  providerName: string;
  providerModel: string;
  why: SkipReason;
  /** When it may take attempts again (epoch ms), when that is known. */
  until?: number;
  /** What is behind it: the breaker's failures and last error, each key's state. */
  detail?: string;
}

/** What `acquire` saw of one candidate it passed over; described only when the request is refused. */
interface Passed {
  candidate: RouteCandidate;
  why: SkipReason;
  until?: number;
  keys?: { dead: number; cooling: number; limited: number; tried: number; probing: number };
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
      const passed: Passed[] = [];
      for (const candidate of candidates) {
        if (tried.associations.has(candidate.associationId)) {
          passed.push({ candidate, why: "failed_here" });
          continue;
        }
        const breaker = this.health.association(candidate.associationId).breaker;
        if (!breaker.canPass(now)) {
          const retryAt = breaker.retryAt();
          soonest = Math.min(soonest, (retryAt ?? now) - now);
          passed.push({ candidate, why: retryAt === undefined ? "breaker_probing" : "breaker_open", until: retryAt });
          continue;
        }
        const providerWait = this.limits.providerWaitMs(candidate, now);
        if (providerWait > 0) {
          waitable = true;
          soonest = Math.min(soonest, providerWait);
          passed.push({ candidate, why: "provider_limit", until: Number.isFinite(providerWait) ? now + providerWait : undefined });
          continue;
        }
        const keys = { dead: 0, cooling: 0, limited: 0, tried: 0, probing: 0 };
        let keysReadyAt = Infinity;
        let providerFull: number | undefined;
        for (const apiKey of this.keyRotation.order(candidate.providerId, candidate.apiKeys)) {
          if (tried.keys.has(`${candidate.providerId}\n${apiKey}`)) {
            keys.tried++;
            continue;
          }
          if (!this.health.keyUsable(candidate.providerId, apiKey, now)) {
            const readyAt = this.health.keyReadyAt(candidate.providerId, apiKey);
            if (readyAt !== Infinity) {
              waitable = true;
              soonest = Math.min(soonest, readyAt - now);
              keysReadyAt = Math.min(keysReadyAt, readyAt);
              keys.cooling++;
            } else keys.dead++;
            continue;
          }
          let admission = this.limits.admit(candidate, apiKey, now);
          if (admission instanceof Promise) {
            admission = await admission;
            // Another request may have taken the half-open probe while the shared limits answered.
            if ("ticket" in admission && !(breaker.canPass(Date.now()) && this.health.keyUsable(candidate.providerId, apiKey, Date.now()))) {
              admission.ticket.finish(Date.now(), 0);
              keys.probing++;
              continue;
            }
          }
          if ("waitMs" in admission) {
            waitable = true;
            soonest = Math.min(soonest, admission.waitMs);
            // The provider itself is full: none of its other keys can start either.
            if (admission.scope === "provider") {
              providerFull = admission.waitMs;
              break;
            }
            keys.limited++;
            if (Number.isFinite(admission.waitMs)) keysReadyAt = Math.min(keysReadyAt, now + admission.waitMs);
            continue;
          }
          breaker.onAdmit();
          this.health.key(candidate.providerId, apiKey).breaker.onAdmit();
          return this.lease(candidate, apiKey, admission.ticket);
        }
        if (providerFull !== undefined) passed.push({ candidate, why: "provider_limit", until: Number.isFinite(providerFull) ? now + providerFull : undefined });
        else passed.push({ candidate, why: "keys_unusable", until: Number.isFinite(keysReadyAt) ? keysReadyAt : undefined, keys });
      }
      if (!waitable) {
        return {
          reason: "no healthy provider is available",
          cause: "no_healthy_provider",
          retryAfterMs: Number.isFinite(soonest) ? soonest : undefined,
          skipped: this.describe(passed, Date.now()),
        };
      }
      // A floor keeps a request from spinning while a half-open probe (ready "now") is still out.
      const retryIn = Number.isFinite(soonest) ? Math.max(MIN_RECHECK_MS, soonest) : QUEUE_POLL_MS;
      if (!(await this.queue.wait(queueDeadline, Math.min(retryIn, QUEUE_POLL_MS), signal))) {
        // Waiting was for limits to free, or only for cooling keys and breakers (then no limit is to blame).
        const limited = passed.some((entry) => entry.why === "provider_limit" || (entry.keys?.limited ?? 0) > 0);
        return {
          reason: signal?.aborted ? "client closed the request" : limited ? "every provider is at its rate or concurrency limit" : "no healthy provider became available in time",
          cause: !signal?.aborted && limited ? "provider_limits" : "no_healthy_provider",
          retryAfterMs: Number.isFinite(soonest) ? soonest : QUEUE_POLL_MS,
          skipped: this.describe(passed, Date.now()),
        };
      }
    }
  }

  /** The candidates passed over, with what health knows about them (read only when refusing). */
  private describe(passed: Passed[], now: number): SkippedCandidate[] {
    return passed.map(({ candidate, why, until, keys }) => {
      const skipped: SkippedCandidate = { providerName: candidate.providerName, providerModel: candidate.providerModel, why, until };
      const health = this.health.associationSnapshot(candidate.associationId);
      if (why === "breaker_open" || why === "breaker_probing" || why === "failed_here") {
        const failures = health.breaker.consecutiveFailures;
        // The cause in words first (a refused connection says so), then the upstream's own message.
        const last = health.lastError ? `${health.lastError.cause.replaceAll("-", " ")}: ${health.lastError.message}` : undefined;
        const parts = [failures > 0 && why !== "failed_here" ? `${failures} failure${failures === 1 ? "" : "s"} in a row` : "", last ? `last: ${last}` : ""];
        skipped.detail = parts.filter(Boolean).join("; ") || undefined;
      } else if (why === "keys_unusable" && keys) {
        const parts: string[] = [];
        if (keys.dead > 0) {
          const reasons = new Set(this.health.keySnapshots(candidate.providerId, candidate.apiKeys, now).flatMap((key) => (key.deadReason ? [key.deadReason] : [])));
          parts.push(`${keys.dead} refused (${[...reasons].join("; ") || "credentials refused"})`);
        }
        if (keys.cooling > 0) parts.push(`${keys.cooling} cooling down after a rate limit, quota or failures`);
        if (keys.limited > 0) parts.push(`${keys.limited} at the key's rate or concurrency limit`);
        if (keys.tried > 0) parts.push(`${keys.tried} already failed for this request`);
        if (keys.probing > 0) parts.push(`${keys.probing} held by a probe`);
        if (candidate.apiKeys.length === 0) parts.push("no API key configured");
        skipped.detail = `${candidate.apiKeys.length} key${candidate.apiKeys.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
      }
      return skipped;
    });
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
