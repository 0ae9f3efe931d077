import { createUniqueId, type JSX } from "solid-js";
import { Portal } from "solid-js/web";
import { t } from "../lib/i18n/index.ts";
import { useDialogFocus } from "./dialog-focus.ts";

export interface DrawerProps {
  title: JSX.Element;
  onClose: () => void;
  children: JSX.Element;
  /** Extra controls beside the close button. */
  actions?: JSX.Element;
}

/** A panel sliding in from the right (the whole screen on phones). Render it inside <Show>. */
export function Drawer(props: DrawerProps) {
  let panel: HTMLDivElement | undefined;
  const titleId = createUniqueId();
  useDialogFocus(() => panel, () => props.onClose());
  return (
    <Portal>
      <div class="fixed inset-0 z-50 flex justify-end">
        <div class="absolute inset-0 bg-zinc-950/40 animate-fade-in animate-duration-150" onClick={() => props.onClose()} />
        <aside
          ref={panel}
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          tabIndex={-1}
          class="relative flex h-full w-full flex-col bg-white shadow-2xl outline-none animate-slide-in-right animate-duration-200 dark:bg-zinc-900 dark:ring-1 dark:ring-zinc-800 sm:max-w-2xl"
        >
          <header class="flex items-center gap-2 border-b border-zinc-200 px-5 py-3.5 dark:border-zinc-800">
            <h2 id={titleId} class="min-w-0 flex-1 truncate text-base font-semibold">
              {props.title}
            </h2>
            {props.actions}
            <button type="button" class="btn-icon -mr-2" aria-label={t("common.close")} onClick={() => props.onClose()}>
              <span class="i-lucide-x" />
            </button>
          </header>
          <div class="min-h-0 flex-1 overflow-y-auto px-5 py-4">{props.children}</div>
        </aside>
      </div>
    </Portal>
  );
}
