import { createMemo, createResource, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import { type ChartSeries, TimeChart } from "../components/chart.tsx";
import { KpiCard } from "../components/kpi-card.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { RankTable } from "../components/rank-table.tsx";
import { Segmented } from "../components/segmented.tsx";
import { ErrorBox, Skeleton } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { bucketLabel, chartColumns, errorRate, fillSeries, RANGE_DAYS, shortUserAgent, tickLabel } from "../lib/dashboard.ts";
import { costLines, formatCosts } from "../lib/money.ts";
import { formatCompact, formatDuration, formatInteger, formatPercent, formatTime } from "../lib/format.ts";
import { localeTag, t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import { cacheActive } from "../lib/response-cache.ts";
import { storage } from "../lib/storage.ts";
import type { Costs, Dashboard, DashboardRange } from "@llmio/contract";
import { FirstSteps, needsFirstSteps, type SetupState } from "./dashboard-first-steps.tsx";
import { LivePanel } from "./dashboard-live.tsx";

const RANGE_KEY = "llmio.dashboard.range";
const REFRESH_MS = 30_000;

const COLORS = {
  requests: "#6366f1",
  errors: "#ef4444",
  prompt: "#0ea5e9",
  completion: "#a855f7",
  firstByte: "#10b981",
  duration: "#f59e0b",
};

/** Traffic, success, tokens, cost and latency over a range, rankings, and the live panel. */
export default function DashboardPage() {
  usePageTitle("nav.dashboard");
  const stored = storage.get(RANGE_KEY);
  const [range, setRange] = createSignal<DashboardRange>(stored === "7d" || stored === "30d" ? stored : "today");
  const [data, { refetch }] = createResource(range, (value) => api.dashboard(value));
  const timer = setInterval(() => document.visibilityState !== "hidden" && refetch(), REFRESH_MS);
  onCleanup(() => clearInterval(timer));

  const choose = (value: DashboardRange) => {
    storage.set(RANGE_KEY, value);
    setRange(value);
  };
  const latest = (): Dashboard | undefined => data.latest;

  // What exists so far, for the first steps; a range without calls asks whether there ever was one.
  const [setup, { refetch: refetchSetup }] = createResource(async () => {
    const [providers, models] = await Promise.all([api.providers(), api.models()]);
    return { providers: providers.length, models: models.length };
  });
  const [everCalled] = createResource(
    () => (latest()?.totals.requests === 0 ? range() : undefined),
    async () => (await api.logs("?pageSize=1")).items.length > 0,
  );
  const setupState = (): SetupState | undefined => {
    const counts = setup.latest;
    const requests = latest()?.totals.requests;
    if (!counts || requests === undefined) return undefined;
    if (requests > 0) return { ...counts, traffic: true };
    const called = everCalled.latest;
    return called === undefined ? undefined : { ...counts, traffic: called };
  };

  return (
    <div class="space-y-5">
      <PageHeader
        title={t("nav.dashboard")}
        subtitle={<Show when={latest()}>{(value) => <>{t("dashboard.updated", { time: formatTime(value().range.to) })}</>}</Show>}
        actions={
          <>
            <Segmented
              ariaLabel={t("dashboard.range")}
              value={range()}
              onChange={choose}
              options={[
                { value: "today", label: t("dashboard.today") },
                { value: "7d", label: t("dashboard.days", { days: 7 }) },
                { value: "30d", label: t("dashboard.days", { days: 30 }) },
              ]}
            />
            <button type="button" class="btn-icon" aria-label={t("common.refresh")} title={t("common.refresh")} onClick={() => refetch()}>
              <span class={`i-lucide-refresh-cw ${data.loading ? "animate-spin" : ""}`} />
            </button>
          </>
        }
      />

      <Show when={data.error && !latest()}>
        <ErrorBox error={data.error} onRetry={refetch} />
      </Show>
      <Show when={data.error && latest()}>
        <ErrorBox error={data.error} onRetry={refetch} class="py-2" />
      </Show>

      <Show when={setupState()}>
        {(state) => (
          <Show when={needsFirstSteps(state())}>
            <FirstSteps state={state()} onChanged={() => void refetchSetup()} />
          </Show>
        )}
      </Show>

      <Show when={latest()} fallback={<Show when={!data.error}><DashboardSkeleton /></Show>}>
        {(value) => <DashboardBody data={value()} range={range()} />}
      </Show>

      <LivePanel />
    </div>
  );
}

function DashboardSkeleton() {
  return (
    <div class="space-y-4" aria-busy="true">
      <div class="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        {Array.from({ length: 6 }, () => (
          <Skeleton class="h-[104px]" />
        ))}
      </div>
      <div class="grid gap-4 xl:grid-cols-2">
        <Skeleton class="h-72" />
        <Skeleton class="h-72" />
      </div>
    </div>
  );
}

function ChartCard(props: { title: string; children: JSX.Element; class?: string }) {
  return (
    <section class={`card card-pad min-w-0 ${props.class ?? ""}`}>
      <h2 class="section-title mb-2">{props.title}</h2>
      {props.children}
    </section>
  );
}

