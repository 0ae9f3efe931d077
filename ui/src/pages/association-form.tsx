import { createResource, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { FieldSet, NumberField, SelectField, TextAreaField, Toggle } from "../components/fields.tsx";
import { FormFooter } from "../components/form-footer.tsx";
import { Modal } from "../components/modal.tsx";
import { ErrorBox } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { associationToForm, formToAssociationInput, newAssociationForm, validateAssociationForm, type AssociationForm } from "../lib/association-form.ts";
import { t } from "../lib/i18n/index.ts";
import type { Association, Model, Provider } from "@llmio/contract";

/**
 * Add a provider model to a model, or edit one: provider, provider model (suggested from the
 * provider's own list when it answers), weight, capability flags and prices.
 */
export function AssociationFormModal(props: { model: Model; providers: Provider[]; association?: Association; onClose: () => void; onSaved: () => void }) {
  const [form, setForm] = createStore<AssociationForm>(props.association ? associationToForm(props.association) : newAssociationForm(props.providers[0]?.id ?? null));
  // Suggestions only: a provider that cannot list its models still accepts a typed name.
  const [suggestions] = createResource(
    () => form.providerId,
    (id) => api.providerModels(id).then((answer) => answer.models).catch(() => [] as string[]),
  );

  const { error, failure, saving, submit } = createFormSubmission<keyof AssociationForm>({
    validate: () => validateAssociationForm(form),
    save: async () => {
      const input = formToAssociationInput(form, props.model.id);
      if (props.association) await api.updateAssociation(props.association.id, input);
      else await api.createAssociation(input);
      props.onSaved();
    },
  });

  return (
    <Modal
      title={props.association ? t("associations.editTitle") : t("associations.addTitle", { name: props.model.name })}
      onClose={props.onClose}
      footer={<FormFooter formId="association-form" saving={saving()} label={props.association ? t("common.save") : t("common.add")} testId="association-save" onCancel={props.onClose} />}
    >
      <form id="association-form" class="space-y-5" onSubmit={submit} novalidate>
        <div class="grid gap-4 sm:grid-cols-2">
          <div class="space-y-1.5">
            <label for="association-provider" class="field-label">
              {t("common.provider")}
            </label>
            <select
              id="association-provider"
              name="providerId"
              class={`input ${error("providerId") ? "input-invalid" : ""}`}
              value={form.providerId ?? ""}
              onChange={(event) => setForm("providerId", event.currentTarget.value ? Number(event.currentTarget.value) : null)}
            >
              <Show when={props.providers.length === 0}>
                <option value="">{t("associations.noProviders")}</option>
              </Show>
              <For each={props.providers}>{(provider) => <option value={provider.id}>{provider.name}</option>}</For>
            </select>
            <Show when={error("providerId")}>
              <p class="field-error">{error("providerId")}</p>
            </Show>
          </div>
          <div class="space-y-1.5">
            <label for="association-provider-model" class="field-label">
              {t("associations.providerModel")}
            </label>
            <input
              id="association-provider-model"
              name="providerModel"
              class={`input font-mono ${error("providerModel") ? "input-invalid" : ""}`}
              list="association-model-suggestions"
              value={form.providerModel}
              onInput={(event) => setForm("providerModel", event.currentTarget.value)}
              placeholder={suggestions()?.[0] ?? "gpt-4o-mini"}
              autocomplete="off"
              aria-invalid={error("providerModel") ? "true" : undefined}
            />
            <datalist id="association-model-suggestions">
              <For each={suggestions() ?? []}>{(name) => <option value={name} />}</For>
            </datalist>
            <p class={error("providerModel") ? "field-error" : "field-hint"}>
              {error("providerModel") ?? (suggestions.loading ? t("associations.loadingSuggestions") : (suggestions()?.length ?? 0) > 0 ? t("associations.suggestions", { count: suggestions()!.length }) : t("associations.hint.providerModel"))}
            </p>
          </div>
          <NumberField label={t("associations.weight")} name="weight" value={form.weight} onValue={(value) => setForm("weight", value ?? 0)} min={0} error={error("weight")} hint={t("associations.hint.weight")} />
          <Toggle class="self-center" checked={form.enabled} onChange={(value) => setForm("enabled", value)} label={t("common.enabled")} />
        </div>
        <FieldSet legend={t("associations.capabilities")} hint={t("associations.hint.capabilities")}>
          <div class="flex flex-wrap gap-x-6 gap-y-3">
            <Toggle size="sm" checked={form.toolCall} onChange={(value) => setForm("toolCall", value)} label={t("capability.toolCall")} />
            <Toggle size="sm" checked={form.structuredOutput} onChange={(value) => setForm("structuredOutput", value)} label={t("capability.structuredOutput")} />
            <Toggle size="sm" checked={form.vision} onChange={(value) => setForm("vision", value)} label={t("capability.vision")} />
          </div>
        </FieldSet>
        <FieldSet legend={t("associations.prices")} hint={t("associations.hint.prices")}>
          <div class="grid gap-3 sm:grid-cols-3">
            <SelectField label={t("price.currency")} name="currency" value={form.currency} onValue={(value) => setForm("currency", value)} options={[{ value: "USD", label: "USD $" }, { value: "CNY", label: "CNY ¥" }]} />
            <NumberField label={t("price.input")} value={form.priceInput} onValue={(value) => setForm("priceInput", value)} min={0} step={0.001} placeholder="0" error={error("priceInput")} />
            <NumberField label={t("price.cachedInput")} value={form.priceCachedInput} onValue={(value) => setForm("priceCachedInput", value)} min={0} step={0.001} placeholder="0" error={error("priceCachedInput")} />
            <NumberField label={t("price.cacheWrite")} name="priceCacheWrite" value={form.priceCacheWrite} onValue={(value) => setForm("priceCacheWrite", value)} min={0} step={0.001} placeholder="0" error={error("priceCacheWrite")} />
            <NumberField label={t("price.output")} value={form.priceOutput} onValue={(value) => setForm("priceOutput", value)} min={0} step={0.001} placeholder="0" error={error("priceOutput")} />
          </div>
        </FieldSet>
        <FieldSet legend={t("associations.upstreamRequest")} hint={t("associations.hint.upstreamRequest")}>
          <div class="grid gap-4 sm:grid-cols-2">
            <TextAreaField
              label={t("associations.extraBody")}
              name="extraBody"
              value={form.extraBodyText}
              onValue={(value) => setForm("extraBodyText", value)}
              rows={4}
              placeholder={'{"chat_template_kwargs": {"enable_thinking": false}}'}
              hint={t("associations.hint.extraBody")}
              error={error("extraBodyText")}
              spellcheck={false}
            />
            <div class="space-y-4">
              <TextAreaField
                label={t("associations.extraHeaders")}
                name="extraHeaders"
                value={form.extraHeadersText}
                onValue={(value) => setForm("extraHeadersText", value)}
                rows={3}
                placeholder="X-Custom: value"
                hint={t("associations.hint.extraHeaders")}
                error={error("extraHeadersText")}
                spellcheck={false}
              />
              <Toggle size="sm" checked={form.forwardClientHeaders} onChange={(value) => setForm("forwardClientHeaders", value)} label={t("associations.forwardClientHeaders")} hint={t("associations.hint.forwardClientHeaders")} />
            </div>
          </div>
        </FieldSet>
        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>
      </form>
    </Modal>
  );
}
