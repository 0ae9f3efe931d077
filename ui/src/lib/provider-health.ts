import type { FailureRecord, ProviderHealth } from "@llmio/contract";

export type ProviderStatus = "ok" | "degraded" | "down" | "idle" | "disabled";

/**
 * One word for a provider's state, from what the balancer knows: down when every key is dead
 * or every enabled association's breaker is open; degraded when some key or breaker is not
 * healthy or recent calls fail often; idle without recent calls. Calls made before its breakers
 * were last closed after trouble (a probe, Test connection or Reset found it working) are
 * history: a provider that recovered is healthy again without waiting for traffic.
 */
export function providerStatus(health: ProviderHealth | undefined, enabled = health?.enabled ?? true): ProviderStatus {
  if (!enabled) return "disabled";
  if (!health) return "idle";
  const keys = health.keys;
  if (keys.length > 0 && keys.every((key) => key.state === "dead")) return "down";
  const active = health.associations.filter((association) => association.enabled);
  if (active.length > 0 && active.every((association) => association.breaker?.state === "open")) return "down";
  const outcomes = currentOutcomes(health);
  const failureRate = outcomes.length ? outcomes.filter((outcome) => !outcome).length / outcomes.length : 0;
  const troubled =
    keys.some((key) => key.state !== "ok") || active.some((association) => association.breaker && association.breaker.state !== "closed") || failureRate > 0.2;
  if (troubled) return "degraded";
  if (outcomes.length > 0) return "ok";
  // No call since: a check that found it working (or a reset) is the latest word.
  return health.lastCheck?.ok ? "ok" : "idle";
}

/** All associations' recent outcomes together (each list is oldest first). */
export function recentOutcomes(health: ProviderHealth | undefined): boolean[] {
  return health?.associations.flatMap((association) => association.recent) ?? [];
}

/** The outcomes since each association's breakers were last closed after trouble. */
export function currentOutcomes(health: ProviderHealth | undefined): boolean[] {
  return (
    health?.associations.flatMap((association) => {
      const since = association.recentSinceRecovery ?? association.recent.length;
      return since > 0 ? association.recent.slice(-since) : [];
    }) ?? []
  );
}

/** How many keys are in each state. */
export function keyStateCounts(health: ProviderHealth | undefined): { ok: number; dead: number; cooling: number; open: number } {
  const counts = { ok: 0, dead: 0, cooling: 0, open: 0 };
  for (const key of health?.keys ?? []) counts[key.state] = (counts[key.state] ?? 0) + 1;
  return counts;
}

/**
 * Why the provider is not healthy right now: the newest failure of an association whose breaker
 * is not closed or of a key that is not usable; null when nothing is wrong now.
 */
export function currentCause(health: ProviderHealth | undefined): FailureRecord | null {
  if (!health) return null;
  const failures: FailureRecord[] = [];
  for (const association of health.associations) {
    const error = association.lastError;
    if (association.enabled && association.breaker && association.breaker.state !== "closed" && error?.cause) failures.push(error as FailureRecord);
  }
  for (const key of health.keys) if (key.state !== "ok" && key.lastFailure) failures.push(key.lastFailure);
  if (failures.length === 0) {
    const troubled = health.keys.some((key) => key.state !== "ok") || health.associations.some((association) => association.enabled && association.breaker?.state === "open");
    return troubled ? (health.lastFailure ?? null) : null;
  }
  return failures.reduce((newest, failure) => (failure.at > newest.at ? failure : newest));
}

/** When the provider takes traffic again, for a provider that is down because its breakers are open. */
export function downUntil(health: ProviderHealth | undefined, status: ProviderStatus): number | null {
  if (status !== "down" && status !== "degraded") return null;
  return health?.openUntil ?? null;
}

/** Whether a Reset has anything to undo: the provider is down or degraded (breakers, keys, or recent failures). */
export function canReset(status: ProviderStatus): boolean {
  return status === "down" || status === "degraded";
}

export const STATUS_BADGE: Record<ProviderStatus, string> = {
  ok: "badge-ok",
  degraded: "badge-warn",
  down: "badge-bad",
  idle: "badge-muted",
  disabled: "badge-muted",
};
