import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../core/canonical.ts";
import { estimateInputTokens, loadedTokenCounter } from "./estimate-usage.ts";
import { EXACT_COUNT_MAX_CHARS, promptChars, promptTokenEstimate } from "./prompt-estimate.ts";

function request(text: string): CanonicalRequest {
  return { model: "m", system: [{ type: "text", text: "Be brief." }], messages: [{ role: "user", content: [{ type: "text", text }] }], tools: [], stream: true, extras: {} };
}

describe("promptTokenEstimate", () => {
  test("counts nothing until asked, then once", () => {
    let decodes = 0;
    const prompt = request("hello");
    const estimate = promptTokenEstimate(() => {
      decodes++;
      return prompt;
    });
    expect(decodes).toBe(0);
    estimate();
    estimate();
    expect(decodes).toBe(1);
  });

  test("a small prompt gets the count_tokens estimate once the tokenizer is loaded", async () => {
    const prompt = request("the quick brown fox jumps over the lazy dog ".repeat(50));
    const exact = await estimateInputTokens(prompt); // loads the tokenizer
    expect(loadedTokenCounter()).toBeDefined();
    expect(promptTokenEstimate(() => prompt)()).toBe(exact);
  });

  test("a 100 KB prompt gets characters / 4 without the tokenizer: within a factor of two of its count", async () => {
    const prompt = request("function alpha(beta) { return beta * 42; } // the gamma of delta\n".repeat(1600));
    expect(promptChars(prompt)).toBeGreaterThan(EXACT_COUNT_MAX_CHARS);
    const exact = await estimateInputTokens(prompt);
    // Exactly characters / 4: the tokenizer (≈ 10 ms at this size) was not run. Speed is the bench's business.
    const quick = promptTokenEstimate(() => prompt)()!;
    expect(quick).toBe(Math.ceil(promptChars(prompt) / 4));
    expect(quick / exact).toBeGreaterThan(0.5);
    expect(quick / exact).toBeLessThan(2);
  });

  test("a request that cannot be decoded gives no count rather than an error", () => {
    const estimate = promptTokenEstimate(() => {
      throw new Error("bad body");
    });
    expect(estimate()).toBeUndefined();
  });
});
