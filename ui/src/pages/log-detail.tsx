import { A } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, type JSX, Show } from "solid-js";
import { CachedBadge } from "../components/cache-badge.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { Drawer } from "../components/drawer.tsx";
import { Segmented } from "../components/segmented.tsx";
import { EmptyState, ErrorBox, LoadingRows } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { formatCost, formatDateTime, formatDuration, formatInteger } from "../lib/format.ts";
import { formatMoney } from "../lib/money.ts";
import { t } from "../lib/i18n/index.ts";
import { callerLabel, isRejected, reasonLabel } from "../lib/log-reasons.ts";
import { prettyBody, readExchange } from "../lib/pretty-body.ts";
import { isCacheHit } from "../lib/response-cache.ts";
import type { LogRow } from "@llmio/contract";
import { AnswerView, RequestView } from "./log-exchange.tsx";
import { OtelTraceCells } from "./log-otel-trace.tsx";

/** Everything about one client request: each attempt with timings, tokens and errors, and the bodies when captured. */
export function LogDetailDrawer(props: { traceId: string; keyName: (id: number | null) => string; onClose: () => void; onSession?: (sessionId: string) => void }) {
  const [trace, { refetch }] = createResource(
    () => props.traceId,
    (traceId) => api.trace(traceId),
  );
  const attempts = () => trace()?.attempts ?? [];
  const final = () => attempts().at(-1);
  const succeeded = () => attempts().some((attempt) => attempt.status === "success");
  // Every attempt of a request shares its OpenTelemetry trace; rows logged before tracing have none.
  const otelTraceId = () => attempts().find((attempt) => attempt.otelTraceId)?.otelTraceId;
  const longest = createMemo(() => Math.max(1, ...attempts().map((attempt) => attempt.durationMs)));

  return (
    <Drawer
      title={
        <span class="flex min-w-0 items-center gap-2">
          {t("logs.detailTitle")}
          <Show when={trace()}>
            <span class={succeeded() ? "badge-ok" : "badge-bad"}>{succeeded() ? t("logs.status.success") : t("logs.status.error")}</span>
          </Show>
        </span>
      }
      onClose={props.onClose}
    >
      <div class="space-y-5" data-testid="log-detail">
        {/* The gateway's id, and the OpenTelemetry one when the request was traced: label, id, actions. */}
        <div class="grid grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-3 gap-y-1 rounded-lg bg-zinc-50 px-3 py-1.5 dark:bg-zinc-800/60" data-testid="detail-ids">
          <span class="text-xs muted">{t("logs.traceId")}</span>
          <code class="min-w-0 truncate font-mono text-xs" data-testid="detail-trace">
            {props.traceId}
          </code>
          <span class="flex justify-end">
            <CopyButton text={props.traceId} />
          </span>
          <Show when={otelTraceId()}>{(otel) => <OtelTraceCells traceId={otel()} />}</Show>
        </div>

        <Show when={trace.error}>
          <ErrorBox error={trace.error} onRetry={refetch} />
        </Show>
        <Show when={trace.loading}>
          <LoadingRows rows={4} />
        </Show>
        <Show when={trace() && attempts().length === 0}>
          <EmptyState icon="i-lucide-search-x" title={t("logs.traceNotFound")} />
        </Show>

        <Show when={final()}>
          {(last) => (
            <>
              <dl class="grid grid-cols-2 gap-x-4 gap-y-3 text-sm sm:grid-cols-3">
                <Fact label={t("common.model")} value={<span class="font-medium">{last().model}</span>} />
                <Fact label={t("logs.protocol")} value={last().clientProtocol} />
                <Fact label={t("logs.endpoint")} value={`${t(`endpoint.${last().endpoint ?? "chat"}`)}${last().stream ? " · stream" : ""}`} />
                <Fact label={t("logs.time")} value={formatDateTime(attempts()[0].createdAt)} />
                <Fact label={t("dashboard.clientKey")} value={<span data-testid="detail-caller">{callerLabel(last(), props.keyName)}</span>} />
                <Fact label={t("logs.clientIp")} value={last().clientIp ?? "—"} />
                <Show when={last().cacheStatus}>
                  {(status) => <Fact label={t("logs.cacheStatus")} value={<span data-testid="detail-cache-status">{t(`logs.cacheStatus.${status()}`)}</span>} />}
                </Show>
                <Show when={last().reason}>
                  <Fact label={t("logs.reason")} value={<span data-testid="detail-reason">{reasonLabel(last().reason)}</span>} />
                </Show>
                <Show when={last().repeatCount > 1}>
                  <Fact label={t("logs.repeatFact")} value={<span title={t("logs.repeatTitle", { count: last().repeatCount })}>{formatInteger(last().repeatCount)}</span>} />
                </Show>
                <Show when={last().path}>
                  <Fact label={t("logs.path")} value={<span class="font-mono text-xs">{last().path}</span>} />
                </Show>
                <Show when={last().sessionId}>
                  {(sessionId) => (
                    <Fact
                      class="col-span-2 sm:col-span-3"
                      label={t("logs.session")}
                      value={
                        <span class="flex min-w-0 items-center gap-2">
                          <code class="min-w-0 truncate font-mono text-xs" data-testid="detail-session">
                            {sessionId()}
                          </code>
                          <Show when={props.onSession}>
                            <button type="button" class="btn-ghost btn-sm shrink-0" onClick={() => props.onSession!(sessionId())} data-testid="detail-session-filter">
                              <span class="i-lucide-filter" />
                              {t("logs.filterSession")}
                            </button>
                          </Show>
                        </span>
                      }
                    />
                  )}
                </Show>
                <Fact class="col-span-2 sm:col-span-3" label={t("dashboard.userAgent")} value={<span class="break-all">{last().userAgent ?? "—"}</span>} />
              </dl>

              <Show when={isCacheHit(last())}>
                <CacheHitSavings row={last()} />
              </Show>

              <section>
                <h3 class="section-title mb-2">{t("logs.attempts", { count: attempts().length })}</h3>
                <ol class="space-y-2.5">
                  <For each={attempts()}>{(attempt) => <AttemptCard attempt={attempt} longest={longest()} />}</For>
                </ol>
              </section>

              <section class="space-y-3">
                <h3 class="section-title">{t("logs.bodies")}</h3>
                <Show
                  when={trace()?.bodies}
                  fallback={
                    <p class="rounded-lg border border-dashed border-zinc-300 px-3 py-3 text-sm muted dark:border-zinc-700">
                      {t("logs.noBodies")}{" "}
                      <A href="/settings" class="text-brand-600 hover:underline dark:text-brand-300">
                        {t("nav.settings")}
                      </A>
                    </p>
                  }
                >
                  {(bodies) => <Bodies requestBody={bodies().requestBody} responseBody={bodies().responseBody} protocol={last().clientProtocol} />}
                </Show>
              </section>
            </>
          )}
        </Show>
      </div>
    </Drawer>
  );
}

