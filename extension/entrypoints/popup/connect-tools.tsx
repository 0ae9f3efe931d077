import { createSignal, Show } from "solid-js";
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
  );
}
