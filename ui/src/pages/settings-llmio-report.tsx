import { For, type JSX, Show } from "solid-js";
import { formatInteger } from "../lib/format.ts";
import { type MessageKey, t } from "../lib/i18n/index.ts";
import { groupImportItems, needsAttention, writesAnything } from "../lib/llmio-import.ts";
import type { ImportAction, ImportItem, ImportItemKind, ImportReport } from "@llmio/contract";

const ACTION_BADGE: Record<ImportAction, string> = {
  created: "badge-ok",
  updated: "badge-brand",
  unchanged: "badge-muted",
  conflict: "badge-warn",
  skipped: "badge-bad",
};

/** Conflicts and skipped rows stand out from the rest of the table. */
const ROW_HIGHLIGHT: Partial<Record<ImportAction, string>> = {
  conflict: "bg-amber-50 dark:bg-amber-500/10",
  skipped: "bg-red-50 dark:bg-red-500/10",
};

const KIND_LABEL: Record<ImportItemKind, MessageKey> = {
  provider: "settings.llmio.kind.provider",
  model: "settings.llmio.kind.model",
  association: "settings.llmio.kind.association",
  "client key": "settings.llmio.kind.clientKey",
  setting: "settings.llmio.kind.setting",
  "admin token": "settings.llmio.kind.adminToken",
};

/** The totals line: "3 new, 1 changed, …", in the report's own numbers. */
export function ImportTotals(props: { report: ImportReport }) {
  const totals = () => Object.fromEntries(Object.entries(props.report.totals).map(([action, count]) => [action, formatInteger(count)]));
  return (
    <p class="text-xs muted" data-testid="llmio-totals">
      {t("settings.llmio.totals", totals())}
    </p>
  );
}

/**
 * What an LLMIO import did or would do: warnings first, then the entries by kind (conflicts and
 * skipped rows first, with why), the request history, how settings were mapped, what has no
 * equivalent, and the rows read per LLMIO table.
 */
