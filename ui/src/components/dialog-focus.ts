import { onCleanup, onMount } from "solid-js";

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Keyboard behaviour of a modal surface: focus moves inside on open (the first field, else the
 * panel), Tab cycles within it, Escape closes, and focus returns to the opener on close.
 */
export function useDialogFocus(panel: () => HTMLElement | undefined, onClose: () => void): void {
  const opener = globalThis.document?.activeElement as HTMLElement | null;
  const onKeyDown = (event: KeyboardEvent) => {
    const element = panel();
    if (!element) return;
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== "Tab") return;
    const items = [...element.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((item) => item.offsetParent !== null || item === document.activeElement);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  onMount(() => {
    const element = panel();
    queueMicrotask(() => {
      const field = element?.querySelector<HTMLElement>("[autofocus], input:not([type=hidden]):not([disabled]), select, textarea");
      (field ?? element)?.focus();
    });
    document.addEventListener("keydown", onKeyDown, true);
    document.body.style.overflow = "hidden";
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKeyDown, true);
    document.body.style.overflow = "";
    opener?.focus?.();
  });
}