/** A hit called no upstream: what the original answer had cost, which this request did not spend. */
function CacheHitSavings(props: { row: LogRow }) {
  return (
    <div class="rounded-lg border border-sky-200 bg-sky-50/60 px-3 py-2.5 text-sm dark:(border-sky-500/30 bg-sky-500/10)" data-testid="detail-cache-hit">
      <p class="flex items-center gap-2 text-sky-800 dark:text-sky-200">
        <span class="i-lucide-database-zap shrink-0" />
        {t("logs.cacheHitNote")}
      </p>
      <dl class="mt-2 grid grid-cols-2 gap-x-4 gap-y-1">
        <Fact label={t("logs.savedTokens")} value={<span class="font-medium tabular-nums" data-testid="detail-saved-tokens">{formatInteger(props.row.savedTokens)}</span>} />
        <Fact label={t("logs.savedCost")} value={<span class="font-medium tabular-nums" data-testid="detail-saved-cost">{formatMoney(props.row.savedCost, props.row.currency)}</span>} />
      </dl>
    </div>
  );
}

function Fact(props: { label: string; value: JSX.Element; class?: string }) {
  return (
    <div class={`min-w-0 ${props.class ?? ""}`}>
      <dt class="text-xs muted">{props.label}</dt>
      <dd class="mt-0.5 truncate">{props.value}</dd>
    </div>
  );
}

