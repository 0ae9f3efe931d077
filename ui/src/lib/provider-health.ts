import type { ProviderHealth } from "./types.ts";

export type ProviderStatus = "ok" | "degraded" | "down" | "idle" | "disabled";

/**
 * One word for a provider's state, from what the balancer knows: down when every key is dead
 * or every enabled association's breaker is open; degraded when some key or breaker is not
 * healthy or recent calls fail often; idle without recent calls.
 */
export function providerStatus(health: ProviderHealth | undefined, enabled = health?.enabled ?? true): ProviderStatus {
  if (!enabled) return "disabled";
  if (!health) return "idle";
  const keys = health.keys;
  if (keys.length > 0 && keys.every((key) => key.state === "dead")) return "down";
  const active = health.associations.filter((association) => association.enabled);
  if (active.length > 0 && active.every((association) => association.breaker?.state === "open")) return "down";
  const outcomes = recentOutcomes(health);
  const failureRate = outcomes.length ? outcomes.filter((outcome) => !outcome).length / outcomes.length : 0;
  const troubled =
    keys.some((key) => key.state !== "ok") || active.some((association) => association.breaker && association.breaker.state !== "closed") || failureRate > 0.2;
  if (troubled) return "degraded";
  return outcomes.length === 0 ? "idle" : "ok";
}

/** All associations' recent outcomes together (each list is oldest first). */
export function recentOutcomes(health: ProviderHealth | undefined): boolean[] {
  return health?.associations.flatMap((association) => association.recent) ?? [];
}

/** How many keys are in each state. */
export function keyStateCounts(health: ProviderHealth | undefined): { ok: number; dead: number; cooling: number; open: number } {
  const counts = { ok: 0, dead: 0, cooling: 0, open: 0 };
  for (const key of health?.keys ?? []) counts[key.state] = (counts[key.state] ?? 0) + 1;
  return counts;
}

export const STATUS_BADGE: Record<ProviderStatus, string> = {
  ok: "badge-ok",
  degraded: "badge-warn",
  down: "badge-bad",
  idle: "badge-muted",
  disabled: "badge-muted",
};
