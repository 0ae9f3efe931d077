import { useSearchParams } from "@solidjs/router";
import { batch, createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from "solid-js";
import { CachedBadge } from "../components/cache-badge.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { EmptyState, ErrorBox, LoadingRows, Spinner } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { formatCompact, formatDateTime, formatDuration, formatInteger, formatTime } from "../lib/format.ts";
import { formatMoney } from "../lib/money.ts";
import { t } from "../lib/i18n/index.ts";
import { activeFilterCount, filterFromSearch, filterToSearch, LOG_RANGES, logQueryString, type LogFilter, type LogRange } from "../lib/log-filter.ts";
import { callerLabel, LOG_REASONS, reasonLabel } from "../lib/log-reasons.ts";
import { usePageTitle } from "../lib/page-title.ts";
import { isCacheHit } from "../lib/response-cache.ts";
import type { LogRow } from "@llmio/contract";
import { LogDetailDrawer } from "./log-detail.tsx";

const PROTOCOLS = ["openai-chat", "openai-responses", "anthropic", "gemini"];
const LIVE_POLL_MS = 5000;

/** The request log: filters in the URL, keyset pages of 50 attempts, and a detail drawer per trace. */
export default function LogsPage() {
  usePageTitle("nav.logs");
  const [search, setSearch] = useSearchParams<Record<string, string>>();
  const filter = createMemo(() => filterFromSearch(search));
  const [cursors, setCursors] = createSignal<number[]>([]);
  const [now, setNow] = createSignal(Date.now());
  const [live, setLive] = createSignal(false);
  const [showFilters, setShowFilters] = createSignal(false);

  const [models] = createResource(() => api.models().catch(() => []));
  const [providers] = createResource(() => api.providers().catch(() => []));
  const [keys] = createResource(() => api.authKeys().catch(() => []));
  const keyName = (id: number | null) => (id === null ? t("dashboard.adminToken") : (keys()?.find((key) => key.id === id)?.name ?? `#${id}`));

  const query = createMemo(() => logQueryString(filter(), { now: now(), cursor: cursors().at(-1) }));
  // `tick` refetches the same query (refresh button, auto-refresh of an "all time" view).
  const [tick, setTick] = createSignal(0);
  const [page, { refetch }] = createResource(
    () => ({ text: query(), tick: tick() }),
    (source) => api.logs(source.text),
  );

  // A new filter (also from the back button) starts from the newest rows.
  createEffect(
    on(
      () => JSON.stringify(filter()),
      () => {
        if (cursors().length > 0) setCursors([]);
      },
      { defer: true },
    ),
  );

  const timer = setInterval(() => {
    if (live() && cursors().length === 0 && document.visibilityState !== "hidden") {
      batch(() => {
        setNow(Date.now());
        setTick(tick() + 1);
      });
    }
  }, LIVE_POLL_MS);
  onCleanup(() => clearInterval(timer));

  const update = (changes: Partial<LogFilter>) => {
    const next = { ...filter(), ...changes };
    setCursors([]);
    setSearch({ ...filterToSearch(next), detail: search.detail }, { replace: true });
  };
  const clearFilters = () =>
    setSearch(
      { range: undefined, from: undefined, to: undefined, model: undefined, provider: undefined, status: undefined, key: undefined, trace: undefined, protocol: undefined, session: undefined, reason: undefined, cache: undefined },
      { replace: true },
    );
  const openDetail = (traceId: string) => setSearch({ detail: traceId });
  // A session spans time: its rows are looked for over all of it.
  const showSession = (sessionId: string) => {
    setCursors([]);
    setSearch({ ...filterToSearch({ ...filter(), range: "all", sessionId }), detail: undefined });
  };
  const closeDetail = () => setSearch({ detail: undefined });
  const refresh = () =>
    batch(() => {
      setCursors([]);
      setNow(Date.now());
      setTick(tick() + 1);
    });

  const rows = () => page.latest?.items ?? [];
  const toLocalInput = (ms: number | undefined) => (ms === undefined ? "" : new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
  const fromLocalInput = (text: string) => (text ? new Date(text).getTime() : undefined);

  return (
    <div>
      <PageHeader
        title={t("nav.logs")}
        subtitle={t("logs.subtitle")}
        actions={
          <>
            <label class="inline-flex cursor-pointer items-center gap-2 text-sm">
              <input type="checkbox" class="h-4 w-4 accent-brand-600" checked={live()} onChange={(event) => setLive(event.currentTarget.checked)} />
              {t("logs.autoRefresh")}
            </label>
            <button type="button" class="btn-secondary" onClick={refresh} data-testid="logs-refresh">
              <span class={`i-lucide-refresh-cw ${page.loading ? "animate-spin" : ""}`} />
              {t("common.refresh")}
            </button>
          </>
        }
      />

      <section class="card mb-4 p-3 sm:p-4" aria-label={t("logs.filters")}>
        <div class="grid grid-cols-2 items-end gap-3 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-7">
          <div class="col-span-2 min-w-0 space-y-1.5 sm:col-span-1">
            <label for="log-range" class="field-label">
              {t("logs.range")}
            </label>
            <select id="log-range" class="input" value={filter().range} onChange={(event) => update({ range: event.currentTarget.value as LogRange, from: filter().from ?? Date.now() - 3_600_000, to: filter().to })}>
              <For each={LOG_RANGES}>{(range) => <option value={range}>{t(`logs.range.${range}`)}</option>}</For>
            </select>
          </div>
          <Show when={filter().range === "custom"}>
            <div class="min-w-0 space-y-1.5">
              <label for="log-from" class="field-label">
                {t("logs.from")}
              </label>
              <input id="log-from" type="datetime-local" class="input" value={toLocalInput(filter().from)} onChange={(event) => update({ from: fromLocalInput(event.currentTarget.value) })} />
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-to" class="field-label">
                {t("logs.to")}
              </label>
              <input id="log-to" type="datetime-local" class="input" value={toLocalInput(filter().to)} onChange={(event) => update({ to: fromLocalInput(event.currentTarget.value) })} />
            </div>
          </Show>
          <div class="min-w-0 space-y-1.5">
            <label for="log-status" class="field-label">
              {t("logs.status")}
            </label>
            <select id="log-status" class="input" value={filter().status ?? ""} onChange={(event) => update({ status: (event.currentTarget.value || undefined) as LogFilter["status"] })}>
              <option value="">{t("common.all")}</option>
              <option value="success">{t("logs.status.success")}</option>
              <option value="error">{t("logs.status.error")}</option>
            </select>
          </div>
          <div class="min-w-0 space-y-1.5">
            <label for="log-model" class="field-label">
              {t("common.model")}
            </label>
            <select id="log-model" class="input" value={filter().model ?? ""} onChange={(event) => update({ model: event.currentTarget.value || undefined })}>
              <option value="">{t("common.all")}</option>
              <For each={models() ?? []}>{(model) => <option value={model.name}>{model.name}</option>}</For>
              <Show when={filter().model && !(models() ?? []).some((model) => model.name === filter().model)}>
                <option value={filter().model}>{filter().model}</option>
              </Show>
            </select>
          </div>
          <button type="button" class="btn-secondary col-span-2 sm:hidden" aria-expanded={showFilters()} onClick={() => setShowFilters(!showFilters())}>
            <span class="i-lucide-sliders-horizontal" />
            {t("logs.moreFilters")}
            <Show when={activeFilterCount(filter()) > 0}>
              <span class="badge-brand">{activeFilterCount(filter())}</span>
            </Show>
          </button>
          <div class={`${showFilters() ? "contents" : "hidden"} sm:contents`}>
            <div class="min-w-0 space-y-1.5">
              <label for="log-provider" class="field-label">
                {t("common.provider")}
              </label>
              <select id="log-provider" class="input" value={filter().providerId ?? ""} onChange={(event) => update({ providerId: event.currentTarget.value ? Number(event.currentTarget.value) : undefined })}>
                <option value="">{t("common.all")}</option>
                <For each={providers() ?? []}>{(provider) => <option value={provider.id}>{provider.name}</option>}</For>
              </select>
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-key" class="field-label">
                {t("dashboard.clientKey")}
              </label>
              <select id="log-key" class="input" value={filter().authKeyId ?? ""} onChange={(event) => update({ authKeyId: event.currentTarget.value ? Number(event.currentTarget.value) : undefined })}>
                <option value="">{t("common.all")}</option>
                <For each={keys() ?? []}>{(key) => <option value={key.id}>{key.name}</option>}</For>
              </select>
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-protocol" class="field-label">
                {t("logs.protocol")}
              </label>
              <select id="log-protocol" class="input" value={filter().clientProtocol ?? ""} onChange={(event) => update({ clientProtocol: event.currentTarget.value || undefined })}>
                <option value="">{t("common.all")}</option>
                <For each={PROTOCOLS}>{(protocol) => <option value={protocol}>{protocol}</option>}</For>
              </select>
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-reason" class="field-label">
                {t("logs.reasonFilter")}
              </label>
              <select id="log-reason" class="input" value={filter().reason ?? ""} onChange={(event) => update({ reason: event.currentTarget.value || undefined })}>
                <option value="">{t("common.all")}</option>
                <option value="rejected">{t("logs.reasonFilter.rejected")}</option>
                <For each={LOG_REASONS}>{(reason) => <option value={reason}>{reasonLabel(reason)}</option>}</For>
              </select>
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-cache" class="field-label">
                {t("logs.cacheStatus")}
              </label>
              <select id="log-cache" class="input" value={filter().cacheStatus ?? ""} onChange={(event) => update({ cacheStatus: (event.currentTarget.value || undefined) as LogFilter["cacheStatus"] })}>
                <option value="">{t("common.all")}</option>
                <option value="hit">{t("logs.cacheFilter.hit")}</option>
                <option value="miss">{t("logs.cacheFilter.miss")}</option>
              </select>
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-session" class="field-label">
                {t("logs.session")}
              </label>
              <input
                id="log-session"
                class="input font-mono"
                type="search"
                value={filter().sessionId ?? ""}
                placeholder={t("logs.sessionPlaceholder")}
                onChange={(event) => update({ sessionId: event.currentTarget.value.trim() || undefined })}
                autocomplete="off"
                spellcheck={false}
              />
            </div>
            <div class="min-w-0 space-y-1.5">
              <label for="log-trace" class="field-label">
                {t("logs.traceId")}
              </label>
              <input
                id="log-trace"
                class="input font-mono"
                type="search"
                value={filter().traceId ?? ""}
                placeholder={t("logs.traceIdPlaceholder")}
                onChange={(event) => update({ traceId: event.currentTarget.value.trim() || undefined })}
                autocomplete="off"
                spellcheck={false}
              />
            </div>
          </div>
          <Show when={activeFilterCount(filter()) > 0 || filter().range !== "24h"}>
            <button type="button" class="btn-ghost justify-self-start" onClick={clearFilters}>
              <span class="i-lucide-x" />
              {t("logs.clearFilters")}
            </button>
          </Show>
        </div>
      </section>

      <Show when={page.error}>
        <ErrorBox error={page.error} onRetry={refetch} class="mb-4" />
      </Show>

      <section class="card min-w-0 overflow-hidden" aria-busy={page.loading}>
        <Show when={!page.latest && page.loading}>
          <div class="px-4">
            <LoadingRows rows={8} />
          </div>
        </Show>
        <Show when={page.latest}>
          <Show when={rows().length > 0} fallback={<EmptyState icon="i-lucide-scroll-text" title={t("logs.empty")} hint={activeFilterCount(filter()) > 0 ? t("logs.emptyFiltered") : t("logs.emptyHint")} />}>
            {/* Table from md up */}
            <div class="hidden overflow-x-auto md:block">
              <table class="table-base" data-testid="logs-table">
                <thead class="bg-zinc-50 dark:bg-zinc-900/60">
                  <tr>
                    <th class="th">{t("logs.time")}</th>
                    <th class="th">{t("common.model")}</th>
                    <th class="th">{t("common.provider")}</th>
                    <th class="th">{t("logs.status")}</th>
                    <th class="th">{t("logs.reason")}</th>
                    <th class="th text-right">{t("logs.tokensInOut")}</th>
                    <th class="th text-right">{t("logs.cost")}</th>
                    <th class="th text-right">{t("logs.firstByte")}</th>
                    <th class="th text-right">{t("logs.duration")}</th>
                    <th class="th hidden xl:table-cell">{t("dashboard.clientKey")}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(row) => (
                      <tr
                        class={`cursor-pointer transition-colors hover:bg-zinc-50 dark:hover:bg-zinc-800/50 ${search.detail === row.traceId ? "bg-brand-50/60 dark:bg-brand-500/10" : ""}`}
                        onClick={() => openDetail(row.traceId)}
                        data-testid="log-row"
                        data-trace={row.traceId}
                      >
                        <td class="td whitespace-nowrap">
                          <button type="button" class="text-left tabular-nums hover:underline focus-visible:(outline-none underline)" title={formatDateTime(row.createdAt)} onClick={(event) => (event.stopPropagation(), openDetail(row.traceId))}>
                            {formatTime(row.createdAt)}
                          </button>
                          <Show when={row.otelTraceId}>
                            <span class="i-lucide-waypoints ml-1.5 align-[-2px] text-xs muted" role="img" title={t("logs.otelTraced")} aria-label={t("logs.otelTraced")} data-testid="log-otel" />
                          </Show>
                        </td>
                        <td class="td max-w-48 truncate font-medium">
                          {row.model || <span class="font-normal muted">—</span>}
                          <Show when={row.attempt > 0}>
                            <span class="badge-muted ml-1.5" title={t("logs.attempt")}>
                              #{row.attempt + 1}
                            </span>
                          </Show>
                        </td>
                        <td class="td max-w-56">
                          <Show
                            when={isCacheHit(row)}
                            fallback={
                              <>
                                <div class="truncate">{row.providerName ?? "—"}</div>
                                <div class="truncate font-mono text-xs muted">{row.providerModel ?? row.path}</div>
                              </>
                            }
                          >
                            <CachedBadge />
                            <div class="mt-0.5 truncate text-xs muted">{t("logs.servedFromCache")}</div>
                          </Show>
                        </td>
                        <td class="td">
                          <StatusBadge row={row} />
                        </td>
                        <td class="td max-w-56" data-testid="log-reason">
                          <ReasonCell row={row} />
                        </td>
                        <Show
                          when={isCacheHit(row)}
                          fallback={
                            <>
                              <td class="td whitespace-nowrap text-right tabular-nums">
                                {formatCompact(row.promptTokens)} / {formatCompact(row.completionTokens)}
                                <Show when={row.usageEstimated}>
                                  <span class="ml-0.5 muted" title={t("logs.estimated")}>
                                    ~
                                  </span>
                                </Show>
                              </td>
                              <td class="td whitespace-nowrap text-right tabular-nums" data-testid="log-cost" title={row.cost === null ? t("logs.costUnknown") : undefined}>
                                {formatMoney(row.cost, row.currency)}
                              </td>
                            </>
                          }
                        >
                          {/* A hit spent nothing upstream: what it saved instead. */}
                          <td class="td whitespace-nowrap text-right tabular-nums text-sky-700 dark:text-sky-300" data-testid="log-saved-tokens" title={t("logs.savedTitle", { tokens: formatInteger(row.savedTokens) })}>
                            {t("logs.saved", { amount: formatCompact(row.savedTokens) })}
                          </td>
                          <td class="td whitespace-nowrap text-right tabular-nums text-sky-700 dark:text-sky-300" data-testid="log-cost">
                            {t("logs.saved", { amount: formatMoney(row.savedCost, row.currency) })}
                          </td>
                        </Show>
                        <td class="td whitespace-nowrap text-right tabular-nums">{formatDuration(row.firstByteMs)}</td>
                        <td class="td whitespace-nowrap text-right tabular-nums">{formatDuration(row.durationMs)}</td>
                        <td class="td hidden max-w-40 truncate xl:table-cell muted" title={callerLabel(row, keyName)}>
                          {callerLabel(row, keyName)}
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            {/* Cards on phones */}
            <ul class="divide-y divide-zinc-100 dark:divide-zinc-800 md:hidden">
              <For each={rows()}>
                {(row) => (
                  <li>
                    <button type="button" class="block w-full px-4 py-3 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800/50" onClick={() => openDetail(row.traceId)} data-testid="log-card">
                      <div class="flex items-center justify-between gap-2">
                        <span class="min-w-0 truncate font-medium">{row.model || "—"}</span>
                        <StatusBadge row={row} />
                      </div>
                      <div class="mt-1 flex items-center justify-between gap-2 text-xs muted">
                        <Show
                          when={isCacheHit(row)}
                          fallback={
                            <>
                              <span class="min-w-0 truncate">{row.providerName ?? "—"}</span>
                              <span class="shrink-0 tabular-nums">
                                {formatCompact(row.promptTokens)}/{formatCompact(row.completionTokens)}
                                <Show when={row.cost}> · {formatMoney(row.cost, row.currency)}</Show> · {formatDuration(row.durationMs)} · {formatTime(row.createdAt)}
                              </span>
                            </>
                          }
                        >
                          <CachedBadge />
                          <span class="shrink-0 tabular-nums">
                            {t("logs.saved", { amount: formatCompact(row.savedTokens) })}
                            <Show when={row.savedCost}> · {formatMoney(row.savedCost, row.currency)}</Show> · {formatTime(row.createdAt)}
                          </span>
                        </Show>
                      </div>
                      <Show when={row.reason}>
                        <div class="mt-1 text-xs">
                          <ReasonCell row={row} />
                        </div>
                      </Show>
                      <Show when={row.error && !row.reason}>
                        <p class="mt-1 truncate text-xs text-red-600 dark:text-red-400">{row.error}</p>
                      </Show>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <div class="flex flex-wrap items-center justify-between gap-2 border-t border-zinc-100 px-4 py-2.5 text-sm dark:border-zinc-800">
            <span class="muted tabular-nums">
              <Show when={page.latest?.total !== null && page.latest?.total !== undefined} fallback={t("logs.pageNumber", { page: cursors().length + 1 })}>
                {t("logs.total", { total: formatInteger(page.latest!.total!), page: cursors().length + 1 })}
              </Show>
              <Show when={page.loading}>
                <Spinner class="ml-2" />
              </Show>
            </span>
            <div class="flex gap-2">
              <button type="button" class="btn-secondary btn-sm" disabled={cursors().length === 0} onClick={() => setCursors(cursors().slice(0, -1))}>
                <span class="i-lucide-chevron-left" />
                {t("logs.newer")}
              </button>
              <button
                type="button"
                class="btn-secondary btn-sm"
                disabled={!page.latest?.nextCursor}
                onClick={() => setCursors([...cursors(), page.latest!.nextCursor!])}
                data-testid="logs-older"
              >
                {t("logs.older")}
                <span class="i-lucide-chevron-right" />
              </button>
            </div>
          </div>
        </Show>
      </section>

      <Show when={search.detail} keyed>
        {(traceId) => <LogDetailDrawer traceId={traceId} keyName={keyName} onClose={closeDetail} onSession={showSession} />}
      </Show>
    </div>
  );
}

/** Why a row failed, in words (the error text on hover), and how many identical calls a folded row stands for. */
function ReasonCell(props: { row: LogRow }) {
  return (
    <span class="flex min-w-0 items-center gap-1.5">
      <Show when={props.row.reason} fallback={<span class="muted">—</span>}>
        <span class="min-w-0 truncate text-red-700 dark:text-red-300" title={props.row.error ?? undefined}>
          {reasonLabel(props.row.reason)}
        </span>
      </Show>
      <Show when={props.row.repeatCount > 1}>
        <span class="badge-muted shrink-0 tabular-nums" title={t("logs.repeatTitle", { count: props.row.repeatCount })} data-testid="log-repeat">
          {t("logs.repeat", { count: formatInteger(props.row.repeatCount) })}
        </span>
      </Show>
    </span>
  );
}

function StatusBadge(props: { row: LogRow }) {
  return (
    <span class={props.row.status === "success" ? "badge-ok" : "badge-bad"} title={props.row.error ?? undefined}>
      <span class={props.row.status === "success" ? "i-lucide-check" : "i-lucide-x"} />
      {props.row.statusCode ?? (props.row.status === "success" ? "OK" : "ERR")}
    </span>
  );
}
