import { createSignal, For, Show } from "solid-js";
import { modelRows, providerRows, type ModelRow, type ProviderRoute } from "../../src/gateway-view.ts";
import { clockTime, percent } from "../../src/format.ts";
import { providerLine } from "../../src/provider-line.ts";
import { t } from "../../src/i18n.ts";
import { Section, StatusBar, Switch } from "../../src/ui/components.tsx";
import type { GatewayState } from "../../src/ui/gateway-state.ts";

/** Runs a change against the gateway; while it runs its controls are disabled, a failure shows under the list. */
function createChanges(state: GatewayState) {
  const [pending, setPending] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  const run = async (key: string, action: Parameters<GatewayState["change"]>[0]) => {
    setPending(key);
    setError(undefined);
    try {
      await state.change(action);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setPending(undefined);
    }
  };
  return { pending, error, run };
}

export function Models(props: { state: GatewayState }) {
  const rows = () => modelRows(props.state.models(), props.state.providers());
  const changes = createChanges(props.state);
  return (
    <Section title={t("models")} aside={<span class="text-[11px] muted">{t("modelsHint")}</span>} testId="models">
      <Show when={rows().length > 0} fallback={<p class="text-sm muted">{t("noModels")}</p>}>
        <div class="space-y-2">
          <For each={rows()}>{(row) => <ModelCard row={row} changes={changes} />}</For>
        </div>
      </Show>
      <Show when={changes.error()}>
        <p class="mt-2 text-xs text-red-600 dark:text-red-400" role="alert" data-testid="change-error">
          {changes.error()}
        </p>
      </Show>
    </Section>
  );
}

function ModelCard(props: { row: ModelRow; changes: ReturnType<typeof createChanges> }) {
  const pinned = () => props.row.routes.find((route) => route.providerId === props.row.pinnedProviderId);
  return (
    <div class="card overflow-hidden" data-testid="model" data-model={props.row.name}>
      <div class="flex items-center gap-2 border-b border-zinc-100 px-2.5 py-1.5 dark:border-zinc-800">
        <span class="min-w-0 flex-1 truncate font-mono text-[13px] font-medium">{props.row.name}</span>
        <Show when={pinned()}>
          {(route) => (
            <span class="badge-brand" data-testid="pinned-to">
              <span class="i-lucide-pin text-[11px]" />
              {route().providerName}
            </span>
          )}
        </Show>
      </div>
      <Show when={props.row.routes.length > 0} fallback={<p class="px-2.5 py-1.5 text-xs muted">{t("noProviders")}</p>}>
        <ul class="divide-y divide-zinc-100 dark:divide-zinc-800">
          <For each={props.row.routes}>{(route) => <RouteRow row={props.row} route={route} changes={props.changes} />}</For>
        </ul>
      </Show>
    </div>
  );
}

