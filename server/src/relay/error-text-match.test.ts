import { describe, expect, test } from "bun:test";
import { findErrorText } from "./error-text-match.ts";

describe("findErrorText", () => {
  test("one text per line, any of them matches, ignoring case", () => {
    const setting = "quota exceeded\n  Upstream Busy  \n";
    expect(findErrorText('{"msg":"QUOTA EXCEEDED for today"}', setting)).toBe("quota exceeded");
    expect(findErrorText("upstream busy, retry", setting)).toBe("Upstream Busy");
    expect(findErrorText('{"ok":true}', setting)).toBeUndefined();
  });

  test("different spacing still matches, as in LLMIO", () => {
    expect(findErrorText('{"error": "rate   limit\\nreached"}', "rate limit")).toBe("rate limit");
    expect(findErrorText('{"code":"ratelimit"}', "rate limit")).toBe("rate limit");
  });

  test("an empty or blank setting matches nothing", () => {
    expect(findErrorText("anything", "")).toBeUndefined();
    expect(findErrorText("anything", " \n \n")).toBeUndefined();
  });
});
