import { createSignal, For, Show } from "solid-js";
import { confirmAction } from "../components/confirm.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { FieldSet, Toggle } from "../components/fields.tsx";
import { PlanPanel } from "../components/plan-panel.tsx";
import { ErrorBox, Spinner } from "../components/states.tsx";
import { toast, toastError } from "../components/toast.tsx";
import {
  applyConfigFile,
  changedItems,
  downloadText,
  exportConfigFile,
} from "../lib/config-transfer.ts";
import type { ConfigApplyResult, ConfigItemAction, ConfigItemChange } from "@llmio/contract";
import { t } from "../lib/i18n/index.ts";

const ACTION_BADGE: Record<ConfigItemAction, string> = {
  created: "badge-ok",
  updated: "badge-warn",
  deleted: "badge-bad",
  unchanged: "badge-muted",
};

const KIND_LABEL = {
  provider: "settings.config.kind.provider",
  model: "settings.config.kind.model",
  association: "settings.config.kind.association",
  "auth key": "settings.config.kind.authKey",
} as const;

/** The uploaded file and the plan its dry run gave. */
interface Preview {
  name: string;
  yaml: string;
  plan: ConfigApplyResult;
}

/**
 * The configuration as a file, like `llmio config export/apply`: download it as YAML, or upload
 * one, see what applying it would change (a dry run), then apply.
 */
