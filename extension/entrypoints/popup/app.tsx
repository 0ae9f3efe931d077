import { createResource, Match, Show, Switch as Branch } from "solid-js";
import { browser } from "wxt/browser";
import { openAdmin } from "../../src/admin-ui.ts";
import type { Connection } from "../../src/connection.ts";
import { compactNumber, duration, percent } from "../../src/format.ts";
import { t } from "../../src/i18n.ts";
import { readSettings, type Settings } from "../../src/settings.ts";
import { errorRateOf } from "../../src/status.ts";
import { createGatewayState, POLL_MS, type GatewayState } from "../../src/ui/gateway-state.ts";
import { ConnectTools } from "./connect-tools.tsx";
import { Models, Providers } from "./routing.tsx";

export function App() {
  const [settings] = createResource(readSettings);
  return (
    <div class="w-[400px] max-h-[600px] overflow-y-auto">
      <Show when={settings()} fallback={<p class="p-4 text-sm muted">{t("loading")}</p>}>
        {(loaded) => <Dashboard settings={loaded()} />}
      </Show>
    </div>
  );
}

function Dashboard(props: { settings: Settings }) {
  const state = createGatewayState(props.settings);
  return (
    <div class="divide-y divide-zinc-200 dark:divide-zinc-800">
      <Header state={state} gatewayUrl={props.settings.gatewayUrl} />
      <Banner state={state} />
      <Show when={state.connection()?.kind === "admin" || (state.stale() && state.live())}>
        <Kpis state={state} />
        <Models state={state} />
        <Providers state={state} />
      </Show>
      <Show when={state.connection()?.kind === "client"}>
        <ClientModels state={state} />
      </Show>
      <ConnectTools settings={props.settings} state={state} />
      <Footer state={state} />
    </div>
  );
}

function Header(props: { state: GatewayState; gatewayUrl: string }) {
  const pill = () => {
    const connection = props.state.connection();
    switch (connection?.kind) {
      case undefined:
        return { class: "badge-muted", text: t("checking") };
      case "down":
        return { class: "badge-bad", text: t("down") };
      case "slow":
        return { class: "badge-warn", text: t("slow") };
      default:
        return { class: "badge-ok", text: t("up") };
    }
  };
  return (
    <header class="flex items-center gap-2 bg-white px-3 py-2.5 dark:bg-zinc-900">
      <span class="grid h-7 w-7 place-items-center rounded-lg bg-brand-600 text-sm font-bold text-white">L</span>
      <div class="min-w-0 flex-1">
        <div class="flex items-center gap-1.5">
          <span class="font-semibold">llmio</span>
          <Show when={props.state.status()}>{(status) => <span class="text-xs muted" data-testid="version">v{status().version}</span>}</Show>
          <span class={pill().class} data-testid="gateway-state">
            {pill().text}
          </span>
        </div>
        <div class="truncate text-xs muted" title={props.gatewayUrl}>
          {props.gatewayUrl}
          <Show when={props.state.status()}>{(status) => <> · {t("uptime", { time: duration(status().uptimeSeconds) })}</>}</Show>
        </div>
      </div>
      <button type="button" class="btn-icon" title={t("openAdmin")} aria-label={t("openAdmin")} onClick={() => void openAdmin().then(() => window.close())}>
        <span class="i-lucide-external-link" />
      </button>
      <button type="button" class="btn-icon" title={t("options")} aria-label={t("options")} onClick={() => void browser.runtime.openOptionsPage().then(() => window.close())}>
        <span class="i-lucide-settings" />
      </button>
    </header>
  );
}

