import { type JSX, Show } from "solid-js";
import { t } from "../lib/i18n/index.ts";
import { errorText } from "../lib/lockout.ts";

/** A pulsing placeholder of the given size while data loads. */
export function Skeleton(props: { class?: string }) {
  return <div class={`animate-pulse rounded-lg bg-zinc-200/80 dark:bg-zinc-800 ${props.class ?? "h-4 w-full"}`} />;
}

/** Rows of skeletons for a list or table. */
export function LoadingRows(props: { rows?: number }) {
  return (
    <div class="space-y-2.5 py-2" aria-busy="true" aria-label={t("common.loading")}>
      {Array.from({ length: props.rows ?? 4 }, () => (
        <Skeleton class="h-10 w-full" />
      ))}
    </div>
  );
}

/** Nothing here yet: an icon, a sentence, and what to do about it. */
export function EmptyState(props: { icon?: string; title: string; hint?: string; action?: JSX.Element }) {
  return (
    <div class="flex flex-col items-center justify-center gap-2 px-4 py-10 text-center">
      <span class={`${props.icon ?? "i-lucide-inbox"} text-3xl text-zinc-300 dark:text-zinc-600`} />
      <p class="font-medium text-zinc-700 dark:text-zinc-200">{props.title}</p>
      <Show when={props.hint}>
        <p class="max-w-md text-sm muted">{props.hint}</p>
      </Show>
      <Show when={props.action}>
        <div class="mt-2">{props.action}</div>
      </Show>
    </div>
  );
}

/** An error shown where the data would be, with a retry button. */
export function ErrorBox(props: { error: unknown; onRetry?: () => void; class?: string }) {
  const message = () => errorText(props.error);
  return (
    <div role="alert" class={`flex items-start gap-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:(border-red-500/30 bg-red-500/10 text-red-200) ${props.class ?? ""}`}>
      <span class="i-lucide-circle-alert mt-0.5 text-base" />
      <p class="min-w-0 flex-1 break-words">{message()}</p>
      <Show when={props.onRetry}>
        <button type="button" class="btn-secondary btn-sm" onClick={() => props.onRetry?.()}>
          {t("common.retry")}
        </button>
      </Show>
    </div>
  );
}

/** A small inline spinner. */
export function Spinner(props: { class?: string }) {
  return <span class={`i-lucide-loader-circle animate-spin ${props.class ?? ""}`} aria-hidden="true" />;
}
