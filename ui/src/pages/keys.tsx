import { A } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { confirmAction } from "../components/confirm.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { Toggle } from "../components/fields.tsx";
import { Modal } from "../components/modal.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { AddButton, ListStates } from "../components/list-states.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { quotaUsed } from "../lib/auth-key-form.ts";
import { formatCompact, formatDateTime, formatInteger, formatRelative } from "../lib/format.ts";
import { setFreshKey } from "../lib/handoff.ts";
import { t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import type { AuthKey, CreatedAuthKey } from "@llmio/contract";
import { AuthKeyFormModal } from "./key-form.tsx";

const STATUS_BADGES: Record<AuthKey["status"], string> = {
  active: "badge-ok",
  disabled: "badge-muted",
  expired: "badge-warn",
  quota_exhausted: "badge-bad",
};

/** Client API keys: issue (shown once), limit to models, expire, cap usage, disable. */
export default function KeysPage() {
  usePageTitle("nav.keys");
  const [keys, { refetch, mutate }] = createResource(() => api.authKeys());
  const [models] = createResource(() => api.models().catch(() => []));
  const [editing, setEditing] = createSignal<AuthKey | "new" | undefined>();
  const [created, setCreated] = createSignal<CreatedAuthKey | undefined>();

  const replace = (key: AuthKey) => mutate((list) => list?.map((item) => (item.id === key.id ? key : item)));

  const setEnabled = async (key: AuthKey, enabled: boolean) => {
    try {
      replace(await api.updateAuthKey(key.id, { enabled }));
    } catch (error) {
      toastError(error);
    }
  };
  const resetUsage = async (key: AuthKey) => {
    if (!(await confirmAction({ title: t("keys.resetTitle", { name: key.name }), message: t("keys.resetMessage"), confirmLabel: t("keys.reset") }))) return;
    try {
      replace(await api.updateAuthKey(key.id, { resetUsage: true }));
      toast(t("keys.resetDone"));
    } catch (error) {
      toastError(error);
    }
  };
  const remove = async (key: AuthKey) => {
    if (!(await confirmAction({ title: t("keys.deleteTitle", { name: key.name }), message: t("keys.deleteMessage"), confirmLabel: t("common.delete"), danger: true }))) return;
    try {
      await api.deleteAuthKey(key.id);
      mutate((list) => list?.filter((item) => item.id !== key.id));
      toast(t("common.deleted"));
    } catch (error) {
      toastError(error);
    }
  };

  return (
    <div>
      <PageHeader
        title={t("nav.keys")}
        subtitle={t("keys.subtitle")}
        actions={
          <AddButton label={t("keys.new")} onClick={() => setEditing("new")} testId="key-new" />
        }
      />
      <ListStates
        resource={keys}
        onRetry={refetch}
        loadingRows={3}
        errorClass="mb-4"
        empty={{
          icon: "i-lucide-key-round",
          title: t("keys.empty"),
          hint: t("keys.emptyHint"),
          action: <AddButton label={t("keys.new")} onClick={() => setEditing("new")} />,
        }}
      >
        {(list) => (
          <div class="grid gap-3 md:grid-cols-2 2xl:grid-cols-3">
            <For each={list()}>
              {(key) => (
                <article class="card flex min-w-0 flex-col p-4" data-testid="key-card">
                  <div class="flex items-start gap-3">
                    <div class="min-w-0 flex-1">
                      <div class="flex flex-wrap items-center gap-2">
                        <h2 class="truncate font-semibold">{key.name}</h2>
                        <span class={STATUS_BADGES[key.status]}>{t(`keys.status.${key.status}`)}</span>
                        <Show when={key.captureBodies}>
                          <span class="badge-warn" title={t("keys.hint.captureBodies")} data-testid="key-captures-bodies">
                            <span class="i-lucide-file-text" />
                            {t("keys.capturing")}
                          </span>
                        </Show>
                      </div>
                      <code class="mt-0.5 block truncate font-mono text-xs muted">{key.keyHint}</code>
                    </div>
                    <Toggle size="sm" checked={key.enabled} onChange={(enabled) => setEnabled(key, enabled)} ariaLabel={t("common.enabled")} class="items-center" />
                  </div>
                  <dl class="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5 text-sm">
                    <dt class="muted">{t("keys.models")}</dt>
                    <dd class="min-w-0 truncate">
                      <Show when={key.allowedModels} fallback={<span class="muted">{t("keys.allModels")}</span>}>
                        <span class="font-mono text-xs" title={key.allowedModels!.join(", ")}>
                          {key.allowedModels!.join(", ")}
                        </span>
                      </Show>
                    </dd>
                    <dt class="muted">{t("keys.expires")}</dt>
                    <dd class={key.status === "expired" ? "text-amber-600 dark:text-amber-400" : ""}>{key.expiresAt ? formatDateTime(key.expiresAt) : <span class="muted">{t("keys.never")}</span>}</dd>
                    <dt class="muted">{t("keys.lastUsed")}</dt>
                    <dd>{key.lastUsedAt ? formatRelative(key.lastUsedAt) : <span class="muted">{t("keys.neverUsed")}</span>}</dd>
                  </dl>
                  <div class="mt-3 space-y-2">
                    <UsageBar label={t("keys.requests")} used={key.requestsUsed} quota={key.requestQuota} format={formatInteger} />
                    <UsageBar label={t("keys.tokens")} used={key.tokensUsed} quota={key.tokenQuota} format={formatCompact} />
                  </div>
                  <div class="mt-4 flex flex-wrap justify-end gap-1.5 border-t border-zinc-100 pt-3 dark:border-zinc-800">
                    <A href={`/logs?key=${key.id}`} class="btn-ghost btn-sm">
                      <span class="i-lucide-scroll-text" />
                      {t("nav.logs")}
                    </A>
                    <button type="button" class="btn-ghost btn-sm" onClick={() => resetUsage(key)}>
                      <span class="i-lucide-rotate-ccw" />
                      {t("keys.reset")}
                    </button>
                    <button type="button" class="btn-ghost btn-sm" onClick={() => setEditing(key)}>
                      <span class="i-lucide-pencil" />
                      {t("common.edit")}
                    </button>
                    <button type="button" class="btn-icon h-8 w-8 hover:text-red-600" onClick={() => remove(key)} aria-label={t("common.delete")} title={t("common.delete")}>
                      <span class="i-lucide-trash-2" />
                    </button>
                  </div>
                </article>
              )}
            </For>
          </div>
        )}
      </ListStates>

      <Show when={editing()} keyed>
        {(target) => (
          <AuthKeyFormModal
            authKey={target === "new" ? undefined : target}
            models={models() ?? []}
            onClose={() => setEditing(undefined)}
            onSaved={(key) => {
              setEditing(undefined);
              if ("key" in key) {
                setCreated(key as CreatedAuthKey);
                mutate((list) => [...(list ?? []), key]);
              } else {
                replace(key);
                toast(t("common.saved"));
              }
            }}
          />
        )}
      </Show>
      <Show when={created()} keyed>{(key) => <CreatedKeyModal created={key} onClose={() => setCreated(undefined)} />}</Show>
    </div>
  );
}

function UsageBar(props: { label: string; used: number; quota: number | null; format: (value: number) => string }) {
  const ratio = () => quotaUsed(props.used, props.quota);
  return (
    <div>
      <div class="flex justify-between text-xs">
        <span class="muted">{props.label}</span>
        <span class="tabular-nums">
          {props.format(props.used)}
          <span class="muted"> / {props.quota ? props.format(props.quota) : "∞"}</span>
        </span>
      </div>
      <Show when={ratio() !== null}>
        <div class="mt-1 h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
          <div class={`h-full rounded-full ${ratio()! >= 1 ? "bg-red-500" : ratio()! > 0.8 ? "bg-amber-500" : "bg-brand-500"}`} style={{ width: `${Math.max(ratio()! * 100, 1)}%` }} />
        </div>
      </Show>
    </div>
  );
}

/** The new key, shown this once, with copy and a shortcut to the quick-start snippets. */
function CreatedKeyModal(props: { created: CreatedAuthKey; onClose: () => void }) {
  return (
    <Modal
      size="sm"
      title={t("keys.createdTitle")}
      onClose={props.onClose}
      footer={
        <>
          <A
            href="/quick-start"
            class="btn-secondary"
            onClick={() => {
              setFreshKey({ name: props.created.name, key: props.created.key });
            }}
          >
            <span class="i-lucide-rocket" />
            {t("keys.useInQuickStart")}
          </A>
          <button type="button" class="btn-primary" onClick={props.onClose}>
            {t("common.done")}
          </button>
        </>
      }
    >
      <div class="space-y-3">
        <p class="flex items-start gap-2 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:(bg-amber-500/10 text-amber-200)">
          <span class="i-lucide-triangle-alert mt-0.5" />
          {t("keys.shownOnce")}
        </p>
        <div class="flex items-center gap-2 rounded-lg border border-zinc-200 bg-zinc-50 p-2 dark:(border-zinc-700 bg-zinc-950)">
          <code class="min-w-0 flex-1 break-all px-1 font-mono text-sm" data-testid="created-key">
            {props.created.key}
          </code>
          <CopyButton text={props.created.key} label={t("common.copy")} />
        </div>
      </div>
    </Modal>
  );
}
