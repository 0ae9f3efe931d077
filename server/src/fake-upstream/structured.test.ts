import { describe, expect, test } from "bun:test";
import { structuredAnswer } from "./structured.ts";

const SCHEMA = {
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer", minimum: 18 },
    when: { type: "string", format: "date" },
    kind: { type: "string", enum: ["cat", "dog"] },
    tags: { type: "array", items: { type: "string" }, minItems: 2 },
    pet: { anyOf: [{ type: "null" }, { $ref: "#/$defs/pet" }] },
    nickname: { type: ["string", "null"], minLength: 6 },
  },
  $defs: { pet: { type: "object", properties: { lives: { type: "number" } } } },
};
const EXPECTED = { name: "text", age: 18, when: "2026-01-01", kind: "cat", tags: ["text", "text"], pet: { lives: 1 }, nickname: "textxx" };

describe("structured answers", () => {
  test("each protocol's schema field gives the same conforming JSON", () => {
    const answers = [
      structuredAnswer({ response_format: { type: "json_schema", json_schema: { name: "x", schema: SCHEMA } } }, "openai-chat"),
      structuredAnswer({ text: { format: { type: "json_schema", name: "x", schema: SCHEMA } } }, "openai-responses"),
      structuredAnswer({ output_config: { format: { type: "json_schema", schema: SCHEMA } } }, "anthropic"),
      structuredAnswer({ output_format: { type: "json_schema", schema: SCHEMA } }, "anthropic"),
      structuredAnswer({ generationConfig: { responseMimeType: "application/json", responseJsonSchema: SCHEMA } }, "gemini"),
    ];
    for (const answer of answers) expect(JSON.parse(answer!)).toEqual(EXPECTED);
  });

  test("Gemini's OpenAPI-style responseSchema (upper-case types) too", () => {
    const schema = { type: "OBJECT", properties: { ok: { type: "BOOLEAN" }, n: { type: "NUMBER" } } };
    expect(JSON.parse(structuredAnswer({ generationConfig: { responseSchema: schema } }, "gemini")!)).toEqual({ ok: true, n: 1 });
  });

  test("no schema (plain JSON mode or none): no structured answer", () => {
    expect(structuredAnswer({ response_format: { type: "json_object" } }, "openai-chat")).toBeUndefined();
    expect(structuredAnswer({}, "anthropic")).toBeUndefined();
  });

  test("a recursive schema ends (depth-limited) instead of looping", () => {
    const tree = { type: "object", properties: { child: { $ref: "#" } } };
    expect(() => structuredAnswer({ output_config: { format: { type: "json_schema", schema: tree } } }, "anthropic")).not.toThrow();
  });
});
