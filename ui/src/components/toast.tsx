import { createSignal, For } from "solid-js";
import { Portal } from "solid-js/web";
import { errorText } from "../lib/lockout.ts";

export interface Toast {
  id: number;
  kind: "ok" | "error";
  message: string;
}

const [toasts, setToasts] = createSignal<Toast[]>([]);
let nextId = 1;

/** A short confirmation or failure at the bottom of the screen (announced to screen readers). */
export function toast(message: string, kind: Toast["kind"] = "ok"): void {
  const id = nextId++;
  setToasts((list) => [...list.slice(-3), { id, kind, message }]);
  setTimeout(() => dismiss(id), kind === "error" ? 6000 : 2500);
}

/** Shows an error from a failed action. */
export function toastError(error: unknown): void {
  toast(errorText(error), "error");
}

function dismiss(id: number) {
  setToasts((list) => list.filter((item) => item.id !== id));
}

export function ToastHost() {
  return (
    <Portal>
      <div class="pointer-events-none fixed inset-x-0 bottom-4 z-[60] flex flex-col items-center gap-2 px-4" aria-live="polite" role="status">
        <For each={toasts()}>
          {(item) => (
            <div
              class={`pointer-events-auto flex max-w-md items-start gap-2 rounded-lg px-4 py-2.5 text-sm shadow-lg animate-fade-in-up animate-duration-200 ${
                item.kind === "error" ? "bg-red-600 text-white" : "bg-zinc-900 text-white dark:(bg-white text-zinc-900)"
              }`}
              data-toast={item.kind}
            >
              <span class={`mt-0.5 ${item.kind === "error" ? "i-lucide-circle-alert" : "i-lucide-circle-check"}`} />
              <span class="min-w-0 break-words">{item.message}</span>
              <button type="button" class="-mr-1 ml-1 opacity-70 hover:opacity-100" aria-label="×" onClick={() => dismiss(item.id)}>
                <span class="i-lucide-x" />
              </button>
            </div>
          )}
        </For>
      </div>
    </Portal>
  );
}