function DashboardBody(props: { data: Dashboard; range: DashboardRange }) {
  const totals = () => props.data.totals;
  const series = createMemo(() => fillSeries(props.data.series, props.data.range, RANGE_DAYS[props.range]));
  const bucketSeconds = () => props.data.range.bucketMs / 1000;
  const xFormat = (ms: number) => bucketLabel(ms, props.data.range.bucketMs, localeTag());
  const xTickFormat = (ms: number) => tickLabel(ms, props.data.range.bucketMs, localeTag());
  const requestColumns = () => chartColumns(series(), ["requests", "errors"]);
  const tokenColumns = () => chartColumns(series(), ["promptTokens", "completionTokens"]);
  const latencyColumns = () => chartColumns(series(), ["firstByteP50", "firstByteP95", "durationP50", "durationP95"]);
  const successRateTone = () => (totals().requests === 0 ? undefined : totals().successRate >= 0.99 ? "ok" : totals().successRate >= 0.9 ? "warn" : "bad");

  const requestSeries = (): ChartSeries[] => [
    { label: t("dashboard.requests"), color: COLORS.requests, kind: "bars", format: (value) => formatInteger(value) },
    { label: t("dashboard.errors"), color: COLORS.errors, kind: "bars", format: (value) => formatInteger(value) },
  ];
  const tokenSeries = (): ChartSeries[] => [
    { label: t("dashboard.tokensIn"), color: COLORS.prompt, kind: "area", format: formatCompact },
    { label: t("dashboard.tokensOut"), color: COLORS.completion, kind: "area", format: formatCompact },
  ];
  const latencySeries = (): ChartSeries[] => [
    { label: t("dashboard.firstByteP50"), color: COLORS.firstByte, format: formatDuration },
    { label: t("dashboard.firstByteP95"), color: COLORS.firstByte, dash: [5, 4], format: formatDuration },
    { label: t("dashboard.durationP50"), color: COLORS.duration, format: formatDuration },
    { label: t("dashboard.durationP95"), color: COLORS.duration, dash: [5, 4], format: formatDuration },
  ];

  return (
    <div class="space-y-4">
      <div class="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
        <KpiCard
          testId="kpi-requests"
          label={t("dashboard.requests")}
          icon="i-lucide-activity"
          value={formatInteger(totals().requests)}
          detail={t("dashboard.errorsCount", { count: formatInteger(totals().errors) })}
        />
        <KpiCard label={t("dashboard.successRate")} icon="i-lucide-circle-check" tone={successRateTone()} value={totals().requests ? formatPercent(totals().successRate) : "—"} detail={t("dashboard.successCount", { count: formatInteger(totals().success) })} />
        <KpiCard
          label={t("dashboard.tokens")}
          icon="i-lucide-coins"
          value={
            <span>
              {formatCompact(totals().promptTokens)}
              <span class="mx-1 text-base font-normal muted">/</span>
              {formatCompact(totals().completionTokens)}
            </span>
          }
          detail={t("dashboard.tokensDetail", { cached: formatCompact(totals().cachedTokens) })}
        />
        <KpiCard label={t("dashboard.cost")} icon="i-lucide-wallet" value={<CostLines costs={totals().costs} />} detail={t("dashboard.costHint")} testId="kpi-cost" />
        <KpiCard label={t("dashboard.firstByte")} icon="i-lucide-timer" value={formatDuration(totals().firstByteP50)} detail={`p95 ${formatDuration(totals().firstByteP95)}`} />
        <KpiCard label={t("dashboard.duration")} icon="i-lucide-hourglass" value={formatDuration(totals().durationP50)} detail={`p95 ${formatDuration(totals().durationP95)}`} />
      </div>

      <Show when={cacheActive(totals())}>
        <CacheCards cache={totals().cache} />
      </Show>

      <div class="grid gap-4 xl:grid-cols-2">
        <ChartCard title={t("dashboard.requestsOverTime")}>
          <TimeChart ariaLabel={t("dashboard.requestsOverTime")} x={requestColumns().x} y={requestColumns().y} series={requestSeries()} xFormat={xFormat} xTickFormat={xTickFormat} yFormat={formatCompact} xPad={bucketSeconds() / 2} />
        </ChartCard>
        <ChartCard title={t("dashboard.tokensOverTime")}>
          <TimeChart ariaLabel={t("dashboard.tokensOverTime")} x={tokenColumns().x} y={tokenColumns().y} series={tokenSeries()} xFormat={xFormat} xTickFormat={xTickFormat} yFormat={formatCompact} xPad={bucketSeconds() / 2} />
        </ChartCard>
        <ChartCard title={t("dashboard.latencyOverTime")} class="xl:col-span-2">
          <TimeChart ariaLabel={t("dashboard.latencyOverTime")} x={latencyColumns().x} y={latencyColumns().y} series={latencySeries()} xFormat={xFormat} xTickFormat={xTickFormat} yFormat={formatDuration} height={240} xPad={bucketSeconds() / 2} />
        </ChartCard>
      </div>

      <div class="grid gap-4 lg:grid-cols-2">
        <ChartCard title={t("dashboard.byModel")}>
          <RankTable
            rows={props.data.byModel}
            measure={(row) => row.requests}
            labelHeader={t("common.model")}
            label={(row) => row.model}
            empty={t("dashboard.noData")}
            columns={[
              { header: t("dashboard.requests"), numeric: true, cell: (row) => formatInteger(row.requests) },
              { header: t("dashboard.errorRate"), numeric: true, cell: (row) => <ErrorRateCell requests={row.requests} errors={row.errors} /> },
              { header: t("dashboard.tokens"), numeric: true, wide: true, cell: (row) => formatCompact(row.tokens) },
              { header: t("dashboard.cost"), numeric: true, wide: true, cell: (row) => formatCosts(row.costs) },
            ]}
          />
        </ChartCard>
        <ChartCard title={t("dashboard.byProvider")}>
          <RankTable
            rows={props.data.byProvider}
            measure={(row) => row.requests}
            labelHeader={t("common.provider")}
            label={(row) => row.providerName ?? t("dashboard.noProvider")}
            empty={t("dashboard.noData")}
            columns={[
              { header: t("dashboard.requests"), numeric: true, cell: (row) => formatInteger(row.requests) },
              { header: t("dashboard.errorRate"), numeric: true, cell: (row) => <ErrorRateCell requests={row.requests} errors={row.errors} /> },
              {
                // The cost under the tokens: its currency sign names it, and the table keeps its width.
                header: t("dashboard.tokens"),
                numeric: true,
                wide: true,
                cell: (row) => (
                  <>
                    <div>{formatCompact(row.tokens)}</div>
                    <div class="text-xs muted" data-testid="provider-cost">{formatCosts(row.costs)}</div>
                  </>
                ),
              },
              { header: t("dashboard.firstByteP50Short"), numeric: true, wide: true, cell: (row) => formatDuration(row.firstByteP50) },
            ]}
          />
        </ChartCard>
        <ChartCard title={t("dashboard.topKeys")}>
          <RankTable
            rows={props.data.topKeys}
            measure={(row) => row.requests}
            labelHeader={t("dashboard.clientKey")}
            label={(row) => (row.authKeyId === null ? <span class="muted">{t("dashboard.adminToken")}</span> : (row.name ?? `#${row.authKeyId}`))}
            empty={t("dashboard.noData")}
            columns={[
              { header: t("dashboard.requests"), numeric: true, cell: (row) => formatInteger(row.requests) },
              { header: t("dashboard.tokens"), numeric: true, cell: (row) => formatCompact(row.tokens) },
            ]}
          />
        </ChartCard>
        <ChartCard title={t("dashboard.topUserAgents")}>
          <RankTable
            rows={props.data.topUserAgents}
            measure={(row) => row.requests}
            labelHeader={t("dashboard.userAgent")}
            label={(row) => <span title={row.userAgent ?? ""}>{shortUserAgent(row.userAgent)}</span>}
            empty={t("dashboard.noData")}
            columns={[{ header: t("dashboard.requests"), numeric: true, cell: (row) => formatInteger(row.requests) }]}
          />
        </ChartCard>
      </div>
    </div>
  );
}

