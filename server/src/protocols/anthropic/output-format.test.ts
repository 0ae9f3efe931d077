import { describe, expect, test } from "bun:test";
import type { CanonicalRequest, JsonValue, ResponseFormat } from "../../core/canonical.ts";
import { GatewayError } from "../../core/errors.ts";
import type { UpstreamTarget } from "../../core/wire-protocol.ts";
import { decodeRequest as decodeChat } from "../openai-chat/decode-request.ts";
import { encodeRequest as encodeChat } from "../openai-chat/encode-request.ts";
import { decodeRequest as decodeGemini } from "../gemini/decode-request.ts";
import { encodeRequest as encodeGemini } from "../gemini/encode-request.ts";
import { decodeRequest as decodeResponses } from "../openai-responses/decode-request.ts";
import { encodeRequest as encodeResponses } from "../openai-responses/encode-request.ts";
import { decodeRequest } from "./decode-request.ts";
import { encodeRequest } from "./encode-request.ts";

const TARGET: UpstreamTarget = { baseUrl: "https://api.anthropic.com", apiKey: "k", model: "claude-x", stream: false };
const PERSON = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name", "age"],
  additionalProperties: false,
};

function request(responseFormat: ResponseFormat): CanonicalRequest {
  return { model: "m", system: [], messages: [{ role: "user", content: [{ type: "text", text: "q" }] }], tools: [], stream: false, extras: {}, responseFormat };
}

describe("structured outputs to Anthropic (output_config.format)", () => {
  test("OpenAI Chat json_schema arrives as output_config.format, with no system instruction", () => {
    const canonical = decodeChat({
      model: "m",
      messages: [{ role: "user", content: "who?" }],
      response_format: { type: "json_schema", json_schema: { name: "person", schema: PERSON, strict: true } },
    }, {});
    const { body, warnings } = encodeRequest(canonical, TARGET);
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema: PERSON } });
    expect(body.system).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test("Responses text.format and Gemini responseJsonSchema / responseSchema do too", () => {
    const responses = decodeResponses({ model: "m", input: "who?", text: { format: { type: "json_schema", name: "person", schema: PERSON, strict: true } } }, {});
    expect(encodeRequest(responses, TARGET).body.output_config).toEqual({ format: { type: "json_schema", schema: PERSON } });
    const gemini = decodeGemini({ contents: [{ role: "user", parts: [{ text: "who?" }] }], generationConfig: { responseMimeType: "application/json", responseJsonSchema: PERSON } }, { model: "m" });
    expect(encodeRequest(gemini, TARGET).body.output_config).toEqual({ format: { type: "json_schema", schema: PERSON } });
    const legacy = decodeGemini(
      { contents: [{ role: "user", parts: [{ text: "who?" }] }], generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT", properties: { name: { type: "STRING" } } } } },
      { model: "m" },
    );
    const format = (encodeRequest(legacy, TARGET).body.output_config as { format: { schema: Record<string, unknown> } }).format;
    expect(format.schema.type).toBe("object");
    expect(format.schema.additionalProperties).toBe(false);
  });

  test("plain JSON mode stays a system instruction", () => {
    const { body, warnings } = encodeRequest(request({ type: "json" }), TARGET);
    expect(body.output_config).toBeUndefined();
    expect((body.system as Array<{ text: string }>)[0].text).toContain("valid JSON object");
    expect(warnings).toContain("JSON mode was approximated with a system instruction");
  });

  test("objects are closed, oneOf becomes anyOf, nested schemas and $defs are fitted, $schema is dropped", () => {
    const schema: JsonValue = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "object", properties: { t: { type: "string", format: "email" } } }, minItems: 1 },
        pet: { oneOf: [{ $ref: "#/$defs/cat" }, { type: "null" }] },
      },
      $defs: { cat: { type: "object", properties: { lives: { type: "integer" } } } },
    };
    const { body } = encodeRequest(request({ type: "json-schema", schema, strict: true }), TARGET);
    expect((body.output_config as { format: object }).format).toEqual({
      type: "json_schema",
      schema: {
        type: "object",
        properties: {
          tags: { type: "array", items: { type: "object", properties: { t: { type: "string", format: "email" } }, additionalProperties: false }, minItems: 1 },
          pet: { anyOf: [{ $ref: "#/$defs/cat" }, { type: "null" }] },
        },
        $defs: { cat: { type: "object", properties: { lives: { type: "integer" } }, additionalProperties: false } },
        additionalProperties: false,
      },
    });
  });

  test("a strict schema Anthropic cannot enforce is refused with a 400 naming each keyword", () => {
    const schema = { type: "object", properties: { age: { type: "integer", minimum: 0 }, nick: { type: "string", maxLength: 8 } }, additionalProperties: true };
    let error: unknown;
    try {
      encodeRequest(request({ type: "json-schema", schema, strict: true }), TARGET);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(400);
    expect((error as GatewayError).message).toContain("minimum at /properties/age");
    expect((error as GatewayError).message).toContain("maxLength at /properties/nick");
    expect((error as GatewayError).message).toContain("additionalProperties at /");
  });

  test("a non-strict schema with such keywords is sent with them as a description hint, and a warning", () => {
    const schema = { type: "object", properties: { age: { type: "integer", minimum: 0, description: "years" } } };
    const { body, warnings } = encodeRequest(request({ type: "json-schema", schema }), TARGET);
    const sent = (body.output_config as { format: { schema: { properties: { age: Record<string, unknown> } } } }).format.schema;
    expect(sent.properties.age).toEqual({ type: "integer", description: "years\n\nConstraints: minimum: 0" });
    expect(warnings.join("\n")).toContain("minimum at /properties/age");
  });
});

describe("an Anthropic client's output_config.format, to other providers", () => {
  const anthropicBody = {
    model: "m",
    max_tokens: 100,
    messages: [{ role: "user", content: "who?" }],
    output_config: { format: { type: "json_schema", schema: PERSON } },
  };
  const target = { ...TARGET, model: "up" };

  test("OpenAI Chat gets response_format json_schema", () => {
    const { body } = encodeChat(decodeRequest(anthropicBody, {}), target);
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema: PERSON } });
  });

  test("Responses gets text.format json_schema", () => {
    const { body } = encodeResponses(decodeRequest(anthropicBody, {}), target);
    expect((body.text as { format: object }).format).toEqual({ type: "json_schema", name: "response", schema: PERSON, strict: false });
  });

  test("Gemini gets responseJsonSchema with the JSON mime type", () => {
    const { body } = encodeGemini(decodeRequest(anthropicBody, {}), target);
    const config = body.generationConfig as Record<string, unknown>;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseJsonSchema).toBeDefined();
  });
});

describe("count_tokens to an Anthropic provider", () => {
  test("a strict schema Anthropic cannot enforce does not refuse the count (output_config is not counted)", async () => {
    const { countTokens } = await import("./count-tokens.ts");
    const schema = { type: "object", properties: { age: { type: "integer", minimum: 0 } } };
    const body = countTokens.encodeRequest(request({ type: "json-schema", schema, strict: true }), TARGET);
    expect(body.output_config).toBeUndefined();
    expect(body.messages).toBeDefined();
  });
});
