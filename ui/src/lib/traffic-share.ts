/** An association as the expected-share estimate needs it. */
export interface ShareCandidate {
  id: number;
  providerId: number;
  weight: number;
  enabled: boolean;
}

export interface ShareContext {
  /** The model's pinned provider, if any. */
  pinnedProviderId: number | null;
  /** Whether a provider is enabled (a disabled one gets no traffic). */
  providerEnabled: (providerId: number) => boolean;
}

/**
 * The share of a model's traffic each association can expect, in proportion to its weight among
 * those the gateway routes to: enabled, of an enabled provider, and of the pinned provider when
 * the model is pinned (the gateway ignores a pin to a provider that serves none of them). Every
 * other association — switched off, its provider disabled, pinned away — expects 0.
 */
export function expectedShares(associations: readonly ShareCandidate[], context: ShareContext): Map<number, number> {
  let routed = associations.filter((association) => association.enabled && context.providerEnabled(association.providerId));
  const pinned = routed.filter((association) => association.providerId === context.pinnedProviderId);
  if (pinned.length > 0) routed = pinned;
  const total = routed.reduce((sum, association) => sum + Math.max(0, association.weight), 0);
  const shares = new Map<number, number>();
  for (const association of associations) shares.set(association.id, 0);
  if (total > 0) for (const association of routed) shares.set(association.id, Math.max(0, association.weight) / total);
  return shares;
}
