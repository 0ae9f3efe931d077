import { A } from "@solidjs/router";
import { createSignal, For, onCleanup, Show } from "solid-js";
import { ErrorBox, Skeleton } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { formatCompact, formatDuration, formatInteger, formatRelative } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import { createPolling } from "../lib/polling.ts";

const POLL_MS = 2500;

/** Requests in flight and the latest errors, refreshed every 2.5 s while the tab is visible. */
export function LivePanel() {
  const [live, { refetch }] = createPolling(() => api.live(), POLL_MS);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(clock));

  return (
    <section class="card min-w-0" aria-labelledby="live-title" data-testid="live-panel">
      <div class="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-100 px-4 py-3 dark:border-zinc-800 sm:px-5">
        <h2 id="live-title" class="section-title flex items-center gap-2">
          <span class="relative flex h-2.5 w-2.5">
            <span class={`absolute inline-flex h-full w-full rounded-full opacity-60 ${live.error ? "bg-red-400" : "animate-ping bg-emerald-400"}`} />
            <span class={`relative inline-flex h-2.5 w-2.5 rounded-full ${live.error ? "bg-red-500" : "bg-emerald-500"}`} />
          </span>
          {t("live.title")}
        </h2>
        <Show when={live.latest}>
          {(value) => (
            <dl class="flex flex-wrap gap-x-5 gap-y-1 text-sm">
              <div class="flex items-baseline gap-1.5">
                <dt class="muted">{t("live.requestsPerMinute")}</dt>
                <dd class="font-semibold tabular-nums">{formatInteger(value().requestsLastMinute)}</dd>
              </div>
              <div class="flex items-baseline gap-1.5">
                <dt class="muted">{t("live.errorsPerMinute")}</dt>
                <dd class={`font-semibold tabular-nums ${value().errorsLastMinute > 0 ? "text-red-600 dark:text-red-400" : ""}`}>{formatInteger(value().errorsLastMinute)}</dd>
              </div>
              <div class="flex items-baseline gap-1.5">
                <dt class="muted">{t("live.tokensToday")}</dt>
                <dd class="font-semibold tabular-nums">{formatCompact(value().tokensToday)}</dd>
              </div>
            </dl>
          )}
        </Show>
      </div>

      <Show when={live.error && !live.latest}>
        <div class="p-4">
          <ErrorBox error={live.error} onRetry={refetch} />
        </div>
      </Show>
      <Show when={!live.latest && !live.error}>
        <div class="grid gap-4 p-4 md:grid-cols-2">
          <Skeleton class="h-28" />
          <Skeleton class="h-28" />
        </div>
      </Show>

      <Show when={live.latest}>
        {(value) => (
          <div class="grid md:grid-cols-2 md:divide-x divide-zinc-100 dark:divide-zinc-800">
            <div class="min-w-0 p-4 sm:px-5">
              <h3 class="mb-2 text-xs font-semibold uppercase tracking-wide muted">
                {t("live.inFlight")} <span class="badge-muted ml-1">{value().inFlight.length}</span>
              </h3>
              <Show when={value().inFlight.length > 0} fallback={<p class="py-4 text-sm muted">{t("live.idle")}</p>}>
                <ul class="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="in-flight">
                  <For each={[...value().inFlight].sort((a, b) => a.startedAt - b.startedAt).slice(0, 12)}>
                    {(request) => (
                      <li class="flex items-center gap-3 py-2 text-sm">
                        <span class="i-lucide-loader-circle animate-spin text-brand-500" />
                        <div class="min-w-0 flex-1">
                          <div class="truncate font-medium">
                            {request.model}
                            <Show when={request.providerName}>
                              <span class="font-normal muted"> → {request.providerName}</span>
                            </Show>
                          </div>
                          <div class="truncate text-xs muted">
                            {request.clientProtocol}
                            {request.stream ? " · stream" : ""}
                            {request.clientIp ? ` · ${request.clientIp}` : ""}
                          </div>
                        </div>
                        <span class="shrink-0 text-xs tabular-nums muted">{formatDuration(Math.max(now() - request.startedAt, 0))}</span>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </div>
            <div class="min-w-0 border-t border-zinc-100 p-4 dark:border-zinc-800 sm:px-5 md:border-t-0">
              <h3 class="mb-2 text-xs font-semibold uppercase tracking-wide muted">{t("live.recentErrors")}</h3>
              <Show when={value().recentErrors.length > 0} fallback={<p class="py-4 text-sm muted">{t("live.noErrors")}</p>}>
                <ul class="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="recent-errors">
                  <For each={value().recentErrors.slice(0, 8)}>
                    {(row) => (
                      <li>
                        <A href={`/logs?detail=${encodeURIComponent(row.traceId)}`} class="-mx-2 flex items-start gap-3 rounded-md px-2 py-2 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/60">
                          <span class="badge-bad mt-0.5 shrink-0 tabular-nums">{row.statusCode ?? "ERR"}</span>
                          <div class="min-w-0 flex-1">
                            <div class="truncate font-medium">
                              {row.model}
                              <Show when={row.providerName}>
                                <span class="font-normal muted"> · {row.providerName}</span>
                              </Show>
                            </div>
                            <div class="truncate text-xs text-red-700/90 dark:text-red-300/90" title={row.error ?? ""}>
                              {row.error ?? t("logs.noErrorText")}
                            </div>
                          </div>
                          <span class="shrink-0 text-xs muted">{formatRelative(row.createdAt, now())}</span>
                        </A>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </div>
          </div>
        )}
      </Show>
    </section>
  );
}