export function ImportReportView(props: { report: ImportReport; showUnchanged: boolean }) {
  const groups = () => groupImportItems(props.report.items, props.showUnchanged);
  const variant = () => t(props.report.variant === "llmio-fork" ? "settings.llmio.variant.llmio-fork" : "settings.llmio.variant.llmio");
  const logsSummary = () => (props.report.dryRun ? "settings.llmio.logs.summary" : "settings.llmio.logs.summaryApplied") satisfies MessageKey;
  return (
    <div class="space-y-3" data-testid="llmio-report">
      <p class="text-xs muted break-all" data-testid="llmio-source">
        {t("settings.llmio.from", { source: props.report.source, variant: variant() })}
      </p>

      <Show when={props.report.warnings.length > 0}>
        <NoteList title={t("settings.llmio.warnings")} notes={props.report.warnings} icon="i-lucide-triangle-alert text-amber-600 dark:text-amber-400" testId="llmio-warnings" />
      </Show>

      {/* Skipped rows cannot be imported at all, so they do not stand in the way of "nothing to import". */}
      <Show when={props.report.dryRun && !writesAnything(props.report) && props.report.totals.conflict === 0}>
        <p class="text-sm" data-testid="llmio-nothing">
          {t("settings.llmio.nothingToImport")}
        </p>
      </Show>
      <Show when={props.report.dryRun && props.report.totals.conflict > 0 && !props.report.replace}>
        <p class="text-xs text-amber-800 dark:text-amber-300">{t("settings.llmio.conflictNote")}</p>
      </Show>

      <For each={groups().filter((group) => group.items.length > 0)}>
        {(group) => (
          <div class="space-y-1" data-testid="llmio-group" data-kind={group.kind}>
            <div class="flex flex-wrap items-baseline gap-2">
              <p class="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-300">{t(KIND_LABEL[group.kind] ?? "settings.llmio.kind.setting")}</p>
              <span class="text-xs muted">{t("settings.llmio.groupCounts", { total: formatInteger(Object.values(group.counts).reduce((sum, count) => sum + count, 0)) })}</span>
            </div>
            <ItemTable items={group.items} />
          </div>
        )}
      </For>

      <Show when={props.report.logs}>
        {(logs) => (
          <Block title={t("settings.llmio.logs")} testId="llmio-logs">
            <p class="text-sm">
              {t(logsSummary(), {
                read: formatInteger(logs().read),
                created: formatInteger(logs().created),
                alreadyPresent: formatInteger(logs().alreadyPresent),
                beyondRetention: formatInteger(logs().beyondRetention),
                bodies: formatInteger(logs().bodies),
              })}
            </p>
          </Block>
        )}
      </Show>

      <Show when={props.report.decisions.length > 0}>
        <NoteList title={t("settings.llmio.decisions")} notes={props.report.decisions} icon="i-lucide-arrow-right-left muted" testId="llmio-decisions" />
      </Show>
      <Show when={props.report.noEquivalent.length > 0}>
        <NoteList title={t("settings.llmio.noEquivalent")} notes={props.report.noEquivalent} icon="i-lucide-circle-slash muted" testId="llmio-no-equivalent" />
      </Show>

      <Show when={props.report.tables.length > 0}>
        <Block title={t("settings.llmio.tables")} testId="llmio-tables">
          <div class="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:(border-zinc-800 bg-zinc-900)">
            <table class="table-base">
              <thead>
                <tr>
                  <th class="th">{t("settings.llmio.table")}</th>
                  <th class="th text-right">{t("settings.llmio.read")}</th>
                  <th class="th text-right">{t("settings.llmio.deletedRows")}</th>
                  <th class="th text-right">{t("settings.llmio.skippedRows")}</th>
                </tr>
              </thead>
              <tbody>
                <For each={props.report.tables}>
                  {(table) => (
                    <tr data-testid="llmio-table" data-table={table.table}>
                      <td class="td py-1.5">
                        <code class="code text-xs">{table.table}</code>
                      </td>
                      <td class="td py-1.5 text-right tabular-nums">{formatInteger(table.read)}</td>
                      <td class="td py-1.5 text-right tabular-nums muted">{formatInteger(table.deleted)}</td>
                      <td class={`td py-1.5 text-right tabular-nums ${table.skipped > 0 ? "font-medium text-red-700 dark:text-red-300" : "muted"}`}>{formatInteger(table.skipped)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Block>
      </Show>
    </div>
  );
}

function ItemTable(props: { items: ImportItem[] }) {
  return (
    <div class="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:(border-zinc-800 bg-zinc-900)">
      <table class="table-base">
        <tbody>
          <For each={props.items}>
            {(item) => (
              <tr data-testid="llmio-item" data-kind={item.kind} data-action={item.action} class={ROW_HIGHLIGHT[item.action] ?? ""}>
                <td class="td w-1 whitespace-nowrap">
                  <span class={ACTION_BADGE[item.action]}>{t(`settings.llmio.action.${item.action}`)}</span>
                </td>
                <td class="td">
                  <div class="font-medium break-all">{item.name}</div>
                  <Show when={item.detail}>
                    <div class={`mt-0.5 text-xs break-words ${needsAttention(item) ? "text-zinc-700 dark:text-zinc-200" : "muted"}`} data-testid="llmio-item-detail">
                      {item.detail}
                    </div>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function Block(props: { title: string; testId: string; children: JSX.Element }) {
  return (
    <div class="space-y-1" data-testid={props.testId}>
      <p class="text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-300">{props.title}</p>
      {props.children}
    </div>
  );
}

function NoteList(props: { title: string; notes: string[]; icon: string; testId: string }) {
  return (
    <Block title={props.title} testId={props.testId}>
      <ul class="space-y-1">
        <For each={props.notes}>
          {(note) => (
            <li class="flex items-start gap-2 text-sm">
              <span class={`${props.icon} mt-0.5 shrink-0`} aria-hidden="true" />
              <span class="min-w-0 break-words">{note}</span>
            </li>
          )}
        </For>
      </ul>
    </Block>
  );
}
