import { A } from "@solidjs/router";
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { confirmAction } from "../components/confirm.tsx";
import { BaseUrlFix } from "../components/base-url-fix.tsx";
import { Toggle } from "../components/fields.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { Spinner } from "../components/states.tsx";
import { AddButton, ListStates } from "../components/list-states.tsx";
import { StatusBar } from "../components/status-bar.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { formatDuration, formatPercent, formatRelative, formatTime } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import { createPolling } from "../lib/polling.ts";
import { canReset, currentCause, downUntil, keyStateCounts, providerStatus, STATUS_BADGE } from "../lib/provider-health.ts";
import { providerTypeInfo, templateOf } from "../lib/provider-templates.ts";
import { baseUrlWarning } from "../lib/provider-warnings.ts";
import { createReconciledSignal } from "../lib/reconciled-signal.ts";
import type { ConnectionTest, Provider, ProviderHealth } from "@llmio/contract";
import { ProviderFormModal } from "./provider-form.tsx";
import { ImportModelsModal } from "./provider-import.tsx";

const HEALTH_POLL_MS = 5000;

/** Upstream accounts with their live health; create, edit, test, import models, delete. */
export default function ProvidersPage() {
  usePageTitle("nav.providers");
  // Reconciled by id: a reload (after a save or a corrected base URL) keeps each card and its test result.
  const [providers, { refetch, mutate }] = createResource(() => api.providers(), { storage: createReconciledSignal });
  const [health, { refetch: refetchHealth }] = createPolling(() => api.providerHealth(), HEALTH_POLL_MS);
  const [editing, setEditing] = createSignal<Provider | "new" | undefined>();
  const [importing, setImporting] = createSignal<Provider | undefined>();
  const healthOf = (id: number) => health.latest?.find((item) => item.id === id);

  const saved = (provider: Provider) => {
    const isNew = editing() === "new";
    setEditing(undefined);
    toast(isNew ? t("providers.created", { name: provider.name }) : t("common.saved"));
    void refetch();
    void refetchHealth();
  };

  const remove = async (provider: Provider) => {
    const confirmed = await confirmAction({
      title: t("providers.deleteTitle", { name: provider.name }),
      message: t("providers.deleteMessage"),
      confirmLabel: t("common.delete"),
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.deleteProvider(provider.id);
      mutate((list) => list?.filter((item) => item.id !== provider.id));
      toast(t("common.deleted"));
    } catch (error) {
      toastError(error);
    }
  };

  const setEnabled = async (provider: Provider, enabled: boolean) => {
    mutate((list) => list?.map((item) => (item.id === provider.id ? { ...item, enabled } : item)));
    try {
      await api.updateProvider(provider.id, { enabled });
    } catch (error) {
      mutate((list) => list?.map((item) => (item.id === provider.id ? { ...item, enabled: !enabled } : item)));
      toastError(error);
    }
  };

  return (
    <div>
      <PageHeader
        title={t("nav.providers")}
        subtitle={t("providers.subtitle")}
        actions={
          <AddButton label={t("providers.new")} onClick={() => setEditing("new")} testId="provider-new" />
        }
      />
      <ListStates
        resource={providers}
        onRetry={refetch}
        loadingRows={3}
        empty={{
          icon: "i-lucide-server",
          title: t("providers.empty"),
          hint: t("providers.emptyHint"),
          action: <AddButton label={t("providers.new")} onClick={() => setEditing("new")} />,
        }}
      >
        {(list) => (
          <div class="space-y-3">
            <For each={list()}>
              {(provider) => (
                <ProviderCard
                  provider={provider}
                  health={healthOf(provider.id)}
                  onEdit={() => setEditing(provider)}
                  onDelete={() => remove(provider)}
                  onImport={() => setImporting(provider)}
                  onEnabled={(enabled) => setEnabled(provider, enabled)}
                  onHealthChanged={() => void refetchHealth()}
                  onChanged={() => void refetch()}
                />
              )}
            </For>
          </div>
        )}
      </ListStates>

      <Show when={editing()} keyed>
        {(target) => <ProviderFormModal provider={target === "new" ? undefined : target} onClose={() => setEditing(undefined)} onSaved={saved} />}
      </Show>
      <Show when={importing()} keyed>
        {(provider) => (
          <ImportModelsModal
            provider={provider}
            onClose={() => setImporting(undefined)}
            onProviderChanged={() => void refetch()}
            onDone={(message) => {
              setImporting(undefined);
              toast(message);
              void refetchHealth();
            }}
          />
        )}
      </Show>
    </div>
  );
}

interface ProviderCardProps {
  provider: Provider;
  health: ProviderHealth | undefined;
  onEdit: () => void;
  onDelete: () => void;
  onImport: () => void;
  onEnabled: (enabled: boolean) => void;
  /** A test or a reset may have closed its breakers: poll the health now. */
  onHealthChanged: () => void;
  /** The card changed the provider (a corrected base URL): reload the list. */
  onChanged: () => void;
}

function ProviderCard(props: ProviderCardProps) {
  const [test, setTest] = createSignal<ConnectionTest | { error: unknown } | undefined>();
  const [testing, setTesting] = createSignal(false);
  const status = createMemo(() => providerStatus(props.health, props.provider.enabled));
  const template = () => templateOf(props.provider.baseUrl);
  const keys = () => keyStateCounts(props.health);
  const until = () => downUntil(props.health, status());
  const cause = () => currentCause(props.health);
  const [resetting, setResetting] = createSignal(false);

  // Closes every breaker and revives every key on purpose (the provider was fixed, or a probe is not worth waiting for).
  const resetHealth = async () => {
    setResetting(true);
    try {
      await api.resetProviderHealth(props.provider.id);
      toast(t("health.resetDone", { name: props.provider.name }));
    } catch (error) {
      toastError(error);
    } finally {
      setResetting(false);
      props.onHealthChanged();
    }
  };

  const runTest = async () => {
    setTesting(true);
    setTest(undefined);
    try {
      setTest(await api.testProvider(props.provider.id));
    } catch (error) {
      setTest({ error });
    } finally {
      setTesting(false);
      // A successful test closes the provider's breakers on the gateway.
      props.onHealthChanged();
    }
  };

  // One click from a test's base-URL warning: save the corrected URL, then test again.
  const useBaseUrl = async (suggestion: string) => {
    await api.updateProvider(props.provider.id, { baseUrl: suggestion });
    props.onChanged();
    await runTest();
  };

  return (
    <article class="card min-w-0" data-testid="provider-card" data-provider={props.provider.name}>
      <div class="flex flex-wrap items-start gap-3 p-4 sm:px-5">
        <span class={`grid h-10 w-10 shrink-0 place-items-center rounded-lg text-sm font-bold text-white ${template()?.color ?? "bg-zinc-500"}`} aria-hidden="true">
          {props.provider.name.slice(0, 1).toUpperCase()}
        </span>
        <div class="min-w-0 flex-1 basis-48">
          <div class="flex flex-wrap items-center gap-2">
            <h2 class="truncate text-base font-semibold">{props.provider.name}</h2>
            <span class={STATUS_BADGE[status()]} data-testid="provider-status" data-status={status()}>
              {t(`providers.status.${status()}`)}
              <Show when={until()}>{(at) => <> · {t("health.until", { time: formatTime(at()) })}</>}</Show>
            </span>
            <Show when={cause()}>
              {(failure) => (
                <span class="text-xs font-medium text-red-600 dark:text-red-400" data-testid="provider-cause" title={failure().message}>
                  {t(`cause.${failure().cause}`)}
                </span>
              )}
            </Show>

            <span class="badge-muted">{providerTypeInfo(props.provider.type).label}</span>
          </div>
          <p class="mt-0.5 truncate font-mono text-xs muted" title={props.provider.baseUrl}>
            {props.provider.baseUrl}
          </p>
          <Show when={props.health?.lastCheck}>
            {(check) => (
              <p class="mt-0.5 truncate text-xs muted" data-testid="provider-last-check" title={check().failure?.message}>
                {t(`health.check.${check().by}`)} · {formatTime(check().at)}
                {/* A reset tried nothing: it has no verdict to show. */}
                {check().by === "reset" ? "" : ` · ${check().ok ? t("health.check.works") : t(`cause.${check().failure?.cause ?? "connection"}`)}`}
              </p>
            )}
          </Show>
        </div>
        <div class="flex w-full items-center gap-1 sm:w-auto sm:gap-1.5">
          <Toggle size="sm" checked={props.provider.enabled} onChange={props.onEnabled} ariaLabel={t("common.enabled")} class="mr-auto items-center sm:mr-2" />
          <Show when={canReset(status())}>
            <button
              type="button"
              class="btn-secondary btn-sm"
              onClick={resetHealth}
              disabled={resetting()}
              data-testid="provider-reset"
              aria-label={t("health.reset")}
              title={t("health.resetTitle")}
            >
              {resetting() ? <Spinner /> : <span class="i-lucide-rotate-ccw" />}
              <span class="hidden sm:inline">{t("health.reset")}</span>
            </button>
          </Show>
          <button type="button" class="btn-secondary btn-sm" onClick={runTest} disabled={testing()} data-testid="provider-test" title={t("providers.test")}>
            {testing() ? <Spinner /> : <span class="i-lucide-plug-zap" />}
            {t("providers.test")}
          </button>
          <button type="button" class="btn-secondary btn-sm" onClick={props.onImport} data-testid="provider-import" aria-label={t("providers.import")} title={t("providers.import")}>
            <span class="i-lucide-download" />
            <span class="hidden sm:inline">{t("providers.import")}</span>
          </button>
          <button type="button" class="btn-icon h-8 w-8" onClick={props.onEdit} aria-label={t("common.edit")} title={t("common.edit")} data-testid="provider-edit">
            <span class="i-lucide-pencil" />
          </button>
          <button type="button" class="btn-icon h-8 w-8 hover:text-red-600" onClick={props.onDelete} aria-label={t("common.delete")} title={t("common.delete")}>
            <span class="i-lucide-trash-2" />
          </button>
          <Show when={props.provider.consoleUrl}>
            <a class="btn-icon h-8 w-8" href={props.provider.consoleUrl!} target="_blank" rel="noreferrer" aria-label={t("providers.console")} title={t("providers.console")}>
              <span class="i-lucide-external-link" />
            </a>
          </Show>
        </div>
      </div>

      <Show when={test()}>
        {(result) => <TestResult result={result()} onClose={() => setTest(undefined)} onUseBaseUrl={useBaseUrl} />}
      </Show>

      <div class="grid gap-x-6 gap-y-3 border-t border-zinc-100 px-4 py-3 text-sm dark:border-zinc-800 sm:px-5 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <dl class="grid grid-cols-[auto_1fr] content-start gap-x-3 gap-y-1.5">
          <dt class="muted">{t("providers.keys")}</dt>
          <dd class="flex min-w-0 flex-wrap gap-1">
            <Show when={props.provider.apiKeys.length > 0} fallback={<span class="muted">{t("providers.noKeys")}</span>}>
              <For each={props.health?.keys ?? props.provider.apiKeys.map((key) => ({ key, state: "ok" as const, deadReason: null, lastFailure: null }))}>
                {(key) => (
                  <span
                    class={`${key.state === "ok" ? "badge-muted" : key.state === "dead" ? "badge-bad" : "badge-warn"} font-mono`}
                    title={key.state === "ok" ? undefined : `${t(`providers.keyState.${key.state}`)}: ${key.deadReason ?? keyFailure(key)?.message ?? ""}`}
                  >
                    {key.key}
                    <Show when={key.state !== "ok"}>
                      <span class="font-sans">· {keyFailure(key) ? t(`cause.${keyFailure(key)!.cause}`) : t(`providers.keyState.${key.state}`)}</span>
                    </Show>
                  </span>
                )}
              </For>
            </Show>
          </dd>
          <Show when={keys().dead > 0}>
            <dt class="muted">{t("providers.deadKeys")}</dt>
            <dd class="text-red-600 dark:text-red-400">{keys().dead}</dd>
          </Show>
          <dt class="muted">{t("providers.load")}</dt>
          <dd class="tabular-nums">
            {t("providers.loadValue", {
              inFlight: props.health?.limits.inFlight ?? 0,
              rpm: props.health?.limits.requestsLastMinute ?? 0,
            })}
            <Show when={props.provider.requestsPerMinute}>
              <span class="muted"> / {props.provider.requestsPerMinute}</span>
            </Show>
          </dd>
        </dl>
        <div class="min-w-0">
          <Show
            when={(props.health?.associations.length ?? 0) > 0}
            fallback={
              <p class="text-sm muted">
                {t("providers.noAssociations")}{" "}
                <button type="button" class="text-brand-600 hover:underline dark:text-brand-300" onClick={props.onImport}>
                  {t("providers.importModels")}
                </button>
              </p>
            }
          >
            <ul class="space-y-2">
              <For each={props.health!.associations}>
                {(association) => (
                  <li class="grid grid-cols-1 items-center gap-x-3 gap-y-1 sm:grid-cols-[minmax(0,1.2fr)_minmax(120px,1fr)_auto]">
                    <A href={`/models/${association.modelId}`} class="min-w-0 truncate hover:underline">
                      <span class="font-medium">{association.modelName}</span>
                      <span class="muted"> → </span>
                      <span class="font-mono text-xs">{association.providerModel}</span>
                      <Show when={!association.enabled}>
                        <span class="badge-muted ml-2">{t("common.disabled")}</span>
                      </Show>
                    </A>
                    <StatusBar outcomes={association.recent} />
                    <div class="flex items-center gap-2 text-xs tabular-nums muted sm:justify-end">
                      <Show when={association.breaker && association.breaker.state !== "closed"}>
                        <span class={association.breaker!.state === "open" ? "badge-bad" : "badge-warn"} data-testid="association-breaker">
                          {association.breaker!.state === "open" && association.breaker!.retryAt
                            ? t("providers.breaker", { state: t("breaker.openUntil", { time: formatTime(association.breaker!.retryAt) }) })
                            : t("providers.breaker", { state: t(`breaker.${association.breaker!.state === "open" ? "open" : "halfOpen"}`) })}
                        </span>
                      </Show>
                      <span title={t("dashboard.firstByte")}>{formatDuration(association.firstByteMs)}</span>
                      <span title={t("dashboard.errorRate")}>{formatPercent(association.errorRate, 0)}</span>
                    </div>
                    <Show when={association.lastError}>
                      {(last) => (
                        <p class="truncate text-xs text-red-600 dark:text-red-400 sm:col-span-3" title={last().message}>
                          {formatRelative(last().at)} · {last().cause ? `${t(`cause.${last().cause!}`)} · ` : ""}
                          {last().message}
                        </p>
                      )}
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
      </div>
    </article>
  );
}

function TestResult(props: { result: ConnectionTest | { error: unknown }; onClose: () => void; onUseBaseUrl: (suggestion: string) => Promise<void> }) {
  const outcome = () => ("ok" in props.result ? props.result : undefined);
  const message = () => {
    const result = props.result;
    if ("ok" in result) return result.ok ? result.answer : result.error;
    return result.error instanceof Error ? result.error.message : String(result.error);
  };
  const ok = () => outcome()?.ok === true;
  return (
    <div
      role="status"
      data-testid="test-result"
      data-ok={ok()}
      class={`mx-4 mb-3 flex items-start gap-3 rounded-lg px-3 py-2 text-sm sm:mx-5 ${
        ok() ? "bg-emerald-50 text-emerald-900 dark:(bg-emerald-500/10 text-emerald-200)" : "bg-red-50 text-red-900 dark:(bg-red-500/10 text-red-200)"
      }`}
    >
      <span class={`mt-0.5 ${ok() ? "i-lucide-circle-check" : "i-lucide-circle-x"}`} />
      <div class="min-w-0 flex-1">
        <p class="font-medium">
          {ok() ? t("providers.testOk") : t("providers.testFailed")}
          <Show when={outcome()}>
            {(result) => (
              <span class="font-normal opacity-80">
                {" "}
                · {formatDuration(result().latencyMs)}
                {result().model ? ` · ${result().model}` : ""}
                {result().status ? ` · HTTP ${result().status}` : ""}
              </span>
            )}
          </Show>
        </p>
        <Show when={message()}>
          <p class="mt-0.5 break-words text-xs opacity-90">{message()}</p>
        </Show>
        <Show when={baseUrlWarning(outcome()?.warnings)}>{(warning) => <BaseUrlFix warning={warning()} onApply={props.onUseBaseUrl} class="mt-2" />}</Show>
      </div>
      <button type="button" class="opacity-60 hover:opacity-100" aria-label={t("common.close")} onClick={props.onClose}>
        <span class="i-lucide-x" />
      </button>
    </div>
  );
}

/** A key's last failure, when it explains the key's state (a usable key's old failure does not). */
function keyFailure(key: Pick<ProviderHealth["keys"][number], "state" | "lastFailure">) {
  return key.state === "ok" ? undefined : (key.lastFailure ?? undefined);
}
