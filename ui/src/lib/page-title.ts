import { createEffect } from "solid-js";
import { t, type MessageKey } from "./i18n/index.ts";

/** Keeps document.title as "Page · llmio" in the current language. */
export function usePageTitle(key: MessageKey): void {
  createEffect(() => {
    document.title = `${t(key)} · llmio`;
  });
}
