/**
 * Gemini accepts two schema dialects: `parameters` / `responseSchema` take Google's OpenAPI
 * subset (upper-case `type` names, `nullable`, `propertyOrdering`), `parametersJsonSchema` /
 * `responseJsonSchema` take JSON Schema. Clients mix them (Gemini CLI sends upper-case types
 * even in `responseJsonSchema`). The canonical form is plain JSON Schema.
 * https://ai.google.dev/api/caching#Schema
 */
import type { JsonValue } from "../../core/canonical.ts";
import { isObject } from "../../core/json-values.ts";

const OPENAPI_TYPES = new Set(["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"]);

/** Keywords whose value maps names (not keywords) to schemas. */
const NAMED_SCHEMAS = new Set(["properties", "patternProperties", "$defs", "definitions"]);

function lowerType(type: unknown): unknown {
  if (typeof type === "string") return OPENAPI_TYPES.has(type) ? type.toLowerCase() : type;
  if (Array.isArray(type)) return type.map(lowerType);
  return type;
}

/** Either dialect → JSON Schema: lower-case types, `nullable` folded into `type`, Google-only keys dropped. */
export function toJsonSchema(schema: unknown): JsonValue {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema as JsonValue;
  const result: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "propertyOrdering" || key === "nullable") continue;
    if (key === "type") result.type = lowerType(value) as JsonValue;
    else if (NAMED_SCHEMAS.has(key) && isObject(value)) {
      const named: Record<string, JsonValue> = {};
      for (const [name, inner] of Object.entries(value)) named[name] = toJsonSchema(inner);
      result[key] = named;
    } else result[key] = toJsonSchema(value);
  }
  if (schema.nullable === true && typeof result.type === "string" && result.type !== "null") {
    result.type = [result.type, "null"];
  }
  return result;
}

/** A JSON Schema for `parametersJsonSchema` / `responseJsonSchema`: `$schema` is not accepted there. */
export function forGemini(schema: JsonValue | undefined): JsonValue | undefined {
  if (!isObject(schema) || !("$schema" in schema)) return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest as JsonValue;
}
