import { createSignal, For, type JSX, Show } from "solid-js";
import { confirmAction } from "../components/confirm.tsx";
import { ErrorBox, LoadingRows, Spinner } from "../components/states.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { formatBytes, formatInteger, formatPercent } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import { createPolling } from "../lib/polling.ts";
import { memoryUse } from "../lib/response-cache.ts";
import type { CacheStats } from "@llmio/contract";

const STATS_POLL_MS = 5000;

/** What the response cache holds now (all instances' stored answers, this instance's memory, per model), and "Purge all". */
export function CacheStatsPanel() {
  const [stats, { refetch, mutate }] = createPolling(() => api.cacheStats(), STATS_POLL_MS);
  const [purging, setPurging] = createSignal(false);

  const purgeAll = async () => {
    if (!(await confirmAction({ title: t("settings.cachePurgeTitle"), message: t("settings.cachePurgeMessage"), confirmLabel: t("settings.cachePurgeAll"), danger: true }))) return;
    setPurging(true);
    try {
      const { purged } = await api.purgeCache();
      toast(t("settings.cachePurged", { count: formatInteger(purged) }));
      mutate(await api.cacheStats());
    } catch (error) {
      toastError(error);
    } finally {
      setPurging(false);
    }
  };

  return (
    <div class="space-y-3" data-testid="cache-stats">
      <Show when={stats.error && !stats.latest}>
        <ErrorBox error={stats.error} onRetry={refetch} />
      </Show>
      <Show when={stats.loading && !stats.latest}>
        <LoadingRows rows={2} />
      </Show>
      <Show when={stats.latest}>{(current) => <StatsView stats={current()} />}</Show>
      <div class="flex flex-wrap items-center gap-3 pt-1">
        <button type="button" class="btn-secondary" onClick={purgeAll} disabled={purging() || !stats.latest} data-testid="cache-purge-all">
          {purging() ? <Spinner /> : <span class="i-lucide-eraser" />}
          {t("settings.cachePurgeAll")}
        </button>
      </div>
    </div>
  );
}

function StatsView(props: { stats: CacheStats }) {
  const use = () => memoryUse(props.stats);
  return (
    <>
      <dl class="grid gap-3 text-sm sm:grid-cols-3">
        <Tile label={t("settings.cacheEntries")} testId="cache-entries">
          {formatInteger(props.stats.entries)}
        </Tile>
        <Tile label={t("settings.cacheBytes")} testId="cache-bytes">
          {formatBytes(props.stats.bytes)}
        </Tile>
        <Tile label={t("settings.cacheMemory")} testId="cache-memory">
          <span>{t("settings.cacheMemoryValue", { used: formatBytes(props.stats.memoryBytes), max: formatBytes(props.stats.memoryMaxBytes) })}</span>
          <div class="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-700" role="img" aria-label={formatPercent(use())}>
            <div class={`h-full rounded-full ${use() > 0.9 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${Math.round(use() * 100)}%` }} />
          </div>
          <p class="mt-1 text-xs font-normal muted">{t("settings.cacheMemoryEntries", { count: formatInteger(props.stats.memoryEntries) })}</p>
        </Tile>
      </dl>
      <Show when={props.stats.byModel.length > 0} fallback={<p class="text-sm muted" data-testid="cache-empty">{t("settings.cacheEmpty")}</p>}>
        <div class="max-h-72 overflow-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table class="table-base" data-testid="cache-by-model">
            <thead class="sticky top-0 bg-zinc-50 dark:bg-zinc-900">
              <tr>
                <th class="th">{t("settings.cacheByModel")}</th>
                <th class="th text-right">{t("settings.cacheEntries")}</th>
                <th class="th text-right">{t("settings.cacheBytes")}</th>
              </tr>
            </thead>
            <tbody>
              <For each={props.stats.byModel}>
                {(row) => (
                  <tr data-testid="cache-model-row" data-model={row.model}>
                    <td class="td font-mono text-xs">{row.model}</td>
                    <td class="td text-right tabular-nums">{formatInteger(row.entries)}</td>
                    <td class="td text-right tabular-nums">{formatBytes(row.bytes)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </>
  );
}

function Tile(props: { label: string; testId: string; children: JSX.Element }) {
  return (
    <div class="min-w-0 rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60" data-testid={props.testId}>
      <dt class="text-xs leading-snug muted">{props.label}</dt>
      <dd class="mt-0.5 font-medium tabular-nums">{props.children}</dd>
    </div>
  );
}
