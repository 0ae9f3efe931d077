/** Rotates through a provider's API keys so load spreads evenly across them. */
export class KeyRotation {
  private readonly counters = new Map<number, number>();

  /** The provider's keys, starting one further along on each call. */
  order(providerId: number, keys: readonly string[]): string[] {
    if (keys.length <= 1) return keys.slice();
    const turn = this.counters.get(providerId) ?? 0;
    this.counters.set(providerId, turn + 1);
    const start = turn % keys.length;
    return [...keys.slice(start), ...keys.slice(0, start)];
  }

  next(providerId: number, keys: readonly string[]): string {
    return this.order(providerId, keys)[0];
  }
}
