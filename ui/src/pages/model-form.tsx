import { Show } from "solid-js";
import { createStore } from "solid-js/store";
import { NumberField, SelectField, TextField } from "../components/fields.tsx";
import { FormFooter } from "../components/form-footer.tsx";
import { Modal } from "../components/modal.tsx";
import { ErrorBox } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { t } from "../lib/i18n/index.ts";
import { formToModelInput, modelToForm, newModelForm, STRATEGIES, validateModelForm, type ModelForm } from "../lib/model-form.ts";
import type { Model, Settings } from "@llmio/contract";

/** Create or edit a public model: name, aliases, strategy, retries and timeouts. */
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
        <Show when={failure()}>
          <ErrorBox class="sm:col-span-2" error={failure()} />
        </Show>
      </form>
    </Modal>
  );
}
