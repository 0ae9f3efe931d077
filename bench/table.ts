/** Markdown tables that also read well in a terminal (columns padded to equal width). */

export type Cell = string | number;

export function markdownTable(header: string[], rows: Cell[][], align?: Array<"l" | "r">): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === "number" ? fmt(cell) : cell)));
  const widths = header.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? "").length), 3));
  const alignOf = (i: number) => align?.[i] ?? (i === 0 ? "l" : "r");
  const pad = (cell: string, i: number) => (alignOf(i) === "l" ? cell.padEnd(widths[i]) : cell.padStart(widths[i]));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => pad(cell, i)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (alignOf(i) === "l" ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...text.map((row) => line(row))].join("\n");
}

/** A number with sensible precision: 0.123, 1.23, 12.3, 1234. */
export function fmt(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return "–";
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${fmt(value)}` : "–";
}

/** Signed difference, e.g. "+0.21". */
export function delta(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value >= 0 ? "+" : ""}${fmt(value)}`;
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "–";
}