function AttemptCard(props: { attempt: LogRow; longest: number }) {
  const ok = () => props.attempt.status === "success";
  const firstBytePercent = () => ((props.attempt.firstByteMs ?? 0) / props.longest) * 100;
  const durationPercent = () => Math.max((props.attempt.durationMs / props.longest) * 100, 1);
  return (
    <li class={`rounded-lg border p-3 ${ok() ? "border-zinc-200 dark:border-zinc-800" : "border-red-200 bg-red-50/40 dark:(border-red-500/30 bg-red-500/5)"}`} data-testid="attempt">
      <div class="flex flex-wrap items-center gap-2">
        <span class="badge-muted">#{props.attempt.attempt + 1}</span>
        <span class="min-w-0 flex-1 truncate text-sm">
          <Show when={!isCacheHit(props.attempt)} fallback={<CachedBadge />}>
            <span class="font-medium">{props.attempt.providerName ?? (isRejected(props.attempt) ? t("logs.rejected") : "—")}</span>
          </Show>
          <Show when={props.attempt.providerModel}>
            <span class="muted"> · </span>
            <span class="font-mono text-xs">{props.attempt.providerModel}</span>
          </Show>
        </span>
        <Show when={props.attempt.reason}>
          <span class="badge-muted" data-testid="attempt-reason">
            {reasonLabel(props.attempt.reason)}
          </span>
        </Show>
        <span class={ok() ? "badge-ok" : "badge-bad"}>{props.attempt.statusCode ?? (ok() ? "OK" : "ERR")}</span>
      </div>
      {/* Timing: first byte (dark) within the whole attempt (light), scaled to the longest attempt. */}
      <div class="mt-3 space-y-1">
        <div class="relative h-2 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" role="img" aria-label={t("logs.timingLabel", { firstByte: formatDuration(props.attempt.firstByteMs), duration: formatDuration(props.attempt.durationMs) })}>
          <div class={`absolute inset-y-0 left-0 rounded-full ${ok() ? "bg-brand-300 dark:bg-brand-500/50" : "bg-red-300 dark:bg-red-500/50"}`} style={{ width: `${durationPercent()}%` }} />
          <div class={`absolute inset-y-0 left-0 rounded-full ${ok() ? "bg-brand-600 dark:bg-brand-400" : "bg-red-600"}`} style={{ width: `${firstBytePercent()}%` }} />
        </div>
        <div class="flex flex-wrap justify-between gap-x-3 text-xs tabular-nums muted">
          <span>
            {t("logs.firstByte")} {formatDuration(props.attempt.firstByteMs)}
          </span>
          <span>
            {t("logs.duration")} {formatDuration(props.attempt.durationMs)}
          </span>
        </div>
      </div>
      <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-xs sm:grid-cols-4">
        <TokenFact label={t("logs.promptTokens")} value={props.attempt.promptTokens} />
        <TokenFact label={t("logs.completionTokens")} value={props.attempt.completionTokens} />
        <TokenFact label={t("logs.cachedTokens")} value={props.attempt.cachedTokens} />
        <TokenFact label={t("logs.reasoningTokens")} value={props.attempt.reasoningTokens} />
        <Show when={props.attempt.cacheWriteTokens > 0}>
          <TokenFact label={t("logs.cacheWriteTokens")} value={props.attempt.cacheWriteTokens} />
        </Show>
      </dl>
      {/* A hit spent nothing upstream; what it saved is shown above the attempts. */}
      <Show when={!isCacheHit(props.attempt)}>
        <AttemptCost attempt={props.attempt} />
      </Show>
      <Show when={props.attempt.usageEstimated}>
        <p class="mt-2 text-xs muted">
          <span class="i-lucide-info mr-1" />
          {t("logs.estimated")}
        </p>
      </Show>
      <Show when={props.attempt.warnings}>
        <p class="mt-2 whitespace-pre-wrap text-xs text-amber-700 dark:text-amber-300">
          <span class="i-lucide-triangle-alert mr-1" />
          {props.attempt.warnings}
        </p>
      </Show>
      <Show when={props.attempt.error}>
        <pre class="mt-2 max-h-40 overflow-auto whitespace-pre-wrap break-words rounded-md bg-red-50 p-2 font-mono text-xs text-red-800 dark:(bg-red-500/10 text-red-200)" data-testid="attempt-error">
          {props.attempt.error}
        </pre>
      </Show>
    </li>
  );
}

