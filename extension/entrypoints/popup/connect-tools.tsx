import { createResource, createSignal, For, Show } from "solid-js";
import { chatToolConnectionsItem, connectedTo } from "../../src/chat-tools/connections.ts";
import { CHAT_TOOLS } from "../../src/chat-tools/index.ts";
import { pasteTargets } from "../../src/gateway-view.ts";
import { t } from "../../src/i18n.ts";
import type { Settings } from "../../src/settings.ts";
import { resolveToolKey } from "../../src/tool-key.ts";
import { CopyField } from "../../src/ui/components.tsx";
import type { GatewayState } from "../../src/ui/gateway-state.ts";

/**
 * URL and key to paste into tools the extension cannot configure (Immersive Translate, desktop
 * apps, coding CLIs). The key is a client key, never the admin token: with only the admin token
 * stored, one is issued on request.
 */
export function ConnectTools(props: { settings: Settings; state: GatewayState }) {
  const targets = pasteTargets(props.settings.gatewayUrl);
  const knownKey = () => props.settings.toolKey || (props.state.connection()?.kind === "client" ? props.settings.credential : "");
  const [key, setKey] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const createKey = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setKey(await resolveToolKey(props.settings, props.state.client));
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <ConnectedChatTools gatewayUrl={props.settings.gatewayUrl} />
      <details class="group px-3 py-2.5" data-testid="connect-tools">
        <summary class="flex cursor-pointer list-none items-center gap-1 section-title">
          <span class="i-lucide-chevron-right transition-transform group-open:rotate-90" />
          {t("connectTools")}
        </summary>
        <div class="mt-2 space-y-2">
          <CopyField label={t("immersiveTranslateUrl")} value={targets.immersiveTranslate} testId="paste-immersive" />
          <CopyField label={t("openaiBaseUrl")} value={targets.openai} testId="paste-openai" />
          <CopyField label={t("anthropicBaseUrl")} value={targets.anthropic} testId="paste-anthropic" />
          <Show
            when={key() || knownKey()}
            fallback={
              <div class="flex items-center gap-2">
                <button type="button" class="btn-secondary" disabled={busy() || props.state.connection()?.kind !== "admin"} onClick={createKey} data-testid="create-key">
                  <span class="i-lucide-key-round" />
                  {t("createClientKey")}
                </button>
                <span class="text-[11px] muted">{t("createClientKeyHint")}</span>
              </div>
            }
          >
            <CopyField label={t("apiKey")} value={key() || knownKey()} secret testId="paste-key" />
          </Show>
          <Show when={error()}>
            <p class="text-xs text-red-600 dark:text-red-400">{error()}</p>
          </Show>
        </div>
      </details>
    </>
  );
}

/** The web chat tools whose pages found them already using this gateway (see chat-tools.content.ts). */
function ConnectedChatTools(props: { gatewayUrl: string }) {
  const [records] = createResource(
    () => props.gatewayUrl,
    async (gatewayUrl) => connectedTo(await chatToolConnectionsItem.getValue(), gatewayUrl),
  );
  return (
    <Show when={(records() ?? []).length > 0}>
      <div class="px-3 py-2.5" data-testid="chat-tools-connected">
        <div class="section-title">{t("chatToolsConnected")}</div>
        <ul class="mt-1.5 space-y-1">
          <For each={records()}>
            {(record) => (
              <li class="text-xs" data-testid="chat-tool-status" data-tool={record.tool} data-app={record.appUrl}>
                <div class="flex items-center gap-2">
                  <span class="i-lucide-circle-check shrink-0 text-green-600 dark:text-green-400" />
                  <span class="shrink-0 font-medium">{CHAT_TOOLS[record.tool].label}</span>
                  <span class="truncate muted" title={record.appUrl}>{new URL(record.appUrl).host + new URL(record.appUrl).pathname}</span>
                  <span class="ml-auto shrink-0 text-green-700 dark:text-green-400" data-testid="chat-tool-state">{t("toolConnected")}</span>
                </div>
                <Show when={record.model}>
                  {(model) => <div class="ml-6 muted" data-testid="chat-tool-model">{t("toolModel", { model: model() })}</div>}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </div>
    </Show>
  );
}
