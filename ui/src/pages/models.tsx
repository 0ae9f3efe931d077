import { A, useNavigate, useParams } from "@solidjs/router";
import { createResource, createSignal, Show } from "solid-js";
import { PageHeader } from "../components/page-header.tsx";
import { SortableList } from "../components/sortable-list.tsx";
import { EmptyState } from "../components/states.tsx";
import { AddButton, ListStates } from "../components/list-states.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import type { Model } from "@llmio/contract";
import { ModelDetail } from "./model-detail.tsx";
import { ModelFormModal } from "./model-form.tsx";

/** Public models in routing order (drag to reorder) beside the selected model's providers. */
export default function ModelsPage() {
  usePageTitle("nav.models");
  const params = useParams<{ id?: string }>();
  const navigate = useNavigate();
  const [models, { refetch, mutate }] = createResource(() => api.models());
  const [providers, { refetch: refetchProviders }] = createResource(() => api.providers());
  const [settings] = createResource(() => api.settings().catch(() => undefined));
  const [creating, setCreating] = createSignal(false);
  const selectedId = () => (params.id ? Number(params.id) : undefined);
  const selected = () => models.latest?.find((model) => model.id === selectedId());

  const reorder = async (next: Model[]) => {
    const previous = models.latest;
    mutate(next);
    try {
      await api.orderModels(next.map((model) => model.id));
    } catch (error) {
      mutate(previous);
      toastError(error);
    }
  };

  return (
    <div>
      <PageHeader
        title={t("nav.models")}
        subtitle={t("models.subtitle")}
        actions={
          <AddButton label={t("models.new")} onClick={() => setCreating(true)} testId="model-new" />
        }
      />
      <ListStates
        resource={models}
        onRetry={refetch}
        loadingRows={5}
        errorClass="mb-4"
        empty={{
          icon: "i-lucide-boxes",
          title: t("models.empty"),
          hint: t("models.emptyHint"),
          action: <AddButton label={t("models.new")} onClick={() => setCreating(true)} />,
        }}
      >
        {(list) => (
          <div class="grid items-start gap-4 lg:grid-cols-[320px_minmax(0,1fr)]">
            <section class={`card min-w-0 overflow-hidden ${selectedId() ? "hidden lg:block" : ""}`} aria-label={t("nav.models")}>
              <p class="flex items-center gap-1.5 border-b border-zinc-100 px-4 py-2 text-xs muted dark:border-zinc-800">
                <span class="i-lucide-grip-vertical" />
                {t("models.dragHint")}
              </p>
              <SortableList
                items={list()}
                id={(model) => model.id}
                handleLabel={(model) => t("models.moveHandle", { name: model.name })}
                onReorder={reorder}
                class="divide-y divide-zinc-100 dark:divide-zinc-800"
              >
                {(model, handle, dragging) => (
                  <li
                    class={`flex items-center gap-1 pr-3 transition-colors ${dragging() ? "dragging bg-brand-50 dark:bg-brand-500/10" : ""} ${
                      model.id === selectedId() ? "bg-brand-50/70 dark:bg-brand-500/10" : "hover:bg-zinc-50 dark:hover:bg-zinc-800/50"
                    }`}
                    data-testid="model-row"
                    data-model={model.name}
                  >
                    <button type="button" class="btn-ghost h-11 w-8 shrink-0 px-0 text-zinc-400" {...handle}>
                      <span class="i-lucide-grip-vertical" />
                    </button>
                    <A href={`/models/${model.id}`} class="flex min-w-0 flex-1 items-center gap-2 py-2.5 focus-visible:(outline-none underline)" aria-current={model.id === selectedId() ? "page" : undefined}>
                      <span class="min-w-0 flex-1">
                        <span class="block truncate font-mono text-sm font-medium">{model.name}</span>
                        <span class="block truncate text-xs muted">
                          {t(`strategy.${model.strategy}`)}
                          {model.aliases.length ? ` · ${model.aliases.join(", ")}` : ""}
                        </span>
                      </span>
                      <Show when={model.pinnedProviderId}>
                        <span class="i-lucide-pin text-amber-500" title={t("models.pinned")} />
                      </Show>
                      <span class={model.providerCount > 0 ? "badge-muted" : "badge-warn"} title={t("models.providerCount")}>
                        {model.providerCount}
                      </span>
                    </A>
                  </li>
                )}
              </SortableList>
            </section>
            <div class={`min-w-0 ${selectedId() ? "" : "hidden lg:block"}`}>
              <Show
                when={selected()}
                fallback={
                  <div class="card">
                    <EmptyState icon="i-lucide-mouse-pointer-click" title={selectedId() ? t("models.notFound") : t("models.selectHint")} />
                  </div>
                }
              >
                {(model) => (
                  <ModelDetail
                    model={model()}
                    providers={providers.latest ?? []}
                    onChanged={(changed) => mutate((current) => current?.map((item) => (item.id === changed.id ? changed : item)))}
                    onAssociationsChanged={() => {
                      void refetch();
                      void refetchProviders();
                    }}
                    onDeleted={() => {
                      mutate((current) => current?.filter((item) => item.id !== model().id));
                      navigate("/models");
                    }}
                  />
                )}
              </Show>
            </div>
          </div>
        )}
      </ListStates>
      <Show when={creating()}>
        <ModelFormModal
          defaults={settings()}
          onClose={() => setCreating(false)}
          onSaved={(model) => {
            setCreating(false);
            toast(t("models.created", { name: model.name }));
            mutate((current) => [...(current ?? []), { ...model, providerCount: model.providerCount ?? 0 }]);
            navigate(`/models/${model.id}`);
          }}
        />
      </Show>
    </div>
  );
}
