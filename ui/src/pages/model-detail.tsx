import { A } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, Show } from "solid-js";
import { confirmAction } from "../components/confirm.tsx";
import { Slider, Toggle } from "../components/fields.tsx";
import { EmptyState, ErrorBox, LoadingRows } from "../components/states.tsx";
import { StatusBar } from "../components/status-bar.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import type { AssociationTestResult } from "@llmio/contract";
import { priceParts } from "../lib/association-form.ts";
import { formatDuration, formatInteger, formatPercent, formatRelative, formatTime } from "../lib/format.ts";
import { cacheTtlLabel } from "../lib/response-cache.ts";
import { t } from "../lib/i18n/index.ts";
import { createPolling } from "../lib/polling.ts";
import { expectedShares } from "../lib/traffic-share.ts";
import type { Association, AssociationStats, Model, Provider, ProviderHealth } from "@llmio/contract";
import { AssociationFormModal } from "./association-form.tsx";
import { TestAllPanel, TestResultLine, ToolCallTestModal } from "./association-tests.tsx";
import { ModelFormModal } from "./model-form.tsx";

const HEALTH_POLL_MS = 5000;

/** One model: its settings, and the provider models serving it with weight, flags, prices, traffic share and health. */
export function ModelDetail(props: { model: Model; providers: Provider[]; onChanged: (model: Model) => void; onAssociationsChanged: () => void; onDeleted: () => void }) {
  const [associations, { refetch, mutate }] = createResource(
    () => props.model.id,
    (id) => api.associations(id),
  );
  const [stats, { refetch: refetchStats }] = createResource(
    () => props.model.id,
    (id) => api.modelStats(id).catch(() => undefined),
  );
  const [health] = createPolling(() => api.providerHealth().catch(() => [] as ProviderHealth[]), HEALTH_POLL_MS);
  const [editing, setEditing] = createSignal(false);
  const [editingAssociation, setEditingAssociation] = createSignal<Association | "new" | undefined>();
  // Test outcomes by association id (shown under each row), the "Test all" panel, the open tool-call test.
  const [testResults, setTestResults] = createSignal<Record<number, AssociationTestResult | "running">>({});
  const [testAll, setTestAll] = createSignal<AssociationTestResult[] | "running">();
  const [toolTesting, setToolTesting] = createSignal<Association>();
  const setTestResult = (id: number, result: AssociationTestResult | "running" | undefined) =>
    setTestResults((current) => {
      const next = { ...current };
      if (result === undefined) delete next[id];
      else next[id] = result;
      return next;
    });

  const testAssociation = async (association: Association) => {
    setTestResult(association.id, "running");
    try {
      setTestResult(association.id, await api.testAssociation(association.id));
    } catch (error) {
      setTestResult(association.id, undefined);
      toastError(error);
    }
  };

  const testAllAssociations = async () => {
    const ids = (associations.latest ?? []).map((association) => association.id);
    setTestAll("running");
    for (const id of ids) setTestResult(id, "running");
    try {
      const results = await api.testModelAssociations(props.model.id);
      setTestAll(results);
      setTestResults(Object.fromEntries(results.map((result) => [result.associationId, result])));
    } catch (error) {
      setTestAll(undefined);
      setTestResults({});
      toastError(error);
    }
  };

  const statsOf = (id: number): AssociationStats | undefined => stats()?.associations.find((item) => item.associationId === id);
  const healthOf = (id: number) => health.latest?.flatMap((provider) => provider.associations).find((association) => association.id === id);

  const update = async (association: Association, changes: Partial<Association>) => {
    mutate((list) => list?.map((item) => (item.id === association.id ? { ...item, ...changes } : item)));
    try {
      await api.updateAssociation(association.id, changes);
    } catch (error) {
      mutate((list) => list?.map((item) => (item.id === association.id ? association : item)));
      toastError(error);
    }
  };

  const removeAssociation = async (association: Association) => {
    const confirmed = await confirmAction({
      title: t("associations.deleteTitle"),
      message: t("associations.deleteMessage", { provider: association.providerName, model: association.providerModel }),
      confirmLabel: t("common.delete"),
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.deleteAssociation(association.id);
      mutate((list) => list?.filter((item) => item.id !== association.id));
      props.onAssociationsChanged();
    } catch (error) {
      toastError(error);
    }
  };

  const pin = async (providerId: number | null) => {
    try {
      props.onChanged(await api.pinModel(props.model.id, providerId));
      toast(providerId === null ? t("models.unpinned") : t("models.pinnedTo", { name: props.providers.find((provider) => provider.id === providerId)?.name ?? providerId }));
    } catch (error) {
      toastError(error);
    }
  };

  const removeModel = async () => {
    const confirmed = await confirmAction({ title: t("models.deleteTitle", { name: props.model.name }), message: t("models.deleteMessage"), confirmLabel: t("common.delete"), danger: true });
    if (!confirmed) return;
    try {
      await api.deleteModel(props.model.id);
      toast(t("common.deleted"));
      props.onDeleted();
    } catch (error) {
      toastError(error);
    }
  };

  const [purging, setPurging] = createSignal(false);
  const purgeCache = async () => {
    const confirmed = await confirmAction({
      title: t("models.cachePurgeTitle", { name: props.model.name }),
      message: t("models.cachePurgeMessage"),
      confirmLabel: t("models.cachePurge"),
      danger: true,
    });
    if (!confirmed) return;
    setPurging(true);
    try {
      const { purged } = await api.purgeCache(props.model.name);
      toast(t("settings.cachePurged", { count: formatInteger(purged) }));
    } catch (error) {
      toastError(error);
    } finally {
      setPurging(false);
    }
  };

  // A disabled provider, or one the model is pinned away from, gets no traffic: 0, and the others share its part.
  // `weight`: the slider's value while it moves.
  const shareOf = (id: number, weight: number) =>
    expectedShares(
      (associations.latest ?? []).map((item) => (item.id === id ? { ...item, weight } : item)),
      { pinnedProviderId: props.model.pinnedProviderId, providerEnabled: (providerId) => props.providers.find((provider) => provider.id === providerId)?.enabled ?? true },
    ).get(id) ?? 0;

  return (
    <div class="space-y-4" data-testid="model-detail">
      <section class="card card-pad">
        <A href="/models" class="mb-3 inline-flex items-center gap-1 text-sm text-brand-600 dark:text-brand-300 lg:hidden">
          <span class="i-lucide-arrow-left" />
          {t("nav.models")}
        </A>
        <div class="flex flex-wrap items-start justify-between gap-3">
          <div class="min-w-0">
            <h2 class="break-all font-mono text-lg font-semibold">{props.model.name}</h2>
            <Show when={props.model.remark}>
              <p class="mt-0.5 text-sm muted">{props.model.remark}</p>
            </Show>
            <div class="mt-2 flex flex-wrap gap-1.5">
              <span class="badge-brand">{t(`strategy.${props.model.strategy}`)}</span>
              <For each={props.model.aliases}>{(alias) => <span class="badge-muted font-mono">{alias}</span>}</For>
              <Show when={props.model.pinnedProviderId}>
                <span class="badge-warn">
                  <span class="i-lucide-pin" />
                  {t("models.pinnedTo", { name: props.providers.find((provider) => provider.id === props.model.pinnedProviderId)?.name ?? `#${props.model.pinnedProviderId}` })}
                </span>
              </Show>
            </div>
          </div>
          <div class="flex gap-1.5">
            <button type="button" class="btn-secondary btn-sm" onClick={() => setEditing(true)} data-testid="model-edit">
              <span class="i-lucide-pencil" />
              {t("common.edit")}
            </button>
            <button type="button" class="btn-icon h-8 w-8 hover:text-red-600" onClick={removeModel} aria-label={t("common.delete")} title={t("common.delete")}>
              <span class="i-lucide-trash-2" />
            </button>
          </div>
        </div>
        <dl class="mt-4 grid grid-cols-2 gap-3 text-sm sm:grid-cols-3 xl:grid-cols-6">
          <Setting label={t("models.maxRetry")} value={formatInteger(props.model.maxRetry)} />
          <Setting label={t("models.timeout")} value={formatDuration(props.model.timeoutMs)} />
          <Setting label={t("models.totalTimeout")} value={formatDuration(props.model.totalTimeoutMs)} />
          <Setting label={t("models.streamIdleTimeout")} value={formatDuration(props.model.streamIdleTimeoutMs)} />
          <Setting label={t("models.maxStreamDuration")} value={formatDuration(props.model.maxStreamDurationMs)} />
          <Setting label={t("models.sticky")} value={formatDuration(props.model.stickySeconds * 1000)} />
        </dl>
        <div class="mt-4 border-t border-zinc-100 pt-3 dark:border-zinc-800" data-testid="model-cache">
          <div class="flex flex-wrap items-center justify-between gap-2">
            <h3 class="text-xs font-semibold uppercase tracking-wide muted">{t("models.cache")}</h3>
            <button type="button" class="btn-secondary btn-sm" onClick={purgeCache} disabled={purging()} data-testid="model-cache-purge">
              <span class="i-lucide-eraser" />
              {t("models.cachePurge")}
            </button>
          </div>
          <dl class="mt-2 grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
            <Setting label={t("models.cacheTtl")} value={cacheTtlLabel(props.model.cacheTtlSeconds)} testId="model-cache-ttl" />
            <Setting label={t("models.cacheEverything")} value={onOff(props.model.cacheEverything)} />
            <Setting label={t("models.cachePerKey")} value={onOff(props.model.cachePerKey)} />
            <Setting label={t("models.coalesce")} value={onOff(props.model.coalesce)} />
          </dl>
        </div>
      </section>

      <section class="card" aria-labelledby="associations-title">
        <div class="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-100 px-4 py-3 dark:border-zinc-800 sm:px-5">
          <div>
            <h3 id="associations-title" class="section-title">
              {t("associations.title")}
            </h3>
            <p class="text-xs muted">{t("associations.subtitle")}</p>
          </div>
          <div class="flex gap-1.5">
            <button
              type="button"
              class="btn-secondary btn-sm"
              onClick={testAllAssociations}
              disabled={testAll() === "running" || (associations.latest ?? []).length === 0}
              data-testid="association-test-all"
            >
              <span class="i-lucide-list-checks" />
              {t("associationTest.testAll")}
            </button>
            <button type="button" class="btn-primary btn-sm" onClick={() => setEditingAssociation("new")} data-testid="association-new">
              <span class="i-lucide-plus" />
              {t("associations.add")}
            </button>
          </div>
        </div>
        <Show when={testAll()}>{(results) => <TestAllPanel results={results()} onClose={() => setTestAll(undefined)} />}</Show>
        <Show when={associations.error}>
          <div class="p-4">
            <ErrorBox error={associations.error} onRetry={refetch} />
          </div>
        </Show>
        <Show when={associations.loading && !associations.latest}>
          <div class="px-4">
            <LoadingRows rows={2} />
          </div>
        </Show>
        <Show when={associations.latest}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <EmptyState
                  icon="i-lucide-cable"
                  title={t("associations.empty")}
                  hint={props.providers.length === 0 ? t("associations.noProvidersHint") : t("associations.emptyHint")}
                  action={
                    props.providers.length === 0 ? (
                      <A href="/providers" class="btn-secondary">
                        {t("providers.new")}
                      </A>
                    ) : undefined
                  }
                />
              }
            >
              <ul class="divide-y divide-zinc-100 dark:divide-zinc-800">
                <For each={list()}>
                  {(association) => (
                    <AssociationRow
                      association={association}
                      model={props.model}
                      stats={statsOf(association.id)}
                      health={healthOf(association.id)}
                      expectedShare={(weight) => shareOf(association.id, weight)}
                      providerEnabled={props.providers.find((provider) => provider.id === association.providerId)?.enabled ?? true}
                      onUpdate={(changes) => update(association, changes)}
                      onEdit={() => setEditingAssociation(association)}
                      onDelete={() => removeAssociation(association)}
                      onPin={() => pin(props.model.pinnedProviderId === association.providerId ? null : association.providerId)}
                      testResult={testResults()[association.id]}
                      onTest={() => testAssociation(association)}
                      onToolTest={() => setToolTesting(association)}
                    />
                  )}
                </For>
              </ul>
            </Show>
          )}
        </Show>
      </section>

      <Show when={editing()}>
        <ModelFormModal
          model={props.model}
          onClose={() => setEditing(false)}
          onSaved={(model) => {
            setEditing(false);
            toast(t("common.saved"));
            props.onChanged({ ...props.model, ...model });
          }}
        />
      </Show>
      <Show when={toolTesting()} keyed>
        {(association) => <ToolCallTestModal association={association} onClose={() => setToolTesting(undefined)} />}
      </Show>
      <Show when={editingAssociation()} keyed>
        {(target) => (
          <AssociationFormModal
            model={props.model}
            providers={props.providers}
            association={target === "new" ? undefined : target}
            onClose={() => setEditingAssociation(undefined)}
            onSaved={() => {
              setEditingAssociation(undefined);
              toast(t("common.saved"));
              void refetch();
              void refetchStats();
              props.onAssociationsChanged();
            }}
          />
        )}
      </Show>
    </div>
  );
}

