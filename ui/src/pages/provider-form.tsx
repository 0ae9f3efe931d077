import { createMemo, createSignal, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { BaseUrlFix } from "../components/base-url-fix.tsx";
import { FieldSet, NumberField, SelectField, TextAreaField, TextField, Toggle } from "../components/fields.tsx";
import { FormFooter } from "../components/form-footer.tsx";
import { Modal } from "../components/modal.tsx";
import { ErrorBox } from "../components/states.tsx";
import { api } from "../lib/api.ts";
import { createFormSubmission } from "../lib/form-submission.ts";
import { t, type MessageKey } from "../lib/i18n/index.ts";
import {
  applyTemplate,
  emptyProviderForm,
  formToProviderInput,
  LIMIT_FIELDS,
  providerToForm,
  validateProviderForm,
  type ProviderForm,
} from "../lib/provider-form.ts";
import { PROVIDER_TEMPLATES, PROVIDER_TYPES, providerTypeInfo, type ProviderTemplate } from "../lib/provider-templates.ts";
import { baseUrlWarning } from "../lib/provider-warnings.ts";
import type { Endpoint, Provider, ProviderWarning, SavedProvider } from "@llmio/contract";

const LIMIT_LABELS: Record<(typeof LIMIT_FIELDS)[number], MessageKey> = {
  requestsPerMinute: "providers.limit.rpm",
  tokensPerMinute: "providers.limit.tpm",
  maxConcurrent: "providers.limit.concurrent",
  keyRequestsPerMinute: "providers.limit.keyRpm",
  keyTokensPerMinute: "providers.limit.keyTpm",
  keyMaxConcurrent: "providers.limit.keyConcurrent",
};

/**
 * Create (with vendor templates) or edit a provider; errors are shown at their fields. A save
 * the server answers with a base-URL warning stays open on the saved provider, offering the
 * corrected URL in one click (or keeping it as typed).
 */
export function ProviderFormModal(props: { provider?: Provider; onClose: () => void; onSaved: (provider: Provider) => void }) {
  /** Saved by this dialog with a warning still showing; later saves update it. */
  const [stored, setStored] = createSignal<SavedProvider>();
  const [warning, setWarning] = createSignal<ProviderWarning>();
  const current = () => stored() ?? props.provider;
  const editing = () => current() !== undefined;
  let formElement: HTMLFormElement | undefined;
  const [form, setForm] = createStore<ProviderForm>(props.provider ? providerToForm(props.provider) : applyTemplate(emptyProviderForm(), PROVIDER_TEMPLATES[0]));
  const [template, setTemplate] = createSignal<ProviderTemplate | undefined>(props.provider ? undefined : PROVIDER_TEMPLATES[0]);
  const [advanced, setAdvanced] = createSignal(false);
  const typeInfo = createMemo(() => providerTypeInfo(form.type));

  const chooseTemplate = (next: ProviderTemplate) => {
    setForm(applyTemplate({ ...form }, next, template()));
    setTemplate(next);
  };

  const toggleEndpoint = (endpoint: Endpoint, on: boolean) => {
    const current = form.endpoints ?? typeInfo().endpoints;
    const next = on ? [...new Set([...current, endpoint])] : current.filter((item) => item !== endpoint);
    setForm("endpoints", typeInfo().endpoints.every((item) => next.includes(item)) ? null : next);
  };

  const { error, failure, saving, submit } = createFormSubmission<keyof ProviderForm>({
    validate: () => validateProviderForm(form, { keyOptional: template()?.keyOptional || editing() }),
    // Limit errors sit in the folded section: open it so they show.
    onInvalid: (found) => {
      if (LIMIT_FIELDS.some((field) => found[field]) || found.headersText || found.proxyUrl) setAdvanced(true);
    },
    save: async () => {
      const input = formToProviderInput(form);
      const id = current()?.id;
      const saved = id === undefined ? await api.createProvider(input) : await api.updateProvider(id, input);
      const found = baseUrlWarning(saved.warnings);
      if (!found) return props.onSaved(saved);
      setStored(saved);
      setWarning(found);
    },
  });

  const useSuggestion = async (suggestion: string) => {
    setForm("baseUrl", suggestion);
    setWarning(undefined);
    formElement?.requestSubmit();
  };
  // Closing after a save that warned still counts as saved (the list refreshes).
  const close = () => {
    const saved = stored();
    if (saved) props.onSaved(saved);
    else props.onClose();
  };

  return (
    <Modal
      size="lg"
      title={editing() ? t("providers.editTitle", { name: current()!.name }) : t("providers.createTitle")}
      onClose={close}
      footer={<FormFooter formId="provider-form" saving={saving()} label={editing() ? t("common.save") : t("common.create")} testId="provider-save" onCancel={close} />}
    >
      <form id="provider-form" ref={formElement} class="space-y-5" onSubmit={submit} novalidate>
        <Show when={!editing()}>
          <FieldSet legend={t("providers.template")}>
            <div class="grid grid-cols-2 gap-2 sm:grid-cols-4" role="radiogroup" aria-label={t("providers.template")}>
              <For each={PROVIDER_TEMPLATES}>
                {(item) => (
                  <button
                    type="button"
                    role="radio"
                    aria-checked={template()?.id === item.id}
                    onClick={() => chooseTemplate(item)}
                    data-template={item.id}
                    title={item.id === "custom" ? t("providers.customTemplate") : item.name}
                    class={`flex min-w-0 items-center gap-2 rounded-lg border px-2.5 py-2 text-left text-sm transition-colors focus-visible:(outline-none ring-2 ring-brand-500/60) ${
                      template()?.id === item.id
                        ? "border-brand-500 bg-brand-50 text-brand-900 dark:(border-brand-400 bg-brand-500/15 text-brand-100)"
                        : "border-zinc-200 hover:border-zinc-300 hover:bg-zinc-50 dark:(border-zinc-700 hover:border-zinc-600 hover:bg-zinc-800)"
                    }`}
                  >
                    <span class={`grid h-6 w-6 shrink-0 place-items-center rounded-md text-[11px] font-bold text-white ${item.color}`}>{item.name.slice(0, 1)}</span>
                    <span class="truncate">{item.id === "custom" ? t("providers.customTemplate") : item.name}</span>
                  </button>
                )}
              </For>
            </div>
          </FieldSet>
        </Show>

        <div class="grid gap-4 sm:grid-cols-2">
          <TextField label={t("common.name")} value={form.name} onValue={(value) => setForm("name", value)} error={error("name")} required name="name" autocomplete="off" />
          <SelectField
            label={t("providers.type")}
            value={form.type}
            onValue={(value) => setForm({ type: value, endpoints: null })}
            options={PROVIDER_TYPES.map((info) => ({ value: info.type, label: info.label }))}
            hint={t("providers.hint.type")}
            name="type"
          />
          <TextField
            class="sm:col-span-2"
            label={t("providers.baseUrl")}
            value={form.baseUrl}
            onValue={(value) => {
              setForm("baseUrl", value);
              setWarning(undefined);
            }}
            placeholder={typeInfo().baseUrlPlaceholder}
            hint={t(typeInfo().baseUrlHint)}
            error={error("baseUrl")}
            inputClass="font-mono"
            name="baseUrl"
            type="url"
            autocomplete="off"
            required
          />
          <Show when={warning()}>{(found) => <BaseUrlFix class="sm:col-span-2" warning={found()} onApply={useSuggestion} onKeep={close} />}</Show>
          <TextAreaField
            class="sm:col-span-2"
            label={
              <span class="flex flex-wrap items-center justify-between gap-2">
                <span>
                  {t("providers.apiKeys")} <span class="font-normal muted">({t("providers.sentAs", { header: typeInfo().keyHeader })})</span>
                </span>
                <Show when={template()?.keysUrl}>
                  <a class="text-xs font-normal text-brand-600 hover:underline dark:text-brand-300" href={template()!.keysUrl} target="_blank" rel="noreferrer">
                    {t("providers.getKey")} ↗
                  </a>
                </Show>
              </span>
            }
            value={form.keysText}
            onValue={(value) => setForm("keysText", value)}
            rows={3}
            placeholder="sk-..."
            hint={editing() ? t("providers.hint.keysEdit") : template()?.keyOptional ? t("providers.hint.keysOptional") : t("providers.hint.keys")}
            error={error("keysText")}
            spellcheck={false}
            autocomplete="off"
            name="apiKeys"
          />
        </div>

        <Toggle checked={form.enabled} onChange={(value) => setForm("enabled", value)} label={t("common.enabled")} hint={t("providers.hint.enabled")} />

        <div class="rounded-lg border border-zinc-200 dark:border-zinc-800">
          <button
            type="button"
            class="flex w-full items-center justify-between gap-2 rounded-lg px-4 py-3 text-left text-sm font-medium hover:bg-zinc-50 focus-visible:(outline-none ring-2 ring-brand-500/60) dark:hover:bg-zinc-800/60"
            aria-expanded={advanced()}
            onClick={() => setAdvanced(!advanced())}
          >
            {t("providers.advanced")}
            <span class={`i-lucide-chevron-down transition-transform ${advanced() ? "rotate-180" : ""}`} />
          </button>
          <Show when={advanced()}>
            <div class="space-y-5 border-t border-zinc-200 px-4 py-4 dark:border-zinc-800">
              <FieldSet legend={t("providers.endpoints")} hint={t("providers.hint.endpoints")}>
                <div class="flex flex-wrap gap-x-5 gap-y-2">
                  <For each={typeInfo().endpoints}>
                    {(endpoint) => (
                      <label class="inline-flex cursor-pointer items-center gap-2 text-sm">
                        <input
                          type="checkbox"
                          class="h-4 w-4 accent-brand-600"
                          checked={(form.endpoints ?? typeInfo().endpoints).includes(endpoint)}
                          onChange={(event) => toggleEndpoint(endpoint, event.currentTarget.checked)}
                        />
                        {t(`endpoint.${endpoint}`)}
                      </label>
                    )}
                  </For>
                </div>
                <Show when={error("endpoints")}>
                  <p class="field-error">{error("endpoints")}</p>
                </Show>
              </FieldSet>
              <FieldSet legend={t("providers.limits")} hint={t("providers.hint.limits")}>
                <div class="grid gap-3 sm:grid-cols-3">
                  <For each={LIMIT_FIELDS}>
                    {(field) => (
                      <NumberField label={t(LIMIT_LABELS[field])} value={form[field]} onValue={(value) => setForm(field, value)} min={1} placeholder="∞" error={error(field)} />
                    )}
                  </For>
                </div>
              </FieldSet>
              <div class="grid gap-4 sm:grid-cols-2">
                <TextAreaField
                  label={t("providers.headers")}
                  value={form.headersText}
                  onValue={(value) => setForm("headersText", value)}
                  rows={3}
                  placeholder="HTTP-Referer: https://example.com"
                  hint={t("providers.hint.headers")}
                  error={error("headersText")}
                  spellcheck={false}
                />
                <div class="space-y-4">
                  <TextAreaField rows={2} label={t("providers.errorMatch")} value={form.errorMatch} onValue={(value) => setForm("errorMatch", value)} hint={t("providers.hint.errorMatch")} />
                  <TextField label={t("providers.consoleUrl")} value={form.consoleUrl} onValue={(value) => setForm("consoleUrl", value)} error={error("consoleUrl")} placeholder="https://" type="url" />
                  <TextField
                    label={t("providers.proxyUrl")}
                    name="proxyUrl"
                    value={form.proxyUrl}
                    onValue={(value) => setForm("proxyUrl", value)}
                    error={error("proxyUrl")}
                    hint={t("providers.hint.proxyUrl")}
                    placeholder="http://user:password@proxy.example:3128"
                  />
                </div>
              </div>
            </div>
          </Show>
        </div>

        <Show when={failure()}>
          <ErrorBox error={failure()} />
        </Show>
      </form>
    </Modal>
  );
}