function RouteRow(props: { row: ModelRow; route: ProviderRoute; changes: ReturnType<typeof createChanges> }) {
  const key = () => `route-${props.route.associationId}`;
  const busy = () => props.changes.pending() !== undefined;
  const isPinned = () => props.row.pinnedProviderId === props.route.providerId;
  const otherPinned = () => props.row.pinnedProviderId !== null && !isPinned();
  const dimmed = () => !props.route.enabled || !props.route.providerEnabled || otherPinned();
  const saveWeight = (input: HTMLInputElement) => {
    const weight = Number.parseInt(input.value, 10);
    if (!Number.isInteger(weight) || weight < 0) {
      input.value = String(props.route.weight);
      return;
    }
    if (weight === props.route.weight) return;
    void props.changes.run(key(), (client) => client.updateAssociation(props.route.associationId, { weight }));
  };
  const togglePin = () =>
    void props.changes.run(key(), (client) => client.pin(props.row.id, isPinned() ? null : props.route.providerId));
  return (
    <li class="flex items-center gap-2 px-2.5 py-1.5" data-testid="route" data-provider={props.route.providerName}>
      <StatusBar recent={props.route.recent} count={10} />
      <div class={`min-w-0 flex-1 ${dimmed() ? "opacity-50" : ""}`}>
        <div class="flex items-center gap-1">
          <span class="truncate text-[13px] font-medium">{props.route.providerName}</span>
          <Show when={!props.route.providerEnabled}>
            <span class="badge-muted">{t("disabled")}</span>
          </Show>
        </div>
        <div class="truncate font-mono text-[11px] muted">
          {/* On the second line: beside the name it left no room for a short provider name in a 400 px popup. */}
          <Show when={props.route.breaker !== "closed"}>
            <span class={`${props.route.breaker === "open" ? "badge-bad" : "badge-warn"} mr-1 font-sans`} data-testid="breaker" title={props.route.lastError ?? undefined}>
              {props.route.breaker === "open" ? t("breakerOpen") : t("breakerHalfOpen")}
            </span>
          </Show>
          <Show when={props.route.breakerUntil}>
            {(at) => (
              <span class="font-sans text-red-600 dark:text-red-400" data-testid="breaker-until">
                {t("until", { time: clockTime(at()) })} ·{" "}
              </span>
            )}
          </Show>
          {props.route.providerModel}
          <Show when={props.route.errorRate !== null && props.route.errorRate > 0}> · {t("errorsShort", { rate: percent(props.route.errorRate!) })}</Show>
        </div>
      </div>
      <span
        class="w-8 text-right text-[11px] tabular-nums muted"
        data-testid="share"
        title={t("shareOf", { share: percent(props.route.share), model: props.row.name })}
      >
        {percent(props.route.share)}
      </span>
      <label class="flex items-center gap-1 text-[11px] muted" title={t("weight")}>
        <span class="i-lucide-scale" />
        <input
          type="text"
          inputmode="numeric"
          class="h-6 w-12 rounded border border-zinc-300 bg-white px-1 text-right text-xs tabular-nums text-zinc-900 focus:(outline-none border-brand-500) dark:(border-zinc-700 bg-zinc-950 text-zinc-100)"
          value={props.route.weight}
          disabled={busy()}
          aria-label={t("weightOf", { provider: props.route.providerName })}
          data-testid="weight"
          onChange={(event) => saveWeight(event.currentTarget)}
          onKeyDown={(event) => event.key === "Enter" && event.currentTarget.blur()}
        />
      </label>
      <Switch
        checked={props.route.enabled}
        disabled={busy()}
        label={t("enabledOf", { provider: props.route.providerName, model: props.row.name })}
        testId="route-enabled"
        onChange={(enabled) => void props.changes.run(key(), (client) => client.updateAssociation(props.route.associationId, { enabled }))}
      />
      <button
        type="button"
        class={`btn h-7 w-7 px-0 ${isPinned() ? "bg-brand-600 text-white hover:bg-brand-700" : "text-zinc-500 hover:(bg-zinc-100 text-zinc-900) dark:(text-zinc-400 hover:bg-zinc-800 hover:text-white)"}`}
        disabled={busy()}
        aria-pressed={isPinned()}
        title={isPinned() ? t("unpin", { model: props.row.name }) : t("pinTo", { model: props.row.name, provider: props.route.providerName })}
        aria-label={isPinned() ? t("unpin", { model: props.row.name }) : t("pinTo", { model: props.row.name, provider: props.route.providerName })}
        data-testid="pin"
        onClick={togglePin}
      >
        <span class={isPinned() ? "i-lucide-pin-off" : "i-lucide-pin"} />
      </button>
    </li>
  );
}

export function Providers(props: { state: GatewayState }) {
  const rows = () => providerRows(props.state.providers());
  const changes = createChanges(props.state);
  return (
    <Section title={t("providers")} hint={t("providersHint")} testId="providers">
      <Show when={rows().length > 0} fallback={<p class="text-sm muted">{t("noProviders")}</p>}>
        <ul class="card divide-y divide-zinc-100 dark:divide-zinc-800">
          <For each={rows()}>
            {(row) => (
              <li class="flex items-center gap-2 px-2.5 py-1.5" data-testid="provider" data-provider={row.name}>
                <span class={`h-2 w-2 shrink-0 rounded-full ${!row.enabled ? "bg-zinc-400" : row.failing ? "bg-red-500" : "bg-emerald-500"}`} />
                <div class="min-w-0 flex-1">
                  <div class="truncate text-[13px] font-medium">{row.name}</div>
                  <div class="text-[11px] muted" data-testid="provider-line">
                    {providerLine(row)}
                  </div>
                </div>
                <Switch
                  checked={row.enabled}
                  disabled={changes.pending() !== undefined}
                  label={row.enabled ? t("disableProvider", { provider: row.name }) : t("enableProvider", { provider: row.name })}
                  testId="provider-enabled"
                  onChange={(enabled) => void changes.run(`provider-${row.id}`, (client) => client.setProviderEnabled(row.id, enabled))}
                />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={changes.error()}>
        <p class="mt-2 text-xs text-red-600 dark:text-red-400" role="alert">
          {changes.error()}
        </p>
      </Show>
    </Section>
  );
}
