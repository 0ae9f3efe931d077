import { describe, expect, test } from "vitest";
import { compactNumber, duration, percent } from "./format.ts";
import { pickLanguage, setLanguage, t } from "./i18n.ts";

describe("formatting and language", () => {
  test("numbers", () => {
    expect(compactNumber(9999)).toBe("9,999");
    expect(compactNumber(12_345)).toBe("12.3k");
    expect(compactNumber(1_234_567)).toBe("1.23M");
    expect(percent(0.042)).toBe("4.2%");
    expect(percent(0.5)).toBe("50%");
    expect(duration(3700)).toBe("1h 1m");
    expect(duration(90_000)).toBe("1d 1h");
  });

  test("Chinese when the browser's first language is Chinese", () => {
    expect(pickLanguage(["zh-CN", "en"])).toBe("zh");
    expect(pickLanguage(["en-US", "zh-CN"])).toBe("en");
    setLanguage("zh");
    expect(t("modelsForKey", { count: 3 })).toBe("此密钥可用的模型（3）");
    setLanguage("en");
    expect(t("modelsForKey", { count: 3 })).toBe("Models for this key (3)");
  });
});
