import { For } from "solid-js";
import { LOCALES, locale, setLocale, t, type Locale } from "../lib/i18n/index.ts";
import { nextTheme, setTheme, themeChoice } from "../lib/theme.ts";

const THEME_ICONS = { light: "i-lucide-sun", dark: "i-lucide-moon", system: "i-lucide-monitor" } as const;

/** Cycles light → dark → system; the icon shows the current choice. */
export function ThemeButton(props: { class?: string }) {
  const label = () => t("theme.current", { theme: t(`theme.${themeChoice()}`) });
  return (
    <button
      type="button"
      class={props.class ?? "btn-icon"}
      onClick={() => setTheme(nextTheme(themeChoice()))}
      aria-label={label()}
      title={label()}
      data-testid="theme-toggle"
      data-theme={themeChoice()}
    >
      <span class={THEME_ICONS[themeChoice()]} />
    </button>
  );
}

/** English / 简体中文 / 繁體中文. */
export function LocaleSelect(props: { class?: string }) {
  return (
    <label class={`relative inline-flex items-center ${props.class ?? ""}`}>
      <span class="sr-only">{t("common.language")}</span>
      <span class="i-lucide-languages pointer-events-none absolute left-2.5 text-sm muted" />
      <select
        class="input h-9 w-full cursor-pointer appearance-none py-0 pl-8 pr-3"
        value={locale()}
        onChange={(event) => setLocale(event.currentTarget.value as Locale)}
        data-testid="locale-select"
      >
        <For each={LOCALES}>{(option) => <option value={option.id}>{option.label}</option>}</For>
      </select>
    </label>
  );
}
