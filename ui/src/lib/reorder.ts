/** A copy of `items` with the item at `from` moved to `to` (indexes clamped). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const result = [...items];
  if (from < 0 || from >= result.length) return result;
  const target = Math.min(Math.max(to, 0), result.length - 1);
  const [item] = result.splice(from, 1);
  result.splice(target, 0, item);
  return result;
}

/** Whether two id orders differ (to skip saving an unchanged order). */
export function orderChanged(before: readonly number[], after: readonly number[]): boolean {
  return before.length !== after.length || before.some((id, index) => id !== after[index]);
}

/**
 * The index a dragged row belongs at, given the pointer's y and the rows' vertical bounds
 * (top, height), measured without the dragged row's own displacement.
 */
export function dropIndex(pointerY: number, rows: readonly { top: number; height: number }[]): number {
  for (let index = 0; index < rows.length; index++) {
    if (pointerY < rows[index].top + rows[index].height / 2) return index;
  }
  return Math.max(rows.length - 1, 0);
}
