import { Show } from "solid-js";
import { createStore } from "solid-js/store";
import { FieldSet, NumberField, SelectField, TextField, Toggle } from "../components/fields.tsx";
import { FormFooter } from "../components/form-footer.tsx";
import { Modal } from "../components/modal.tsx";
import { ErrorBox } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { t } from "../lib/i18n/index.ts";
import { cacheOn, formToModelInput, MAX_CACHE_TTL_SECONDS, modelToForm, newModelForm, STRATEGIES, validateModelForm, type ModelForm } from "../lib/model-form.ts";
import type { Model, Settings } from "@llmio/contract";

/** Create or edit a public model: name, aliases, strategy, retries, timeouts and the response cache. */
export function ModelFormModal(props: { model?: Model; defaults?: Settings; onClose: () => void; onSaved: (model: Model) => void }) {
  const [form, setForm] = createStore<ModelForm>(props.model ? modelToForm(props.model) : newModelForm({ timeoutMs: props.defaults?.defaultTimeoutMs, maxRetry: props.defaults?.defaultMaxRetry }));
  const { error, failure, saving, submit } = createFormSubmission<keyof ModelForm>({
    validate: () => validateModelForm(form),
    save: async () => {
      const input = formToModelInput(form);
      props.onSaved(props.model ? await api.updateModel(props.model.id, input) : await api.createModel(input));
    },
  });

  return (
    <Modal
      title={props.model ? t("models.editTitle", { name: props.model.name }) : t("models.createTitle")}
      onClose={props.onClose}
      footer={<FormFooter formId="model-form" saving={saving()} label={props.model ? t("common.save") : t("common.create")} testId="model-save" onCancel={props.onClose} />}
    >
      <form id="model-form" class="grid gap-4 sm:grid-cols-2" onSubmit={submit} novalidate>
        <TextField label={t("common.name")} name="name" value={form.name} onValue={(value) => setForm("name", value)} error={error("name")} hint={t("models.hint.name")} autocomplete="off" inputClass="font-mono" required />
        <SelectField
          label={t("models.strategy")}
          name="strategy"
          value={form.strategy}
          onValue={(value) => setForm("strategy", value)}
          options={STRATEGIES.map((strategy) => ({ value: strategy, label: t(`strategy.${strategy}`) }))}
          hint={t(`strategy.${form.strategy}.hint`)}
        />
        <TextField class="sm:col-span-2" label={t("models.aliases")} name="aliases" value={form.aliasesText} onValue={(value) => setForm("aliasesText", value)} hint={t("models.hint.aliases")} placeholder="gpt-4o*, claude-*" autocomplete="off" />
        <TextField class="sm:col-span-2" label={t("models.remark")} name="remark" value={form.remark} onValue={(value) => setForm("remark", value)} autocomplete="off" />
        <NumberField label={t("models.maxRetry")} name="maxRetry" value={form.maxRetry} onValue={(value) => setForm("maxRetry", value)} min={0} error={error("maxRetry")} hint={t("models.hint.maxRetry")} />
        <NumberField label={t("models.timeout")} name="timeout" value={form.timeoutSeconds} onValue={(value) => setForm("timeoutSeconds", value)} min={1} step={0.5} unit="s" error={error("timeoutSeconds")} hint={t("models.hint.timeout")} />
        <NumberField label={t("models.totalTimeout")} value={form.totalTimeoutSeconds} onValue={(value) => setForm("totalTimeoutSeconds", value)} min={1} unit="s" error={error("totalTimeoutSeconds")} hint={t("models.hint.totalTimeout")} />
        <NumberField label={t("models.streamIdleTimeout")} value={form.streamIdleTimeoutSeconds} onValue={(value) => setForm("streamIdleTimeoutSeconds", value)} min={1} unit="s" error={error("streamIdleTimeoutSeconds")} hint={t("models.hint.streamIdle")} />
        <NumberField label={t("models.maxStreamDuration")} value={form.maxStreamDurationSeconds} onValue={(value) => setForm("maxStreamDurationSeconds", value)} min={1} unit="s" error={error("maxStreamDurationSeconds")} hint={t("models.hint.maxStreamDuration")} />
        <NumberField label={t("models.sticky")} value={form.stickySeconds} onValue={(value) => setForm("stickySeconds", value)} min={0} unit="s" error={error("stickySeconds")} hint={t("models.hint.sticky")} />
        <FieldSet class="sm:col-span-2" legend={t("models.cache")} hint={t("models.hint.cache")}>
          <div class="grid gap-4 sm:grid-cols-2">
            <NumberField
              label={t("models.cacheTtl")}
              name="cacheTtlSeconds"
              value={form.cacheTtlSeconds}
              onValue={(value) => setForm("cacheTtlSeconds", value)}
              min={0}
              max={MAX_CACHE_TTL_SECONDS}
              step={60}
              unit="s"
              error={error("cacheTtlSeconds")}
              hint={t("models.hint.cacheTtl")}
            />
            <div class="space-y-3 sm:pt-1" data-testid="model-cache-switches">
              <Toggle size="sm" checked={form.cacheEverything} onChange={(value) => setForm("cacheEverything", value)} disabled={!cacheOn(form)} label={t("models.cacheEverything")} hint={t("models.hint.cacheEverything")} />
              <Toggle size="sm" checked={form.cachePerKey} onChange={(value) => setForm("cachePerKey", value)} disabled={!cacheOn(form)} label={t("models.cachePerKey")} hint={t("models.hint.cachePerKey")} />
              <Toggle size="sm" checked={form.coalesce} onChange={(value) => setForm("coalesce", value)} disabled={!cacheOn(form)} label={t("models.coalesce")} hint={t("models.hint.coalesce")} />
            </div>
          </div>
        </FieldSet>
        <Show when={failure()}>
          <ErrorBox class="sm:col-span-2" error={failure()} />
        </Show>
      </form>
    </Modal>
  );
}
