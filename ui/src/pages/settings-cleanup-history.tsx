import { createResource, For, Show } from "solid-js";
import { FieldSet } from "../components/fields.tsx";
import { ErrorBox, LoadingRows } from "../components/states.tsx";
import type { RetentionRun } from "@llmio/contract";
import { retentionRuns } from "../lib/config-transfer.ts";
import { formatDateTime, formatDuration, formatInteger } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";

/** The last 100 log cleanups (scheduled or run from Settings), newest first; reloads when `version` changes. */
export function CleanupHistory(props: { version: number }) {
  const [runs, { refetch }] = createResource(() => props.version, () => retentionRuns());
  return (
    <section class="card card-pad" data-testid="cleanup-history">
      <FieldSet legend={t("settings.history")} hint={t("settings.hint.history")}>
        <Show when={runs.error}>
          <ErrorBox error={runs.error} onRetry={refetch} />
        </Show>
        <Show when={runs.loading && !runs.latest}>
          <LoadingRows rows={2} />
        </Show>
        <Show when={runs.latest}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="text-sm muted">{t("settings.history.empty")}</p>}>
              <div class="max-h-96 overflow-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
                <table class="table-base" data-testid="cleanup-history-table">
                  <thead class="sticky top-0 bg-zinc-50 dark:bg-zinc-900">
                    <tr>
                      <th class="th">{t("settings.history.time")}</th>
                      <th class="th">{t("settings.history.trigger")}</th>
                      <th class="th">{t("settings.history.mode")}</th>
                      <th class="th text-right">{t("settings.history.rows")}</th>
                      <th class="th text-right">{t("settings.history.bodies")}</th>
                      <th class="th text-right">{t("settings.history.duration")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>{(run) => <RunRow run={run} />}</For>
                  </tbody>
                </table>
              </div>
            </Show>
          )}
        </Show>
      </FieldSet>
    </section>
  );
}

function RunRow(props: { run: RetentionRun }) {
  return (
    <tr data-testid="cleanup-run" data-trigger={props.run.triggeredBy}>
      <td class="td whitespace-nowrap tabular-nums">{formatDateTime(props.run.startedAt)}</td>
      <td class="td">
        <span class={props.run.triggeredBy === "manual" ? "badge-brand" : "badge-muted"}>{t(`settings.history.${props.run.triggeredBy}`)}</span>
      </td>
      <td class="td whitespace-nowrap">
        {t(`settings.history.mode.${props.run.mode}`)}
        <Show when={props.run.error}>
          {(error) => (
            <div class="mt-0.5 max-w-64 truncate text-xs text-red-600 dark:text-red-400" title={error()}>
              {t("settings.history.failed", { error: error() })}
            </div>
          )}
        </Show>
      </td>
      <td class="td text-right tabular-nums">{formatInteger(props.run.deletedRows)}</td>
      <td class="td text-right tabular-nums">{formatInteger(props.run.deletedBodies)}</td>
      <td class="td text-right tabular-nums whitespace-nowrap">{formatDuration(props.run.durationMs)}</td>
    </tr>
  );
}