export function ConfigFileSection(props: { onApplied?: () => void }) {
  const [withSecrets, setWithSecrets] = createSignal(false);
  const [prune, setPrune] = createSignal(false);
  const [busy, setBusy] = createSignal<"download" | "plan" | "apply" | undefined>();
  const [preview, setPreview] = createSignal<Preview | undefined>();
  const [failure, setFailure] = createSignal<unknown>();
  const [applied, setApplied] = createSignal<ConfigApplyResult | undefined>();
  const [showUnchanged, setShowUnchanged] = createSignal(false);
  let fileInput: HTMLInputElement | undefined;

  const download = async () => {
    if (withSecrets()) {
      const confirmed = await confirmAction({
        title: t("settings.config.secretsTitle"),
        message: t("settings.config.secretsMessage"),
        confirmLabel: t("settings.config.secretsConfirm"),
        danger: true,
      });
      if (!confirmed) return;
    }
    setBusy("download");
    try {
      const file = await exportConfigFile(withSecrets());
      downloadText(file.name, file.text);
    } catch (caught) {
      toastError(caught);
    } finally {
      setBusy(undefined);
    }
  };

  const plan = async (name: string, yaml: string) => {
    setBusy("plan");
    setFailure(undefined);
    setApplied(undefined);
    try {
      setPreview({ name, yaml, plan: await applyConfigFile(yaml, { dryRun: true, prune: prune() }) });
    } catch (caught) {
      setPreview(undefined);
      setFailure(caught);
    } finally {
      setBusy(undefined);
    }
  };

  const upload = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    // The same file may be chosen again after an edit.
    input.value = "";
    if (file) await plan(file.name, await file.text());
  };

  const changePrune = async (value: boolean) => {
    setPrune(value);
    const current = preview();
    if (current) await plan(current.name, current.yaml);
  };

  const apply = async () => {
    const current = preview();
    if (!current) return;
    setBusy("apply");
    try {
      const result = await applyConfigFile(current.yaml, { dryRun: false, prune: prune() });
      setPreview(undefined);
      setApplied(result);
      toast(t("settings.config.applied"));
      props.onApplied?.();
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(undefined);
    }
  };

  const shown = (result: ConfigApplyResult) => (showUnchanged() ? result.changes : changedItems(result));

  return (
    <section class="card card-pad" data-testid="config-file">
      <FieldSet legend={t("settings.config")} hint={t("settings.hint.config")}>
        <div class="flex flex-wrap items-center gap-x-4 gap-y-3">
          <button type="button" class="btn-secondary" onClick={download} disabled={busy() !== undefined} data-testid="config-download">
            {busy() === "download" ? <Spinner /> : <span class="i-lucide-download" />}
            {t("settings.config.download")}
          </button>
          <Toggle size="sm" checked={withSecrets()} onChange={setWithSecrets} label={t("settings.config.withSecrets")} />
        </div>
        <div class="flex flex-wrap items-center gap-x-4 gap-y-3 pt-1">
          <button type="button" class="btn-secondary" onClick={() => fileInput?.click()} disabled={busy() !== undefined} data-testid="config-upload">
            {busy() === "plan" ? <Spinner /> : <span class="i-lucide-upload" />}
            {t("settings.config.upload")}
          </button>
          <input ref={fileInput} type="file" accept=".yaml,.yml,application/yaml,text/yaml" class="hidden" onChange={upload} data-testid="config-file-input" />
          <Toggle size="sm" checked={prune()} onChange={changePrune} label={t("settings.config.prune")} hint={t("settings.config.hint.prune")} disabled={busy() !== undefined} />
        </div>

        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>

        <Show when={preview()}>
          {(current) => (
            <PlanPanel tone="preview" testId="config-preview">
              <div class="flex flex-wrap items-baseline justify-between gap-2">
                <p class="section-title">{t("settings.config.preview", { file: current().name })}</p>
                <p class="text-xs muted" data-testid="config-counts">
                  {t("settings.config.counts", { ...current().plan.counts })}
                </p>
              </div>
              <p class="text-xs muted">{t("settings.config.dryRunNote")}</p>
              <Show when={changedItems(current().plan).length > 0} fallback={<p class="text-sm">{t("settings.config.noChanges")}</p>}>
                <ChangeTable changes={shown(current().plan)} />
              </Show>
              <div class="flex flex-wrap items-center justify-end gap-2">
                <Show when={current().plan.counts.unchanged > 0}>
                  <button type="button" class="btn-ghost btn-sm mr-auto" onClick={() => setShowUnchanged(!showUnchanged())}>
                    {showUnchanged() ? t("settings.config.hideUnchanged") : t("settings.config.showUnchanged", { count: current().plan.counts.unchanged })}
                  </button>
                </Show>
                <button type="button" class="btn-ghost" onClick={() => setPreview(undefined)} disabled={busy() === "apply"}>
                  {t("common.cancel")}
                </button>
                <button type="button" class="btn-primary" onClick={apply} disabled={busy() !== undefined || changedItems(current().plan).length === 0} data-testid="config-apply">
                  <Show when={busy() === "apply"}>
                    <Spinner />
                  </Show>
                  {t("settings.config.apply")}
                </button>
              </div>
            </PlanPanel>
          )}
        </Show>

        <Show when={applied()}>
          {(result) => (
            <PlanPanel tone="applied" testId="config-applied">
              <p class="section-title">{t("settings.config.applied")}</p>
              <p class="text-xs muted">{t("settings.config.counts", { ...result().counts })}</p>
              <For each={result().changes.filter((change) => change.key)}>
                {(change) => (
                  <div class="flex flex-wrap items-center gap-2 text-sm">
                    <span class="font-medium">{change.name}</span>
                    <code class="code break-all">{change.key}</code>
                    <CopyButton text={change.key!} />
                    <span class="text-xs text-amber-700 dark:text-amber-300">{t("settings.config.newKey")}</span>
                  </div>
                )}
              </For>
            </PlanPanel>
          )}
        </Show>
      </FieldSet>
    </section>
  );
}

function ChangeTable(props: { changes: ConfigItemChange[] }) {
  return (
    <div class="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:(border-zinc-800 bg-zinc-900)">
      <table class="table-base" data-testid="config-changes">
        <tbody>
          <For each={props.changes}>
            {(change) => (
              <tr data-testid="config-change" data-action={change.action}>
                <td class="td w-1 whitespace-nowrap">
                  <span class={ACTION_BADGE[change.action]}>{t(`settings.config.action.${change.action}`)}</span>
                </td>
                <td class="td w-1 whitespace-nowrap text-xs muted">{t(KIND_LABEL[change.kind])}</td>
                <td class="td">
                  <div class="font-medium break-all">{change.name}</div>
                  <Show when={change.fields?.length}>
                    <div class="mt-0.5 flex flex-wrap gap-1">
                      <For each={change.fields}>{(field) => <code class="code text-xs">{field}</code>}</For>
                    </div>
                  </Show>
                  <Show when={change.note}>
                    <div class="mt-0.5 text-xs muted">{change.note}</div>
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
