import { createSignal, onCleanup, Show } from "solid-js";
import { copyText } from "../lib/clipboard.ts";
import { t } from "../lib/i18n/index.ts";

export interface CopyButtonProps {
  /** The text copied (read at click time). */
  text: string | (() => string);
  /** Visible label; without one the button is an icon with an accessible name. */
  label?: string;
  class?: string;
}

/** Copies to the clipboard and says so for two seconds (also to screen readers). */
export function CopyButton(props: CopyButtonProps) {
  const [state, setState] = createSignal<"idle" | "copied" | "failed">("idle");
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    const text = typeof props.text === "function" ? props.text() : props.text;
    setState((await copyText(text)) ? "copied" : "failed");
    clearTimeout(timer);
    timer = setTimeout(() => setState("idle"), 2000);
  };
  const message = () => (state() === "copied" ? t("common.copied") : state() === "failed" ? t("common.copyFailed") : (props.label ?? t("common.copy")));
  return (
    <button
      type="button"
      class={props.class ?? (props.label ? "btn-secondary btn-sm" : "btn-icon h-8 w-8")}
      onClick={copy}
      aria-label={props.label ? undefined : message()}
      title={props.label ? undefined : message()}
      data-copy-state={state()}
    >
      <span class={state() === "copied" ? "i-lucide-check text-emerald-600 dark:text-emerald-400" : state() === "failed" ? "i-lucide-x text-red-500" : "i-lucide-copy"} />
      <Show when={props.label}>
        <span>{message()}</span>
      </Show>
      <span class="sr-only" aria-live="polite">
        {state() === "idle" ? "" : message()}
      </span>
    </button>
  );
}
