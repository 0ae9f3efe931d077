import { A, useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { toast } from "../components/toast.tsx";
import { api } from "../lib/api.ts";
import { type MessageKey, t } from "../lib/i18n/index.ts";
import { ModelFormModal } from "./model-form.tsx";
import { ProviderFormModal } from "./provider-form.tsx";

/** What the gateway has so far, for the first steps. */
export interface SetupState {
  providers: number;
  models: number;
  /** Whether any call was ever logged. */
  traffic: boolean;
}

/** Whether the dashboard should invite the first steps: something is still missing. */
export function needsFirstSteps(state: SetupState): boolean {
  return state.providers === 0 || state.models === 0 || !state.traffic;
}

interface Step {
  id: "provider" | "model" | "client";
  title: MessageKey;
  hint: MessageKey;
  done: boolean;
  action: JSX.Element;
}

/**
 * The empty dashboard's invitation: add a provider, add a model, connect a client. Each step is
 * checked once done; the forms open right here, and the last step leads to quick start.
 */
export function FirstSteps(props: { state: SetupState; onChanged: () => void }) {
  const navigate = useNavigate();
  const [open, setOpen] = createSignal<"provider" | "model" | undefined>();
  // The model form starts from the gateway's default timeout and retries, as on the Models page.
  const [settings] = createResource(() => open() === "model" || undefined, () => api.settings().catch(() => undefined));
  const steps = (): Step[] => [
    {
      id: "provider",
      title: "dashboard.firstSteps.provider",
      hint: "dashboard.firstSteps.providerHint",
      done: props.state.providers > 0,
      action: (
        <button type="button" class="btn-primary btn-sm" onClick={() => setOpen("provider")} data-testid="first-steps-provider">
          <span class="i-lucide-plus" />
          {t("providers.new")}
        </button>
      ),
    },
    {
      id: "model",
      title: "dashboard.firstSteps.model",
      hint: "dashboard.firstSteps.modelHint",
      done: props.state.models > 0,
      action: (
        <button type="button" class="btn-secondary btn-sm" onClick={() => setOpen("model")} data-testid="first-steps-model">
          <span class="i-lucide-plus" />
          {t("models.new")}
        </button>
      ),
    },
    {
      id: "client",
      title: "dashboard.firstSteps.client",
      hint: "dashboard.firstSteps.clientHint",
      done: props.state.traffic,
      action: (
        <A href="/quick-start" class="btn-secondary btn-sm" data-testid="first-steps-quick-start">
          <span class="i-lucide-rocket" />
          {t("dashboard.firstSteps.openQuickStart")}
        </A>
      ),
    },
  ];
  /** The first step not done yet: its button is the one to press. */
  const current = () => steps().find((step) => !step.done)?.id;

  return (
    <section class="card card-pad" aria-labelledby="first-steps-title" data-testid="first-steps">
      <h2 id="first-steps-title" class="text-base font-semibold">
        {t("dashboard.firstSteps.title")}
      </h2>
      <p class="mt-1 text-sm muted">{t("dashboard.firstSteps.subtitle")}</p>
      <ol class="mt-4 grid gap-3 md:grid-cols-3">
        <For each={steps()}>
          {(step, index) => (
            <li
              class={`flex flex-col gap-2 rounded-lg border p-3 ${current() === step.id ? "border-brand-500/60 bg-brand-50/40 dark:bg-brand-500/5" : "border-zinc-200 dark:border-zinc-800"}`}
              data-step={step.id}
              data-done={step.done ? "true" : "false"}
            >
              <div class="flex items-center gap-2">
                <span
                  class={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${step.done ? "bg-emerald-500 text-white" : "bg-zinc-200 text-zinc-700 dark:(bg-zinc-800 text-zinc-200)"}`}
                  aria-hidden="true"
                >
                  <Show when={step.done} fallback={index() + 1}>
                    <span class="i-lucide-check" />
                  </Show>
                </span>
                <span class="font-medium">{t(step.title)}</span>
                <Show when={step.done}>
                  <span class="sr-only">({t("dashboard.firstSteps.done")})</span>
                </Show>
              </div>
              <p class="flex-1 text-sm muted">{t(step.hint)}</p>
              <Show when={!step.done || step.id === "client"}>
                <div>{step.action}</div>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={open() === "provider"}>
        <ProviderFormModal
          onClose={() => setOpen(undefined)}
          onSaved={(provider) => {
            setOpen(undefined);
            toast(t("providers.created", { name: provider.name }));
            props.onChanged();
          }}
        />
      </Show>
      <Show when={open() === "model" && settings.state === "ready"}>
        <ModelFormModal
          defaults={settings()}
          onClose={() => setOpen(undefined)}
          onSaved={(model) => {
            setOpen(undefined);
            props.onChanged();
            // A model serves nothing until a provider is associated with it: that is on its page.
            navigate(`/models/${model.id}`);
          }}
        />
      </Show>
    </section>
  );
}
