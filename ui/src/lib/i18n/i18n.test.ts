import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "./en.ts";
import { detectLocale, dictionaries, setLocale, t, translate, type Locale } from "./index.ts";

// Vitest runs from ui/ (its config is there).
const SOURCE = join(process.cwd(), "src");

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path] : [];
  });
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe("dictionaries", () => {
  const reference = Object.keys(en).sort();

  for (const locale of Object.keys(dictionaries) as Locale[]) {
    it(`${locale} has exactly the English keys`, () => {
      expect(Object.keys(dictionaries[locale]).sort()).toEqual(reference);
    });

    it(`${locale} has no empty messages and the same placeholders`, () => {
      for (const key of reference) {
        const message = dictionaries[locale][key as keyof typeof en];
        expect(message.trim(), key).not.toBe("");
        expect(placeholders(message), key).toEqual(placeholders(en[key as keyof typeof en]));
      }
    });
  }

  it("has every key the source code asks for", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SOURCE)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([^"]+)"/g)) used.add(match[1]);
      // Keys handed around as values: label: "quick.field.apiKey", note: "quick.note.curl", "validation.required"…
      for (const match of text.matchAll(/"((?:validation|quick\.(?:note|field)|providers\.hint|nav)\.[\w.-]+)"/g)) used.add(match[1]);
    }
    const missing = [...used].filter((key) => !(key in en));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(200);
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones", () => {
    expect(translate("en", "time.ago", { span: "5 s" })).toBe("5 s ago");
    expect(translate("zh", "time.ago", { span: "5 秒" })).toBe("5 秒前");
    expect(translate("en", "time.ago")).toBe("{span} ago");
  });

  it("switches language reactively and persists the choice", () => {
    setLocale("zh");
    expect(t("nav.dashboard")).toBe("仪表盘");
    expect(localStorage.getItem("llmio.locale")).toBe("zh");
    expect(document.documentElement.lang).toBe("zh-CN");
    setLocale("en");
    expect(t("nav.dashboard")).toBe("Dashboard");
  });

  it("switches to Traditional Chinese with its own words and tag", () => {
    setLocale("zh-TW");
    expect(t("nav.settings")).toBe("設定");
    expect(t("nav.dashboard")).toBe("儀表板");
    expect(document.documentElement.lang).toBe("zh-TW");
    setLocale("en");
  });

  it("detects the language from storage, then the browser", () => {
    expect(detectLocale("zh", "en-US")).toBe("zh");
    expect(detectLocale(null, "zh-CN")).toBe("zh");
    expect(detectLocale(null, "zh")).toBe("zh");
    expect(detectLocale(null, "zh-SG")).toBe("zh");
    expect(detectLocale(null, "zh-TW")).toBe("zh-TW");
    expect(detectLocale(null, "zh-HK")).toBe("zh-TW");
    expect(detectLocale(null, "zh-Hant-TW")).toBe("zh-TW");
    expect(detectLocale("zh-TW", "en-US")).toBe("zh-TW");
    expect(detectLocale("zh", "zh-TW")).toBe("zh");
    expect(detectLocale(null, "fr-FR")).toBe("en");
    expect(detectLocale("xx", undefined)).toBe("en");
    expect(detectLocale("toString", "en-US")).toBe("en");
  });
});
