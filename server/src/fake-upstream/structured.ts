/**
 * Structured answers for the fake upstream. When a request asks for a JSON schema (OpenAI Chat
 * `response_format.json_schema.schema`, Responses `text.format.schema`, Anthropic
 * `output_config.format.schema` or the beta `output_format.schema`, Gemini
 * `generationConfig.responseJsonSchema` or the OpenAPI-style `responseSchema`), the answer text
 * is one JSON value that conforms to it, built deterministically from the schema:
 *   object → every property (declared order); array → `minItems` items (at least one);
 *   string → `const`, first `enum`, a sample for its `format`, else "text" (padded to
 *   `minLength`); integer / number → `minimum` or 1; boolean → true; null → null;
 *   anyOf / oneOf → the first branch that is not null; allOf → the branches merged;
 *   `$ref` → local `#/$defs/…` and `#/definitions/…`.
 * The JSON holds no run of spaces, so answerChunks() splits and joins it back exactly.
 */

import { isObject, type JsonObject } from "./json.ts";

export type FakeProtocol = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

/** The JSON schema a request asks the answer to follow, if any. */
export function requestedSchema(body: JsonObject, protocol: FakeProtocol): unknown {
  switch (protocol) {
    case "openai-chat": {
      const format = body.response_format;
      return isObject(format) && format.type === "json_schema" && isObject(format.json_schema) ? format.json_schema.schema : undefined;
    }
    case "openai-responses": {
      const format = isObject(body.text) ? body.text.format : undefined;
      return isObject(format) && format.type === "json_schema" ? format.schema : undefined;
    }
    case "anthropic": {
      const format = isObject(body.output_config) && isObject(body.output_config.format) ? body.output_config.format : body.output_format;
      return isObject(format) && format.type === "json_schema" ? format.schema : undefined;
    }
    case "gemini": {
      const config = body.generationConfig;
      return isObject(config) ? (config.responseJsonSchema ?? config.responseSchema) : undefined;
    }
  }
}

/** The answer text for a request: a conforming JSON value when it asks for a schema. */
export function structuredAnswer(body: JsonObject, protocol: FakeProtocol): string | undefined {
  const schema = requestedSchema(body, protocol);
  if (!isObject(schema)) return undefined;
  return JSON.stringify(sample(schema, schema, 0));
}

const MAX_DEPTH = 8;
const FORMAT_SAMPLES: Record<string, string> = {
  "date-time": "2026-01-01T00:00:00Z",
  date: "2026-01-01",
  time: "00:00:00",
  email: "fake@example.com",
  uri: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  hostname: "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  duration: "P1D",
};

function sample(schema: JsonObject, root: JsonObject, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === "string") {
    const target = resolve(schema.$ref, root);
    return target ? sample(target, root, depth + 1) : null;
  }
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = branches.find((inner) => isObject(inner) && typeOf(inner) !== "null") ?? branches[0];
      return isObject(branch) ? sample(branch, root, depth + 1) : null;
    }
  }
  if (Array.isArray(schema.allOf)) {
    const merged: JsonObject = {};
    for (const part of schema.allOf) {
      const value = isObject(part) ? sample(part, root, depth + 1) : undefined;
      if (isObject(value)) Object.assign(merged, value);
    }
    return merged;
  }
  switch (typeOf(schema)) {
    case "object": {
      const value: JsonObject = {};
      const properties = isObject(schema.properties) ? schema.properties : {};
      for (const [name, inner] of Object.entries(properties)) value[name] = isObject(inner) ? sample(inner, root, depth + 1) : null;
      return value;
    }
    case "array": {
      const count = Math.max(1, typeof schema.minItems === "number" ? schema.minItems : 1);
      const items = isObject(schema.items) ? schema.items : {};
      return Array.from({ length: count }, () => sample(items, root, depth + 1));
    }
    case "integer":
      return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 1;
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default: {
      const text = typeof schema.format === "string" ? (FORMAT_SAMPLES[schema.format] ?? "text") : "text";
      const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
      return text.padEnd(minLength, "x");
    }
  }
}

/** The schema's type, lower-cased (Gemini's OpenAPI schemas say "OBJECT"); the first non-null of a list. */
function typeOf(schema: JsonObject): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((name) => name !== "null" && name !== "NULL") ?? schema.type[0] : schema.type;
  if (typeof type === "string") return type.toLowerCase();
  if (isObject(schema.properties)) return "object";
  if (schema.items !== undefined) return "array";
  return undefined;
}

function resolve(ref: string, root: JsonObject): JsonObject | undefined {
  if (ref === "#") return root;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const defs = root[match[1]];
  const target = isObject(defs) ? defs[decodeURIComponent(match[2]).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  return isObject(target) ? target : undefined;
}