const onOff = (value: boolean) => (value ? t("common.on") : t("common.off"));

function Setting(props: { label: string; value: string; testId?: string }) {
  return (
    <div class="min-w-0 rounded-lg bg-zinc-50 px-3 py-2 dark:bg-zinc-800/60" data-testid={props.testId}>
      <dt class="text-xs leading-snug muted">{props.label}</dt>
      <dd class="mt-0.5 font-medium tabular-nums">{props.value}</dd>
    </div>
  );
}

interface AssociationRowProps {
  association: Association;
  model: Model;
  stats: AssociationStats | undefined;
  health: ProviderHealth["associations"][number] | undefined;
  /** false: its provider is disabled (and gets no traffic). */
  providerEnabled: boolean;
  /** The share of the model's traffic it can expect with this weight (0 when it gets none). */
  expectedShare: (weight: number) => number;
  onUpdate: (changes: Partial<Association>) => void;
  onEdit: () => void;
  onDelete: () => void;
  onPin: () => void;
  /** The last test's outcome, "running" while it runs. */
  testResult: AssociationTestResult | "running" | undefined;
  onTest: () => void;
  onToolTest: () => void;
}

function AssociationRow(props: AssociationRowProps) {
  const [weight, setWeight] = createSignal(props.association.weight);
  // A refetched association (saved elsewhere) moves the slider too.
  createEffect(() => setWeight(props.association.weight));
  const pinned = () => props.model.pinnedProviderId === props.association.providerId;
  const prices = () => priceParts(props.association);
  const expectedShare = () => props.expectedShare(weight());
  const capability = (field: "toolCall" | "structuredOutput" | "vision", icon: string) => (
    <button
      type="button"
      aria-pressed={props.association[field]}
      onClick={() => props.onUpdate({ [field]: !props.association[field] })}
      title={t(`capability.${field}`)}
      class={`badge cursor-pointer border transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
        props.association[field]
          ? "border-brand-200 bg-brand-50 text-brand-800 dark:(border-brand-500/40 bg-brand-500/15 text-brand-200)"
          : "border-zinc-200 text-zinc-400 line-through dark:(border-zinc-700 text-zinc-500)"
      }`}
    >
      <span class={icon} />
      {t(`capability.${field}.short`)}
    </button>
  );

  return (
    <li class={`px-4 py-3.5 sm:px-5 ${props.association.enabled ? "" : "opacity-60"}`} data-testid="association-row">
      <div class="flex items-center gap-3">
        <Toggle size="sm" checked={props.association.enabled} onChange={(enabled) => props.onUpdate({ enabled })} ariaLabel={t("common.enabled")} class="items-center" />
        <div class="min-w-0 flex-1">
          <div class="truncate text-sm">
            <span class="font-medium">{props.association.providerName}</span>
            <Show when={!props.providerEnabled}>
              <span class="badge-muted ml-1.5">{t("common.disabled")}</span>
            </Show>
            <span class="muted"> · </span>
            <span class="font-mono text-xs">{props.association.providerModel}</span>
          </div>
        </div>
        <div class="flex items-center gap-1">
          <button
            type="button"
            class="btn-icon h-8 w-8"
            onClick={props.onTest}
            disabled={props.testResult === "running"}
            aria-label={t("associationTest.test")}
            title={t("associationTest.test")}
            data-testid="association-test"
          >
            <span class="i-lucide-flask-conical" />
          </button>
          <button type="button" class="btn-icon h-8 w-8" onClick={props.onToolTest} aria-label={t("toolTest.open")} title={t("toolTest.open")} data-testid="association-tool-test">
            <span class="i-lucide-square-function" />
          </button>
          <button
            type="button"
            class={`btn-icon h-8 w-8 ${pinned() ? "bg-amber-50 text-amber-600 dark:(bg-amber-500/15 text-amber-300)" : ""}`}
            aria-pressed={pinned()}
            onClick={props.onPin}
            aria-label={pinned() ? t("models.unpin") : t("models.pin")}
            title={pinned() ? t("models.unpin") : t("models.pin")}
          >
            <span class="i-lucide-pin" />
          </button>
          <button type="button" class="btn-icon h-8 w-8" onClick={props.onEdit} aria-label={t("common.edit")} title={t("common.edit")}>
            <span class="i-lucide-pencil" />
          </button>
          <button type="button" class="btn-icon h-8 w-8 hover:text-red-600" onClick={props.onDelete} aria-label={t("common.delete")} title={t("common.delete")}>
            <span class="i-lucide-trash-2" />
          </button>
        </div>
      </div>
      <div class="mt-2.5 grid gap-x-6 gap-y-2.5 text-sm md:grid-cols-2">
        <div class="space-y-1">
          <div class="flex items-center justify-between text-xs muted">
            <span>{t("associations.weight")}</span>
            <span class="tabular-nums" data-testid="expected-share">
              {t("associations.expectedShare", { share: formatPercent(expectedShare(), 0) })}
            </span>
          </div>
          <Slider
            value={weight()}
            max={Math.max(100, props.association.weight)}
            onInput={setWeight}
            onCommit={(value) => props.onUpdate({ weight: value })}
            ariaLabel={t("associations.weightOf", { name: `${props.association.providerName} ${props.association.providerModel}` })}
          />
        </div>
        <div class="space-y-1">
          <div class="flex items-center justify-between gap-2 text-xs muted">
            <span>{t("associations.traffic24h")}</span>
            <span class="tabular-nums">
              <Show when={props.stats} fallback="—">
                {(stats) => <>{t("associations.trafficValue", { share: formatPercent(stats().share, 0), requests: formatInteger(stats().requests), errors: formatInteger(stats().errors) })}</>}
              </Show>
            </span>
          </div>
          <div class="h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" role="img" aria-label={t("associations.traffic24h")}>
            <div class="h-full rounded-full bg-brand-500" style={{ width: `${Math.round((props.stats?.share ?? 0) * 100)}%` }} />
          </div>
        </div>
      </div>
      <div class="mt-2.5 flex flex-wrap items-center gap-x-4 gap-y-2">
        <div class="flex flex-wrap gap-1.5">
          {capability("toolCall", "i-lucide-wrench")}
          {capability("structuredOutput", "i-lucide-braces")}
          {capability("vision", "i-lucide-image")}
        </div>
        <span class="text-xs tabular-nums muted">
          <Show when={prices().length > 0} fallback={t("associations.noPrices")}>
            {prices()
              .map((part) => `${t(`price.${part.key}`)} ${part.value}`)
              .join(" · ")}{" "}
            / 1M
          </Show>
        </span>
        <div class="ml-auto flex min-w-40 flex-1 items-center gap-2 sm:max-w-80">
          <StatusBar outcomes={props.health?.recent ?? []} class="flex-1" />
          <Show when={props.health?.breaker && props.health.breaker.state !== "closed"}>
            <span class={`${props.health!.breaker!.state === "open" ? "badge-bad" : "badge-warn"} shrink-0 whitespace-nowrap`} data-testid="association-breaker" title={props.health!.lastError?.message}>
              {props.health!.breaker!.state === "open" && props.health!.breaker!.retryAt
                ? t("breaker.openUntil", { time: formatTime(props.health!.breaker!.retryAt) })
                : t(`breaker.${props.health!.breaker!.state === "open" ? "open" : "halfOpen"}`)}
            </span>
          </Show>
        </div>
      </div>
      <Show when={props.testResult}>
        {(result) => (
          <div class="mt-2">
            <TestResultLine result={result()} />
          </div>
        )}
      </Show>
      <Show when={props.stats?.lastError ?? props.health?.lastError}>
        {(last) => (
          <p class="mt-2 truncate text-xs text-red-600 dark:text-red-400" title={last().message}>
            <span class="i-lucide-triangle-alert mr-1" />
            {formatRelative(last().at)} · {last().message}
          </p>
        )}
      </Show>
    </li>
  );
}
