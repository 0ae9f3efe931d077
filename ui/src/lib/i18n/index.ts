import { createSignal } from "solid-js";
import { storage } from "../storage.ts";
import { en } from "./en.ts";
import { zh } from "./zh.ts";
import { zhTW } from "./zh-TW.ts";

export type Locale = "en" | "zh" | "zh-TW";
export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

const LOCALE_KEY = "llmio.locale";

/** Every message in every language; the English one is the reference (see i18n.test.ts). */
export const dictionaries: Record<Locale, Record<MessageKey, string>> = { en, zh, "zh-TW": zhTW };

export const LOCALES: { id: Locale; label: string }[] = [
  { id: "en", label: "English" },
  { id: "zh", label: "简体中文" },
  { id: "zh-TW", label: "繁體中文" },
];

/** Browser tags written in Traditional characters: Taiwan, Hong Kong, Macau, or the script named. */
const TRADITIONAL_CHINESE = /^zh-(tw|hk|mo|hant)\b/;

/** The stored choice, else the browser's language (Traditional Chinese for zh-TW, zh-HK, zh-MO, zh-Hant). */
export function detectLocale(stored: string | null, browserLanguage: string | undefined): Locale {
  if (stored !== null && Object.hasOwn(dictionaries, stored)) return stored as Locale;
  const language = browserLanguage?.toLowerCase() ?? "";
  if (TRADITIONAL_CHINESE.test(language)) return "zh-TW";
  return language.startsWith("zh") ? "zh" : "en";
}

/** `{name}` placeholders filled from params; a key missing in a language falls back to English. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = dictionaries[locale][key] ?? dictionaries.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const [locale, setLocaleSignal] = createSignal<Locale>(detectLocale(storage.get(LOCALE_KEY), globalThis.navigator?.language));

export { locale };

/** BCP 47 tag for Intl formatting and <html lang>. */
export function localeTag(value: Locale = locale()): string {
  return value === "zh" ? "zh-CN" : value === "zh-TW" ? "zh-TW" : "en-US";
}

export function setLocale(value: Locale): void {
  storage.set(LOCALE_KEY, value);
  setLocaleSignal(value);
  if (globalThis.document) document.documentElement.lang = localeTag(value);
}

/** The message in the current language (reactive: re-evaluates when the language changes). */
export function t(key: MessageKey, params?: Params): string {
  return translate(locale(), key, params);
}