/** The response cache over the range: how often it answered, and the tokens and money it saved (per currency). */
function CacheCards(props: { cache: Dashboard["totals"]["cache"] }) {
  return (
    <div class="grid grid-cols-2 gap-3 md:grid-cols-3" data-testid="dashboard-cache">
      <KpiCard
        testId="kpi-cache-hit-rate"
        label={t("dashboard.cacheHitRate")}
        icon="i-lucide-database-zap"
        value={formatPercent(props.cache.hitRate)}
        detail={t("dashboard.cacheHitsDetail", { hits: formatInteger(props.cache.hits), misses: formatInteger(props.cache.misses) })}
      />
      <KpiCard testId="kpi-cache-saved-tokens" label={t("dashboard.savedTokens")} icon="i-lucide-piggy-bank" value={formatCompact(props.cache.savedTokens)} detail={t("dashboard.savedTokensDetail")} />
      <KpiCard testId="kpi-cache-saved-cost" label={t("dashboard.savedCost")} icon="i-lucide-badge-dollar-sign" value={<CostLines costs={props.cache.savedCosts} />} detail={t("dashboard.savedCostDetail")} />
    </div>
  );
}

function ErrorRateCell(props: { requests: number; errors: number }) {
  const rate = () => errorRate(props.requests, props.errors);
  return <span class={(rate() ?? 0) > 0.05 ? "text-red-600 dark:text-red-400" : (rate() ?? 0) > 0 ? "text-amber-600 dark:text-amber-400" : "muted"}>{formatPercent(rate())}</span>;
}

/** The cost KPI: one line per currency (a USD and a CNY amount never add up). */
function CostLines(props: { costs: Costs }) {
  const lines = () => costLines(props.costs);
  return (
    <span class={`flex flex-col ${lines().length > 1 ? "text-lg leading-snug" : ""}`}>
      <For each={lines()}>{(line) => <span class="truncate">{line}</span>}</For>
    </span>
  );
}