/** What the attempt cost, at the prices its association had when it was made. */
function AttemptCost(props: { attempt: LogRow }) {
  const price = (value: number | null) => formatCost(value ?? 0);
  return (
    <Show when={props.attempt.cost !== null} fallback={<p class="mt-2 text-xs muted" data-testid="attempt-cost">{t("logs.costUnknown")}</p>}>
      <p class="mt-2 flex flex-wrap items-baseline gap-x-2 text-xs" data-testid="attempt-cost">
        <span class="muted">{t("logs.cost")}</span>
        <span class="font-medium tabular-nums">{formatMoney(props.attempt.cost, props.attempt.currency)}</span>
        <span class="muted tabular-nums">
          {t("logs.pricesAtTheTime", {
            input: price(props.attempt.priceInput),
            cached: price(props.attempt.priceCachedInput),
            cacheWrite: price(props.attempt.priceCacheWrite),
            output: price(props.attempt.priceOutput),
            currency: props.attempt.currency ?? "USD",
          })}
        </span>
      </p>
    </Show>
  );
}

function TokenFact(props: { label: string; value: number }) {
  return (
    <div class="flex justify-between gap-2 sm:block">
      <dt class="muted">{props.label}</dt>
      <dd class="font-medium tabular-nums">{formatInteger(props.value)}</dd>
    </div>
  );
}

type BodyView = "readable" | "raw";

/** The captured bodies: read for people (messages, tools, the answer assembled from its stream), or raw. */
function Bodies(props: { requestBody: string | null; responseBody: string | null; protocol: string }) {
  const exchange = createMemo(() => readExchange(props.requestBody, props.responseBody, props.protocol));
  const [view, setView] = createSignal<BodyView>("readable");
  return (
    <>
      <Segmented<BodyView>
        ariaLabel={t("logs.bodyView")}
        value={view()}
        onChange={setView}
        options={[
          { value: "readable", label: t("logs.view.readable") },
          { value: "raw", label: t("logs.view.raw") },
        ]}
      />
      <BodyBlock title={t("logs.request")} body={props.requestBody} raw={view() === "raw"} readable={exchange().request !== undefined} testId="request">
        <Show when={exchange().request}>{(request) => <RequestView request={request()} />}</Show>
      </BodyBlock>
      <BodyBlock title={t("logs.answer")} body={props.responseBody} raw={view() === "raw"} readable={exchange().answer !== undefined} testId="response">
        <Show when={exchange().answer}>{(answer) => <AnswerView answer={answer()} />}</Show>
      </BodyBlock>
    </>
  );
}

/** One body: the readable view given as children when it could be read (else raw, with a note), or raw on request. */
function BodyBlock(props: { title: string; body: string | null; raw: boolean; readable: boolean; testId: string; children: JSX.Element }) {
  const pretty = createMemo(() => prettyBody(props.body));
  return (
    <div class="min-w-0" data-testid={`body-${props.testId}`}>
      <div class="mb-1 flex items-center justify-between">
        <h4 class="text-xs font-semibold uppercase tracking-wide muted">{props.title}</h4>
        <Show when={props.body}>
          <CopyButton text={() => props.body ?? ""} />
        </Show>
      </div>
      <Show when={props.body} fallback={<p class="text-sm muted">—</p>}>
        <Show
          when={!props.raw && props.readable}
          fallback={
            <>
              <Show when={!props.raw}>
                <p class="mb-1 text-xs muted">{t("logs.unreadable")}</p>
              </Show>
              {/* Wrapped, not scrolled sideways: stream captures are long lines of JSON. */}
              <pre class="code-block max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-relaxed text-zinc-100 dark:ring-1 dark:ring-zinc-800" data-testid="body">
                {pretty()}
              </pre>
            </>
          }
        >
          {props.children}
        </Show>
      </Show>
    </div>
  );
}