/** What is wrong when the full view cannot be shown; the popup stays usable in every case. */
function Banner(props: { state: GatewayState }) {
  const openOptions = () => void browser.runtime.openOptionsPage();
  return (
    <Show when={props.state.connection()}>
      {(connection) => (
        <Branch>
          <Match when={connection().kind === "down" || connection().kind === "slow" || connection().kind === "error"}>
            <div
              class={`flex gap-2 px-3 py-2.5 text-sm ${connection().kind === "slow" ? "bg-amber-50 text-amber-900 dark:(bg-amber-500/10 text-amber-200)" : "bg-red-50 text-red-800 dark:(bg-red-500/10 text-red-200)"}`}
              data-testid="banner"
              role="alert"
            >
              <span class={connection().kind === "slow" ? "i-lucide-hourglass mt-0.5" : "i-lucide-plug-zap mt-0.5"} />
              <div>
                <div class="font-medium">{connection().kind === "slow" ? t("slowTitle") : connection().kind === "down" ? t("downTitle") : t("errorTitle")}</div>
                <div class="text-xs opacity-80">{messageOf(connection())}</div>
                <Show when={props.state.stale()}>
                  <div class="mt-1 text-xs opacity-80">{t("staleNote")}</div>
                </Show>
              </div>
            </div>
          </Match>
          <Match when={connection().kind === "unauthorized"}>
            <div class="flex gap-2 bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:(bg-amber-500/10 text-amber-200)" data-testid="banner" role="alert">
              <span class="i-lucide-key-round mt-0.5" />
              <div class="flex-1">
                <div class="font-medium">{isTokenMissing(connection()) ? t("noTokenTitle") : t("badTokenTitle")}</div>
                <div class="text-xs opacity-80">{t("tokenHint")}</div>
              </div>
              <button type="button" class="btn-secondary h-7 self-center px-2 text-xs" onClick={openOptions}>
                {t("options")}
              </button>
            </div>
          </Match>
          <Match when={connection().kind === "client"}>
            <div class="flex gap-2 bg-brand-50 px-3 py-2.5 text-sm text-brand-900 dark:(bg-brand-500/10 text-brand-200)" data-testid="banner">
              <span class="i-lucide-info mt-0.5" />
              <div class="text-xs">{t("clientKeyNote")}</div>
            </div>
          </Match>
        </Branch>
      )}
    </Show>
  );
}

function isTokenMissing(connection: Connection): boolean {
  return connection.kind === "unauthorized" && connection.reason === "missing";
}

function messageOf(connection: Connection): string {
  return "message" in connection ? connection.message : "";
}

function Kpis(props: { state: GatewayState }) {
  const live = () => props.state.live();
  const rate = () => {
    const current = live();
    if (!current) return "—";
    const value = errorRateOf(current.requestsLastMinute, current.errorsLastMinute);
    return value === null ? `${current.errorsLastMinute}/${current.requestsLastMinute}` : percent(value);
  };
  const rateTone = () => {
    const current = live();
    const value = current ? errorRateOf(current.requestsLastMinute, current.errorsLastMinute) : null;
    return value === null || value < 0.1 ? "" : value < 0.5 ? "text-amber-600 dark:text-amber-400" : "text-red-600 dark:text-red-400";
  };
  const cells = () => [
    { id: "rpm", label: t("requestsPerMinute"), value: live() ? compactNumber(live()!.requestsLastMinute) : "—", tone: "" },
    { id: "error-rate", label: t("errorRate"), value: rate(), tone: rateTone() },
    { id: "in-flight", label: t("inFlight"), value: live() ? String(live()!.inFlight.length) : "—", tone: "" },
    { id: "tokens-today", label: t("tokensToday"), value: live() ? compactNumber(live()!.tokensToday) : "—", tone: "" },
  ];
  return (
    <div class={`grid grid-cols-4 gap-px bg-zinc-200 dark:bg-zinc-800 ${props.state.stale() ? "opacity-60" : ""}`}>
      {cells().map((cell) => (
        <div class="bg-white px-2 py-2 text-center dark:bg-zinc-900">
          <div class={`text-lg font-semibold tabular-nums ${cell.tone}`} data-testid={`kpi-${cell.id}`}>
            {cell.value}
          </div>
          <div class="text-[11px] leading-tight muted">{cell.label}</div>
        </div>
      ))}
    </div>
  );
}

function ClientModels(props: { state: GatewayState }) {
  const models = () => {
    const connection = props.state.connection();
    return connection?.kind === "client" ? connection.models : [];
  };
  return (
    <section class="px-3 py-2.5" data-testid="client-models">
      <h2 class="section-title mb-2">{t("modelsForKey", { count: models().length })}</h2>
      <div class="flex flex-wrap gap-1">
        {models().map((model) => (
          <span class="badge-muted font-mono">{model}</span>
        ))}
      </div>
    </section>
  );
}

function Footer(props: { state: GatewayState }) {
  const connected = () => ["admin", "client"].includes(props.state.connection()?.kind ?? "");
  const when = () => {
    const at = props.state.updatedAt();
    return at ? new Date(at).toLocaleTimeString() : "—";
  };
  return (
    <footer class="flex items-center justify-between px-3 py-1.5 text-[11px] muted">
      <span>{props.state.stale() ? t("staleSince", { time: when() }) : connected() ? t("liveEvery", { seconds: POLL_MS / 1000 }) : t("retryEvery", { seconds: POLL_MS / 1000 })}</span>
      <span data-testid="updated-at">{t("updatedAt", { time: when() })}</span>
    </footer>
  );
}
