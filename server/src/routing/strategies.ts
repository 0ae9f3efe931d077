import { orderByWeight } from "./weighted-order.ts";

/** How a model picks among its providers (the contract's `Strategy`). */
import type { Strategy } from "@llmio/contract";
export type StrategyName = Strategy;

export interface StrategyCandidate {
  associationId: number;
  weight: number;
}

/** What least-latency knows of a candidate; undefined when it has never been tried. */
export interface LatencyStats {
  /** Exponentially weighted moving average of time to first byte, ms. */
  firstByteMs: number;
  /** Exponentially weighted moving average of failures (0..1). */
  errorRate: number;
}

/** Highest weight first; ties by id so the order is stable. */
export function orderByPriority<T extends StrategyCandidate>(candidates: readonly T[]): T[] {
  return candidates.slice().sort((a, b) => b.weight - a.weight || a.associationId - b.associationId);
}

/** Each turn starts one further along the (id-ordered) list; weight 0 candidates stay last. */
export function orderRoundRobin<T extends StrategyCandidate>(candidates: readonly T[], turn: number): T[] {
  const active = candidates.filter((candidate) => candidate.weight > 0).sort((a, b) => a.associationId - b.associationId);
  const idle = candidates.filter((candidate) => candidate.weight <= 0);
  if (active.length === 0) return idle;
  const start = turn % active.length;
  return [...active.slice(start), ...active.slice(0, start), ...idle];
}

/**
 * Fastest first, with failures making a candidate look slower (each 10% of errors adds
 * 50% to its latency). Never-tried candidates go first so they get measured.
 */
export function orderByLatency<T extends StrategyCandidate>(candidates: readonly T[], statsOf: (candidate: T) => LatencyStats | undefined): T[] {
  const score = (candidate: T) => {
    const stats = statsOf(candidate);
    return stats ? stats.firstByteMs * (1 + 5 * stats.errorRate) : -1;
  };
  return candidates.slice().sort((a, b) => score(a) - score(b) || b.weight - a.weight);
}

export function orderCandidates<T extends StrategyCandidate>(
  strategy: StrategyName,
  candidates: readonly T[],
  context: { turn: number; statsOf: (candidate: T) => LatencyStats | undefined; random?: () => number },
): T[] {
  switch (strategy) {
    case "priority":
      return orderByPriority(candidates);
    case "round-robin":
      return orderRoundRobin(candidates, context.turn);
    case "least-latency":
      return orderByLatency(candidates, context.statsOf);
    default:
      return orderByWeight(candidates, context.random);
  }
}
