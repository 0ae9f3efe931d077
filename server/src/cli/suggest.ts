/**
 * Edit distance with adjacent transpositions (optimal string alignment): `prot` is one edit
 * from `port`, as a typist would count it.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let best = Math.min(distance[row - 1][column] + 1, distance[row][column - 1] + 1, distance[row - 1][column - 1] + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) best = Math.min(best, distance[row - 2][column - 2] + 1);
      distance[row][column] = best;
    }
  }
  return distance[a.length][b.length];
}

/**
 * The candidate the user most likely meant, or undefined when none is close: within a third of
 * the typed length in edits (at least one), or the only candidate the typed text starts (≥ 3 letters).
 */
export function closestName(typed: string, candidates: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase();
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(wanted, name.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  if (best) return best.name;
  const prefixed = wanted.length >= 3 ? candidates.filter((name) => name.toLowerCase().startsWith(wanted)) : [];
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
