import { describe, expect, test } from "bun:test";
import { mergeExtraBody } from "./extra-body.ts";

describe("mergeExtraBody", () => {
  test("objects merge key by key; arrays, scalars and null replace", () => {
    const body = { model: "m", temperature: 0.9, chat_template_kwargs: { enable_thinking: true, keep: 1 }, stop: ["a"] };
    expect(mergeExtraBody(body, { temperature: 0.1, chat_template_kwargs: { enable_thinking: false }, stop: ["b"], seed: null })).toEqual({
      model: "m",
      temperature: 0.1,
      chat_template_kwargs: { enable_thinking: false, keep: 1 },
      stop: ["b"],
      seed: null,
    });
    expect(body.chat_template_kwargs.enable_thinking).toBe(true);
  });
  test("no extra body: the same object", () => {
    const body = { model: "m" };
    expect(mergeExtraBody(body, {})).toBe(body);
    expect(mergeExtraBody(body, undefined)).toBe(body);
  });
});
