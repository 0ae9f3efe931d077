/** Rotates through a provider's API keys so load spreads evenly across them. */
export class KeyRotation {
  private readonly counters = new Map<number, number>();

  next(providerId: number, keys: readonly string[]): string {
    const turn = this.counters.get(providerId) ?? 0;
    this.counters.set(providerId, turn + 1);
    return keys[turn % keys.length];
  }
}
