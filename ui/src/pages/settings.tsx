import { createEffect, createMemo, createResource, createSignal, Show } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { confirmAction } from "../components/confirm.tsx";
import { FieldSet, NumberField, Toggle } from "../components/fields.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { ErrorBox, LoadingRows, Spinner } from "../components/states.tsx";
import { toast, toastError } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { formatInteger } from "../lib/format.ts";
import { t } from "../lib/i18n/index.ts";
import { usePageTitle } from "../lib/page-title.ts";
import { settingsChanges, validateSettings } from "../lib/settings-form.ts";
import type { Settings } from "@llmio/contract";
import { CleanupHistory } from "./settings-cleanup-history.tsx";
import { ConfigFileSection } from "./settings-config-file.tsx";
import { LlmioImportSection } from "./settings-llmio-import.tsx";
import { CacheStatsPanel } from "./settings-response-cache.tsx";
import { TracingSection } from "./settings-tracing.tsx";

/** Log retention (with "run now" and the cleanup history), body capture, the response cache, defaults for new models, tracing, and the configuration file. */
export default function SettingsPage() {
  usePageTitle("nav.settings");
  const [saved, { refetch, mutate }] = createResource(() => api.settings());
  const [form, setForm] = createStore<Settings>({
    logRetentionDays: null,
    logMaxRows: null,
    bodyCapture: false,
    bodyCaptureMaxChars: 65_536,
    defaultTimeoutMs: 60_000,
    defaultMaxRetry: 3,
    cacheMaxMb: 64,
    tracingEndpoint: null,
    tracingHeaders: null,
    tracingSampleRatio: 1,
    tracingLinkTemplate: null,
    tracingFromEnvironment: false,
  });
  const [running, setRunning] = createSignal(false);
  const [lastRun, setLastRun] = createSignal<{ deletedRows: number; deletedBodies: number } | undefined>();
  // Bumped after a manual cleanup, so the history shows it.
  const [historyVersion, setHistoryVersion] = createSignal(0);

  createEffect(() => {
    const value = saved();
    if (value) setForm(reconcile({ ...value }));
  });
  const changes = createMemo(() => (saved() ? settingsChanges(saved()!, form) : {}));
  const dirty = () => Object.keys(changes()).length > 0;
  const { error, saving, submit: save } = createFormSubmission<keyof Settings>({
    validate: () => validateSettings(form),
    save: async () => {
      mutate(await api.updateSettings(changes()));
      toast(t("common.saved"));
    },
    onFailure: toastError,
  });

  const runRetention = async () => {
    if (!(await confirmAction({ title: t("settings.runTitle"), message: t("settings.runMessage"), confirmLabel: t("settings.runNow"), danger: true }))) return;
    setRunning(true);
    try {
      setLastRun(await api.runRetention());
    } catch (caught) {
      toastError(caught);
    } finally {
      setRunning(false);
      setHistoryVersion((version) => version + 1);
    }
  };

  return (
    <div class="max-w-3xl">
      <PageHeader title={t("nav.settings")} subtitle={t("settings.subtitle")} />
      <Show when={saved.error}>
        <ErrorBox error={saved.error} onRetry={refetch} />
      </Show>
      <Show when={saved.loading && !saved.latest}>
        <LoadingRows rows={4} />
      </Show>
      <Show when={saved.latest}>
        <form class="space-y-4" onSubmit={save} novalidate>
          <section class="card card-pad">
            <FieldSet legend={t("settings.retention")} hint={t("settings.hint.retention")}>
              <div class="grid gap-4 sm:grid-cols-2">
                <NumberField label={t("settings.retentionDays")} name="logRetentionDays" value={form.logRetentionDays} onValue={(value) => setForm("logRetentionDays", value)} min={1} unit={t("settings.days")} placeholder="∞" error={error("logRetentionDays")} hint={t("settings.hint.emptyKeepsAll")} />
                <NumberField label={t("settings.maxRows")} name="logMaxRows" value={form.logMaxRows} onValue={(value) => setForm("logMaxRows", value)} min={1} step={1000} placeholder="∞" error={error("logMaxRows")} hint={t("settings.hint.emptyKeepsAll")} />
              </div>
              <div class="flex flex-wrap items-center gap-3 pt-1">
                <button type="button" class="btn-secondary" onClick={runRetention} disabled={running()} data-testid="retention-run">
                  {running() ? <Spinner /> : <span class="i-lucide-eraser" />}
                  {t("settings.runNow")}
                </button>
                <Show when={lastRun()}>
                  {(result) => (
                    <span class="text-sm muted" role="status">
                      {t("settings.runResult", { rows: formatInteger(result().deletedRows), bodies: formatInteger(result().deletedBodies) })}
                    </span>
                  )}
                </Show>
              </div>
            </FieldSet>
          </section>

          <CleanupHistory version={historyVersion()} />

          <section class="card card-pad">
            <FieldSet legend={t("settings.bodyCapture")}>
              <Toggle checked={form.bodyCapture} onChange={(value) => setForm("bodyCapture", value)} label={t("settings.bodyCaptureToggle")} hint={t("settings.hint.bodyCapture")} />
              <NumberField class="sm:max-w-xs" label={t("settings.bodyCaptureMaxChars")} value={form.bodyCaptureMaxChars} onValue={(value) => setForm("bodyCaptureMaxChars", value ?? 0)} min={1} step={1024} error={error("bodyCaptureMaxChars")} disabled={!form.bodyCapture} />
            </FieldSet>
          </section>

          <section class="card card-pad" data-testid="settings-cache">
            <FieldSet legend={t("settings.cache")} hint={t("settings.hint.cache")}>
              <NumberField
                class="sm:max-w-xs"
                label={t("settings.cacheMaxMb")}
                name="cacheMaxMb"
                value={form.cacheMaxMb}
                onValue={(value) => setForm("cacheMaxMb", value ?? 0)}
                min={1}
                max={65_536}
                unit="MB"
                error={error("cacheMaxMb")}
                hint={t("settings.hint.cacheMaxMb")}
              />
              <CacheStatsPanel />
            </FieldSet>
          </section>

          <section class="card card-pad">
            <FieldSet legend={t("settings.defaults")} hint={t("settings.hint.defaults")}>
              <div class="grid gap-4 sm:grid-cols-2">
                <NumberField
                  label={t("models.timeout")}
                  value={form.defaultTimeoutMs / 1000}
                  onValue={(value) => setForm("defaultTimeoutMs", value === null ? 0 : Math.round(value * 1000))}
                  min={1}
                  step={0.5}
                  unit="s"
                  error={error("defaultTimeoutMs")}
                />
                <NumberField label={t("models.maxRetry")} value={form.defaultMaxRetry} onValue={(value) => setForm("defaultMaxRetry", value ?? -1)} min={0} error={error("defaultMaxRetry")} />
              </div>
            </FieldSet>
          </section>

          <TracingSection form={form} setForm={setForm} error={error} />

          <div class="flex flex-wrap items-center justify-end gap-2 pt-1">
            <Show when={dirty()}>
              <span class="mr-auto text-sm text-amber-700 dark:text-amber-300">{t("settings.unsaved")}</span>
              <button type="button" class="btn-ghost" onClick={() => setForm(reconcile({ ...saved()! }))}>
                {t("common.reset")}
              </button>
            </Show>
            <button type="submit" class="btn-primary" disabled={saving() || !dirty()} data-testid="settings-save">
              <Show when={saving()}>
                <Spinner />
              </Show>
              {t("common.save")}
            </button>
          </div>
        </form>
        <div class="mt-4 space-y-4">
          <ConfigFileSection />
          <LlmioImportSection onApplied={refetch} />
        </div>
      </Show>
    </div>
  );
}
