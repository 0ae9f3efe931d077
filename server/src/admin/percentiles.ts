/** An append-only list of integers in a typed array: a million latencies cost 4 MB, not 8+ MB of boxed numbers. */
export class IntegerList {
  private values = new Int32Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The values sorted ascending (sorts in place; later pushes leave the sorted prefix alone). */
  sorted(): Int32Array {
    return this.values.subarray(0, this.length).sort();
  }
}

/** Nearest-rank percentile (`fraction` in 0..1) of ascending values; null when there are none. */
export function percentile(sorted: Int32Array, fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1];
}
