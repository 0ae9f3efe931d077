import { createUniqueId, type JSX, Show } from "solid-js";
import { Portal } from "solid-js/web";
import { t } from "../lib/i18n/index.ts";
import { useDialogFocus } from "./dialog-focus.ts";

export interface ModalProps {
  title: JSX.Element;
  onClose: () => void;
  children: JSX.Element;
  /** Buttons at the bottom (right-aligned). */
  footer?: JSX.Element;
  size?: "sm" | "md" | "lg";
}

/** A centred dialog (full-screen sheet on phones). Render it inside <Show> to open it. */
export function Modal(props: ModalProps) {
  let panel: HTMLDivElement | undefined;
  const titleId = createUniqueId();
  useDialogFocus(() => panel, () => props.onClose());
  const width = () => (props.size === "lg" ? "sm:max-w-3xl" : props.size === "sm" ? "sm:max-w-md" : "sm:max-w-xl");
  return (
    <Portal>
      <div class="fixed inset-0 z-50 flex items-end justify-center sm:items-center sm:p-4">
        <div class="absolute inset-0 bg-zinc-950/50 backdrop-blur-[2px] animate-fade-in animate-duration-150" onClick={() => props.onClose()} />
        <div
          ref={panel}
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          tabIndex={-1}
          class={`relative flex max-h-[92vh] w-full flex-col rounded-t-2xl bg-white shadow-2xl outline-none dark:bg-zinc-900 dark:ring-1 dark:ring-zinc-800 sm:rounded-2xl ${width()}`}
        >
          <div class="flex items-center justify-between gap-3 border-b border-zinc-200 px-5 py-3.5 dark:border-zinc-800">
            <h2 id={titleId} class="min-w-0 truncate text-base font-semibold">
              {props.title}
            </h2>
            <button type="button" class="btn-icon -mr-2" aria-label={t("common.close")} onClick={() => props.onClose()}>
              <span class="i-lucide-x" />
            </button>
          </div>
          <div class="min-h-0 flex-1 overflow-y-auto px-5 py-4">{props.children}</div>
          <Show when={props.footer}>
            <div class="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-200 px-5 py-3 dark:border-zinc-800">{props.footer}</div>
          </Show>
        </div>
      </div>
    </Portal>
  );
}
