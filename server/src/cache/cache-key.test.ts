import { describe, expect, test } from "bun:test";
import type { CanonicalRequest } from "../core/canonical.ts";
import { openaiChat } from "../protocols/openai-chat/index.ts";
import { anthropic } from "../protocols/anthropic/index.ts";
import { cacheKey, isDeterministic } from "./cache-key.ts";

const base: CanonicalRequest = {
  model: "gpt-4o",
  system: [{ type: "text", text: "You are a translator. Translate into Chinese." }],
  messages: [{ role: "user", content: [{ type: "text", text: "Hello world" }] }],
  tools: [],
  temperature: 0,
  stream: false,
  extras: {},
};
const keyOf = (changes: Partial<CanonicalRequest>, model = "translate", partition?: string) => cacheKey(model, { ...base, ...changes }, partition);

describe("cacheKey", () => {
  test("is a SHA-256 in hex, the same for the same request", () => {
    expect(keyOf({})).toMatch(/^[0-9a-f]{64}$/);
    expect(keyOf({})).toBe(keyOf({}));
  });

  test("changes with what decides the answer", () => {
    const variants: Array<Partial<CanonicalRequest>> = [
      { messages: [{ role: "user", content: [{ type: "text", text: "Hello world!" }] }] },
      { system: [{ type: "text", text: "Translate into Japanese." }] },
      { temperature: 0.2 },
      { maxOutputTokens: 100 },
      { topP: 0.5 },
      { stopSequences: ["\n"] },
      { seed: 7 },
      { responseFormat: { type: "json" } },
      { tools: [{ type: "function", name: "lookup", description: "", parameters: {} }] },
      { toolChoice: "required" },
      { reasoning: { enabled: true, effort: "low" } },
      { extras: { logprobs: true } },
    ];
    const keys = new Set([keyOf({}), ...variants.map((variant) => keyOf(variant))]);
    expect(keys.size).toBe(variants.length + 1);
    expect(keyOf({}, "other-model")).not.toBe(keyOf({}));
    expect(keyOf({}, "translate", "key:1")).not.toBe(keyOf({}, "translate", "key:2"));
    expect(keyOf({}, "translate", "key:1")).not.toBe(keyOf({}));
  });

  test("does not change with how the answer is delivered or who asked", () => {
    const same = [
      { stream: true },
      { model: "gpt-4o-alias" },
      { user: "end-user-42" },
      { extras: { stream_options: { include_usage: true }, metadata: { user_id: "session-1" }, user: "u1", store: false } },
    ] satisfies Array<Partial<CanonicalRequest>>;
    for (const variant of same) expect(keyOf(variant)).toBe(keyOf({}));
  });

  test("object key order in the client's JSON does not matter", () => {
    const schemaA = { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } };
    const schemaB = { properties: { b: { type: "number" }, a: { type: "string" } }, type: "object" };
    expect(keyOf({ tools: [{ type: "function", name: "f", description: "", parameters: schemaA }] })).toBe(
      keyOf({ tools: [{ type: "function", name: "f", description: "", parameters: schemaB }] }),
    );
  });

  test("the same request sent in two protocols gets the same key (an answer fetched by one serves the other)", () => {
    const chat = openaiChat.decodeRequest({ model: "m", temperature: 0, max_tokens: 256, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, {});
    const messages = anthropic.decodeRequest({ model: "m", temperature: 0, max_tokens: 256, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] }, {});
    expect(cacheKey("m", chat, undefined)).toBe(cacheKey("m", messages, undefined));
  });
});

describe("isDeterministic", () => {
  test("temperature 0 or a seed; no temperature (the provider's default) is random", () => {
    expect(isDeterministic({ ...base, temperature: 0 })).toBe(true);
    expect(isDeterministic({ ...base, temperature: 0.7, seed: 1 })).toBe(true);
    expect(isDeterministic({ ...base, temperature: 0.7 })).toBe(false);
    expect(isDeterministic({ ...base, temperature: undefined })).toBe(false);
  });
});
