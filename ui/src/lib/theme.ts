import { createSignal } from "solid-js";
import { storage } from "./storage.ts";

export type ThemeChoice = "light" | "dark" | "system";

const THEME_KEY = "llmio.theme";
const media = globalThis.matchMedia?.("(prefers-color-scheme: dark)");

function storedChoice(): ThemeChoice {
  const value = storage.get(THEME_KEY);
  return value === "light" || value === "dark" ? value : "system";
}

const [choice, setChoiceSignal] = createSignal<ThemeChoice>(storedChoice());
const [systemDark, setSystemDark] = createSignal(media?.matches ?? false);
media?.addEventListener?.("change", (event) => setSystemDark(event.matches));

/** The user's choice: light, dark, or follow the system. */
export const themeChoice = choice;

/** Whether dark colours are showing now. */
export function isDark(): boolean {
  return resolveTheme(choice(), systemDark()) === "dark";
}

export function resolveTheme(value: ThemeChoice, prefersDark: boolean): "light" | "dark" {
  return value === "system" ? (prefersDark ? "dark" : "light") : value;
}

export function setTheme(value: ThemeChoice): void {
  storage.set(THEME_KEY, value === "system" ? null : value);
  setChoiceSignal(value);
  applyTheme();
}

/** Light → dark → system → light. */
export function nextTheme(value: ThemeChoice): ThemeChoice {
  return value === "light" ? "dark" : value === "dark" ? "system" : "light";
}

/** Puts the `dark` class on <html> (UnoCSS's dark variant). Call once at start and on change. */
export function applyTheme(): void {
  if (!globalThis.document) return;
  document.documentElement.classList.toggle("dark", isDark());
}
