import type { ImportReport } from "./import-report.ts";

/** The report as the CLI prints it: per table, then every entry, the mapping, what has no equivalent, warnings. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  const variant = report.variant === "llmio-fork" ? "the LLMIO fork (raciott/llmio)" : "LLMIO";
  lines.push(`${report.dryRun ? "Dry run: nothing was written. " : ""}Import from ${variant} at ${report.source}${report.replace ? " (--replace)" : ""}`);
  lines.push("", "LLMIO tables:");
  for (const table of report.tables) {
    const parts = [`${table.read} rows`];
    if (table.deleted) parts.push(`${table.deleted} soft-deleted (skipped)`);
    if (table.skipped) parts.push(`${table.skipped} not importable`);
    lines.push(`  ${table.table.padEnd(22)} ${parts.join(", ")}`);
  }
  lines.push("", report.dryRun ? "Importing would give:" : "Entries:");
  for (const item of report.items) {
    lines.push(`  ${item.action.padEnd(10)} ${item.kind} ${item.name}${item.detail ? `: ${item.detail}` : ""}`);
  }
  const { totals } = report;
  lines.push(`  ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ${totals.conflict} conflicts, ${totals.skipped} skipped`);
  if (report.logs) {
    const { logs } = report;
    lines.push(
      "",
      `Request history: ${logs.read} rows read, ${logs.created} ${report.dryRun ? "to import" : "imported"}, ${logs.alreadyPresent} already present, ${logs.beyondRetention} beyond the log retention, ${logs.bodies} captured bodies`,
    );
  }
  section(lines, "How LLMIO settings were mapped:", report.decisions);
  section(lines, "No equivalent in llmio:", report.noEquivalent);
  section(lines, "Warnings:", report.warnings);
  return lines.join("\n");
}

function section(lines: string[], title: string, entries: string[]): void {
  if (entries.length === 0) return;
  lines.push("", title, ...entries.map((entry) => `  - ${entry}`));
}
