import { createSignal } from "solid-js";

/**
 * A client key just created, kept in memory only (never stored) so the quick-start page can
 * fill its snippets with it right after the keys page showed it once.
 */
export const [freshKey, setFreshKey] = createSignal<{ name: string; key: string } | undefined>();
