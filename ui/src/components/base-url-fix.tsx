import { createSignal, Show } from "solid-js";
import { t } from "../lib/i18n/index.ts";
import type { ProviderWarning } from "@llmio/contract";
import { Spinner } from "./states.tsx";

/**
 * A base URL that lacks its API version (the provider answered 404 where the same URL plus
 * `/v1` answers), with the corrected URL one click away. `onApply` saves it; its failure shows here.
 */
export function BaseUrlFix(props: { warning: ProviderWarning; onApply: (suggestion: string) => Promise<void>; onKeep?: () => void; class?: string }) {
  const [applying, setApplying] = createSignal(false);
  const [failure, setFailure] = createSignal<unknown>();
  const apply = async () => {
    setApplying(true);
    setFailure(undefined);
    try {
      await props.onApply(props.warning.suggestion);
    } catch (error) {
      setFailure(error);
    } finally {
      setApplying(false);
    }
  };
  return (
    <div
      role="alert"
      data-testid="base-url-warning"
      class={`flex items-start gap-2.5 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-900 dark:(border-amber-500/30 bg-amber-500/10 text-amber-100) ${props.class ?? ""}`}
    >
      <span class="i-lucide-triangle-alert mt-0.5 text-base" />
      <div class="min-w-0 flex-1 space-y-2">
        <p class="font-medium">{t("baseUrlFix.title")}</p>
        <p class="break-words text-xs opacity-90">{t("baseUrlFix.detail", { suggestion: props.warning.suggestion })}</p>
        <div class="flex flex-wrap items-center gap-2">
          <button type="button" class="btn-primary btn-sm max-w-full" disabled={applying()} onClick={apply} data-testid="base-url-fix">
            {applying() ? <Spinner /> : <span class="i-lucide-wrench" />}
            <span class="truncate">{t("baseUrlFix.use", { url: props.warning.suggestion })}</span>
          </button>
          <Show when={props.onKeep}>
            <button type="button" class="btn-secondary btn-sm" onClick={() => props.onKeep?.()} data-testid="base-url-keep">
              {t("baseUrlFix.keep")}
            </button>
          </Show>
        </div>
        <Show when={failure()}>
          <p class="text-xs text-red-700 dark:text-red-300">{failure() instanceof Error ? (failure() as Error).message : String(failure())}</p>
        </Show>
      </div>
    </div>
  );
}
