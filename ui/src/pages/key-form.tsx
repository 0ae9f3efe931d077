import { createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { FieldSet, NumberField, SelectField, TextField, Toggle } from "../components/fields.tsx";
import { FormFooter } from "../components/form-footer.tsx";
import { Modal } from "../components/modal.tsx";
import { ErrorBox } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { authKeyToForm, EXPIRY_PRESETS, formToAuthKeyInput, newAuthKeyForm, validateAuthKeyForm, type AuthKeyForm } from "../lib/auth-key-form.ts";
import { t } from "../lib/i18n/index.ts";
import type { AuthKey, CreatedAuthKey, Model } from "@llmio/contract";

/** Issue or edit a client key: name, allowed models, expiry, quotas. */
export function AuthKeyFormModal(props: { authKey?: AuthKey; models: Model[]; onClose: () => void; onSaved: (key: AuthKey | CreatedAuthKey) => void }) {
  const [form, setForm] = createStore<AuthKeyForm>(props.authKey ? authKeyToForm(props.authKey) : newAuthKeyForm());
  const [pattern, setPattern] = createSignal("");
  // Patterns saved earlier that are not model names (globs) stay listed as chips.
  const extraPatterns = () => (form.allowedModels ?? []).filter((name) => !props.models.some((model) => model.name === name));

  const toggleModel = (name: string, on: boolean) => {
    const current = form.allowedModels ?? [];
    setForm("allowedModels", on ? [...new Set([...current, name])] : current.filter((item) => item !== name));
  };
  const addPattern = () => {
    const value = pattern().trim();
    if (!value) return;
    toggleModel(value, true);
    setPattern("");
  };

  const { error, failure, saving, submit } = createFormSubmission<keyof AuthKeyForm>({
    validate: (now) => validateAuthKeyForm(form, now),
    save: async (now) => {
      const input = formToAuthKeyInput(form, now);
      props.onSaved(props.authKey ? await api.updateAuthKey(props.authKey.id, input) : await api.createAuthKey(input));
    },
  });

  return (
    <Modal
      title={props.authKey ? t("keys.editTitle", { name: props.authKey.name }) : t("keys.createTitle")}
      onClose={props.onClose}
      footer={<FormFooter formId="key-form" saving={saving()} label={props.authKey ? t("common.save") : t("keys.issue")} testId="key-save" onCancel={props.onClose} />}
    >
      <form id="key-form" class="space-y-5" onSubmit={submit} novalidate>
        <TextField label={t("common.name")} name="name" value={form.name} onValue={(value) => setForm("name", value)} error={error("name")} placeholder={t("keys.namePlaceholder")} autocomplete="off" required />

        <FieldSet legend={t("keys.models")}>
          <Toggle checked={form.allowedModels === null} onChange={(all) => setForm("allowedModels", all ? null : [])} label={t("keys.allModels")} hint={t("keys.hint.allModels")} />
          <Show when={form.allowedModels !== null}>
            <div class="space-y-2">
              <div class="flex max-h-48 flex-wrap gap-2 overflow-y-auto rounded-lg border border-zinc-200 p-2.5 dark:border-zinc-700">
                <Show when={props.models.length === 0 && extraPatterns().length === 0}>
                  <span class="text-sm muted">{t("keys.noModels")}</span>
                </Show>
                <For each={[...props.models.map((model) => model.name), ...extraPatterns()]}>
                  {(name) => {
                    const on = () => (form.allowedModels ?? []).includes(name);
                    return (
                      <button
                        type="button"
                        aria-pressed={on()}
                        onClick={() => toggleModel(name, !on())}
                        class={`badge cursor-pointer border font-mono transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
                          on() ? "border-brand-300 bg-brand-50 text-brand-800 dark:(border-brand-500/50 bg-brand-500/20 text-brand-100)" : "border-zinc-200 text-zinc-600 hover:bg-zinc-50 dark:(border-zinc-700 text-zinc-300 hover:bg-zinc-800)"
                        }`}
                      >
                        <span class={on() ? "i-lucide-check" : "i-lucide-plus"} />
                        {name}
                      </button>
                    );
                  }}
                </For>
              </div>
              <div class="flex gap-2">
                <input
                  class="input font-mono"
                  value={pattern()}
                  onInput={(event) => setPattern(event.currentTarget.value)}
                  onKeyDown={(event) => {
                    if (event.key === "Enter") {
                      event.preventDefault();
                      addPattern();
                    }
                  }}
                  placeholder="claude-*"
                  aria-label={t("keys.addPattern")}
                />
                <button type="button" class="btn-secondary" onClick={addPattern}>
                  {t("common.add")}
                </button>
              </div>
              <Show when={error("allowedModels")}>
                <p class="field-error">{error("allowedModels")}</p>
              </Show>
            </div>
          </Show>
        </FieldSet>

        <div class="grid gap-4 sm:grid-cols-2">
          <SelectField
            label={t("keys.expires")}
            value={form.expiry}
            onValue={(value) => setForm("expiry", value)}
            options={EXPIRY_PRESETS.map((preset) => ({ value: preset, label: t(`keys.expiry.${preset}`) }))}
          />
          <Show when={form.expiry === "custom"}>
            <TextField label={t("keys.expiryDate")} type="date" value={form.expiryDate} onValue={(value) => setForm("expiryDate", value)} error={error("expiryDate")} />
          </Show>
          <NumberField label={t("keys.requestQuota")} value={form.requestQuota} onValue={(value) => setForm("requestQuota", value)} min={1} placeholder="∞" error={error("requestQuota")} hint={t("keys.hint.quota")} />
          <NumberField label={t("keys.tokenQuota")} value={form.tokenQuota} onValue={(value) => setForm("tokenQuota", value)} min={1} placeholder="∞" error={error("tokenQuota")} />
        </div>
        <Toggle
          checked={form.captureBodies}
          onChange={(value) => setForm("captureBodies", value)}
          label={t("keys.captureBodies")}
          hint={t("keys.hint.captureBodies")}
        />
        <Show when={props.authKey}>
          <Toggle checked={form.enabled} onChange={(value) => setForm("enabled", value)} label={t("common.enabled")} />
        </Show>
        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>
      </form>
    </Modal>
  );
}
