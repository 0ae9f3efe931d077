import { createMemo, createSignal, For, Show } from "solid-js";
import { BaseUrlFix } from "../components/base-url-fix.tsx";
import { Modal } from "../components/modal.tsx";
import { EmptyState, ErrorBox, LoadingRows, Spinner } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { t } from "../lib/i18n/index.ts";
import { filterModels, planImport } from "../lib/import-plan.ts";
import { createLocalLoad } from "../lib/local-load.ts";
import { baseUrlWarning, providerCallFailure } from "../lib/provider-warnings.ts";
import type { Provider } from "@llmio/contract";

/**
 * Lists the provider's own models (fetched from it) and imports the chosen ones: each becomes
 * (or joins) the public model of the same name, or all join one chosen model. When the provider
 * cannot list them, its own status and message show here, with the corrected base URL one click
 * away when the URL lacks its version. `onProviderChanged`: the provider was updated (its URL).
 */
export function ImportModelsModal(props: { provider: Provider; onClose: () => void; onDone: (message: string) => void; onProviderChanged?: () => void }) {
  const remote = createLocalLoad(() => api.providerModels(props.provider.id));
  const existing = createLocalLoad(async () => {
    const [models, associations] = await Promise.all([api.models(), api.associations()]);
    return { models, associations };
  });
  const [query, setQuery] = createSignal("");
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [target, setTarget] = createSignal<number | undefined>();
  const [running, setRunning] = createSignal(false);
  const [failure, setFailure] = createSignal<unknown>();

  const visible = createMemo(() => filterModels(remote.value()?.models ?? [], query()));
  const plan = createMemo(() => {
    const known = existing.value();
    return known ? planImport([...selected()], { providerId: props.provider.id, models: known.models, associations: known.associations, targetModelId: target() }) : [];
  });
  const useBaseUrl = async (suggestion: string) => {
    await api.updateProvider(props.provider.id, { baseUrl: suggestion });
    props.onProviderChanged?.();
    await remote.reload();
  };
  const toDo = () => plan().filter((step) => !step.skip);

  const toggle = (model: string, on: boolean) => {
    const next = new Set(selected());
    if (on) next.add(model);
    else next.delete(model);
    setSelected(next);
  };
  const toggleVisible = (on: boolean) => {
    const next = new Set(selected());
    for (const model of visible()) on ? next.add(model) : next.delete(model);
    setSelected(next);
  };

  const run = async () => {
    setRunning(true);
    setFailure(undefined);
    let created = 0;
    let linked = 0;
    try {
      const createdIds = new Map<string, number>();
      for (const step of toDo()) {
        let modelId = step.modelId ?? createdIds.get(step.modelName);
        if (modelId === undefined) {
          modelId = (await api.createModel({ name: step.modelName })).id;
          createdIds.set(step.modelName, modelId);
          created++;
        }
        await api.createAssociation({ modelId, providerId: props.provider.id, providerModel: step.providerModel, weight: 1 });
        linked++;
      }
      props.onDone(t("import.done", { linked, created }));
    } catch (error) {
      setFailure(error);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Modal
      size="lg"
      title={t("import.title", { name: props.provider.name })}
      onClose={props.onClose}
      footer={
        <>
          <span class="mr-auto text-sm muted">{t("import.summary", { count: toDo().length, skipped: plan().length - toDo().length })}</span>
          <button type="button" class="btn-secondary" onClick={props.onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" class="btn-primary" disabled={running() || toDo().length === 0} onClick={run} data-testid="import-run">
            <Show when={running()}>
              <Spinner />
            </Show>
            {t("import.run")}
          </button>
        </>
      }
    >
      <div class="space-y-4">
        <Show when={remote.error()}>{(error) => <ImportFailure error={error()} onRetry={() => void remote.reload()} onUseBaseUrl={useBaseUrl} />}</Show>
        <Show when={existing.error()}>
          <ErrorBox error={existing.error()} onRetry={() => void existing.reload()} />
        </Show>
        <Show when={remote.loading()}>
          <LoadingRows rows={5} />
        </Show>
        <Show when={!remote.loading() && remote.value()}>
          <Show when={(remote.value()?.models.length ?? 0) > 0} fallback={<EmptyState icon="i-lucide-package-open" title={t("import.none")} />}>
            <div class="flex flex-wrap items-end gap-3">
              <div class="min-w-48 flex-1 space-y-1.5">
                <label for="import-search" class="field-label">
                  {t("common.search")}
                </label>
                <input id="import-search" class="input" type="search" value={query()} onInput={(event) => setQuery(event.currentTarget.value)} placeholder={t("import.searchPlaceholder")} />
              </div>
              <div class="min-w-48 flex-1 space-y-1.5">
                <label for="import-target" class="field-label">
                  {t("import.target")}
                </label>
                <select id="import-target" class="input" value={target() ?? ""} onChange={(event) => setTarget(event.currentTarget.value ? Number(event.currentTarget.value) : undefined)}>
                  <option value="">{t("import.sameName")}</option>
                  <For each={existing.value()?.models ?? []}>{(model) => <option value={model.id}>{model.name}</option>}</For>
                </select>
              </div>
            </div>
            <div class="flex items-center justify-between text-sm">
              <label class="inline-flex cursor-pointer items-center gap-2">
                <input
                  type="checkbox"
                  class="h-4 w-4 accent-brand-600"
                  checked={visible().length > 0 && visible().every((model) => selected().has(model))}
                  onChange={(event) => toggleVisible(event.currentTarget.checked)}
                />
                {t("import.selectAll", { count: visible().length })}
              </label>
              <span class="muted">{t("import.selected", { count: selected().size })}</span>
            </div>
            <ul class="max-h-80 divide-y divide-zinc-100 overflow-y-auto rounded-lg border border-zinc-200 dark:(divide-zinc-800 border-zinc-800)">
              <For each={visible()}>
                {(model) => {
                  const step = () => plan().find((item) => item.providerModel === model);
                  return (
                    <li>
                      <label class="flex cursor-pointer items-center gap-3 px-3 py-2 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                        <input type="checkbox" class="h-4 w-4 accent-brand-600" checked={selected().has(model)} onChange={(event) => toggle(model, event.currentTarget.checked)} />
                        <span class="min-w-0 flex-1 truncate font-mono text-xs">{model}</span>
                        <Show when={step()}>
                          {(current) => (
                            <span class={current().skip ? "badge-muted" : current().modelId === undefined ? "badge-brand" : "badge-ok"}>
                              {current().skip ? t("import.exists") : current().modelId === undefined ? t("import.newModel", { name: current().modelName }) : `→ ${current().modelName}`}
                            </span>
                          )}
                        </Show>
                      </label>
                    </li>
                  );
                }}
              </For>
            </ul>
          </Show>
        </Show>
        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>
      </div>
    </Modal>
  );
}

/** Why the provider's models could not be listed: its own status and message, and the base-URL fix when it applies. */
function ImportFailure(props: { error: unknown; onRetry: () => void; onUseBaseUrl: (suggestion: string) => Promise<void> }) {
  const failure = () => providerCallFailure(props.error);
  const headline = () => {
    const upstream = failure().upstream;
    if (!upstream) return t("import.failed");
    return upstream.status === null ? t("import.failedUnreachable") : t("import.failedStatus", { status: upstream.status });
  };
  return (
    <div class="space-y-3">
      <Show when={baseUrlWarning(failure().warnings)}>{(warning) => <BaseUrlFix warning={warning()} onApply={props.onUseBaseUrl} />}</Show>
      <div
        role="alert"
        data-testid="import-error"
        data-status={failure().upstream?.status ?? ""}
        class="flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:(border-red-500/30 bg-red-500/10 text-red-200)"
      >
        <span class="i-lucide-circle-alert mt-0.5 text-base" />
        <div class="min-w-0 flex-1">
          <p class="font-medium">{headline()}</p>
          <p class="mt-1 break-words font-mono text-xs opacity-90">{failure().upstream?.message ?? failure().message}</p>
        </div>
        <button type="button" class="btn-secondary btn-sm" onClick={() => props.onRetry()}>
          {t("common.retry")}
        </button>
      </div>
    </div>
  );
}
