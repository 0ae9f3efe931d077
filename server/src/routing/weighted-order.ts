/**
 * Orders candidates for failover by weighted random sampling without replacement
 * (Efraimidis–Spirakis: key = u^(1/w), highest first). A candidate with weight w is
 * first with probability w / Σw; weight 0 candidates come last, as a last resort.
 */
export function orderByWeight<T extends { weight: number }>(candidates: readonly T[], random: () => number = Math.random): T[] {
  if (candidates.length <= 1) return candidates.slice();
  const keyed = candidates.map((candidate) => ({
    candidate,
    key: candidate.weight > 0 ? Math.pow(random(), 1 / candidate.weight) : -random(),
  }));
  keyed.sort((a, b) => b.key - a.key);
  return keyed.map((entry) => entry.candidate);
}
