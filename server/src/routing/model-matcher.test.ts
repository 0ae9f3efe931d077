import { describe, expect, test } from "bun:test";
import { globToRegExp, isGlob, ModelMatcher, specificity } from "./model-matcher.ts";

describe("glob helpers", () => {
  test("isGlob", () => {
    expect(isGlob("gpt-4o")).toBe(false);
    expect(isGlob("gpt-*")).toBe(true);
    expect(isGlob("gpt-4?")).toBe(true);
  });

  test("specificity counts literal characters", () => {
    expect(specificity("*")).toBe(0);
    expect(specificity("claude-*")).toBe(7);
    expect(specificity("claude-sonnet-*")).toBe(14);
    expect(specificity("gpt-?")).toBe(4);
  });

  test("regexp-special characters are literal", () => {
    expect(globToRegExp("gpt-4.1*").test("gpt-4.1-mini")).toBe(true);
    expect(globToRegExp("gpt-4.1*").test("gpt-4x1-mini")).toBe(false);
    expect(globToRegExp("a+b*").test("a+b-1")).toBe(true);
    expect(globToRegExp("a+b*").test("aab-1")).toBe(false);
    for (const name of ["x(1)*", "x[1]*", "x{1}*", "x|y*", "x^y*", "x$y*", "x\\y*"]) {
      const literal = name.slice(0, -1);
      expect(globToRegExp(name).test(`${literal}-z`)).toBe(true);
    }
    expect(globToRegExp("x|y*").test("y")).toBe(false);
  });

  test("the whole name must match", () => {
    expect(globToRegExp("gpt-*").test("my-gpt-4")).toBe(false);
    expect(globToRegExp("*-mini").test("gpt-4o-mini-2024")).toBe(false);
  });
});

describe("ModelMatcher", () => {
  test("exact names beat aliases beat globs", () => {
    const matcher = new ModelMatcher<string>();
    // The catalog adds every model's own name first, then aliases and globs.
    matcher.add("gpt-4o", "model gpt-4o");
    matcher.add("fast", "model fast");
    matcher.add("gpt-4o", "alias on another model");
    matcher.add("fast", "alias fast");
    matcher.add("4o", "alias 4o");
    matcher.add("*", "catch-all");
    matcher.add("4*", "glob 4*");
    expect(matcher.match("gpt-4o")).toBe("model gpt-4o");
    expect(matcher.match("fast")).toBe("model fast");
    expect(matcher.match("4o")).toBe("alias 4o");
    expect(matcher.match("4x")).toBe("glob 4*");
    expect(matcher.match("other")).toBe("catch-all");
  });

  test("most specific glob first, whatever the order added", () => {
    const matcher = new ModelMatcher<string>();
    matcher.add("*", "any");
    matcher.add("claude-*", "claude");
    matcher.add("claude-sonnet-*", "sonnet");
    expect(matcher.match("claude-sonnet-4")).toBe("sonnet");
    expect(matcher.match("claude-opus-4")).toBe("claude");
    expect(matcher.match("gemini")).toBe("any");
    // Added after a match already sorted the list.
    matcher.add("claude-opus-*", "opus");
    expect(matcher.match("claude-opus-4")).toBe("opus");
  });

  test("equally specific globs: the one added first", () => {
    const matcher = new ModelMatcher<string>();
    matcher.add("a*", "first");
    matcher.add("*b", "second");
    expect(matcher.match("ab")).toBe("first");
    matcher.add("*c", "third");
    matcher.add("?", "fourth");
    expect(matcher.match("ab")).toBe("first");
  });

  test("? matches exactly one character", () => {
    const matcher = new ModelMatcher<string>();
    matcher.add("gpt-?", "one");
    expect(matcher.match("gpt-4")).toBe("one");
    expect(matcher.match("gpt-")).toBeUndefined();
    expect(matcher.match("gpt-40")).toBeUndefined();
  });

  test("names with regexp-special characters match literally", () => {
    const matcher = new ModelMatcher<string>();
    matcher.add("gpt-4.1-*", "gpt-4.1 family");
    matcher.add("a+b-*", "a+b family");
    matcher.add("gpt-4.1", "exact");
    expect(matcher.match("gpt-4.1")).toBe("exact");
    expect(matcher.match("gpt-4.1-mini")).toBe("gpt-4.1 family");
    expect(matcher.match("gpt-4x1-mini")).toBeUndefined();
    expect(matcher.match("a+b-1")).toBe("a+b family");
    expect(matcher.match("aab-1")).toBeUndefined();
    expect(matcher.match("ab-1")).toBeUndefined();
  });

  test("no match", () => {
    expect(new ModelMatcher<number>().match("x")).toBeUndefined();
  });
});
