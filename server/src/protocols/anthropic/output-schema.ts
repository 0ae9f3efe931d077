import type { JsonValue } from "../../core/canonical.ts";
import { isObject } from "../../core/json-values.ts";

/**
 * JSON schemas for Anthropic's structured outputs (`output_config.format`). Anthropic decodes
 * under a grammar built from the schema and accepts only a subset of JSON Schema:
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 *
 * A schema is fitted to that subset: objects get `additionalProperties: false`, `oneOf`
 * becomes `anyOf`, `$schema` is dropped. Keywords Anthropic cannot enforce (numeric and
 * length bounds, `minItems` above 1, open `additionalProperties`, unknown string formats …)
 * are listed: a strict request is refused with them, a non-strict one sends them to the model
 * as a description hint instead.
 */

/** Keywords Anthropic takes as they are. */
const KEPT = new Set([
  "type", "properties", "required", "items", "enum", "const", "anyOf", "allOf", "$ref", "$defs",
  "definitions", "description", "title", "default", "pattern",
]);
/** Annotations that constrain nothing; left out. */
const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "examples", "deprecated", "readOnly", "writeOnly"]);
/** String formats Anthropic's grammar knows. */
const STRING_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"]);

export interface FittedSchema {
  schema: JsonValue;
  /** Each keyword Anthropic cannot enforce, with where it is: "minimum at /properties/age". */
  unenforced: string[];
}

export function fitOutputSchema(schema: JsonValue): FittedSchema {
  const unenforced: string[] = [];
  return { schema: fitNode(schema, "", unenforced), unenforced };
}

function fitNode(node: JsonValue, path: string, unenforced: string[]): JsonValue {
  if (!isObject(node)) return node;
  const fitted: Record<string, JsonValue> = {};
  const hints: string[] = [];
  const drop = (key: string, value: JsonValue) => {
    unenforced.push(`${key} at ${path || "/"}`);
    hints.push(`${key}: ${JSON.stringify(value)}`);
  };
  for (const [key, value] of Object.entries(node as Record<string, JsonValue>)) {
    if (value === undefined || ANNOTATIONS.has(key)) continue;
    switch (key) {
      case "properties":
      case "$defs":
      case "definitions":
        fitted[key] = isObject(value)
          ? Object.fromEntries(Object.entries(value as Record<string, JsonValue>).map(([name, inner]) => [name, fitNode(inner, `${path}/${key}/${name}`, unenforced)]))
          : value;
        break;
      case "items":
        fitted.items = fitNode(value, `${path}/items`, unenforced);
        break;
      case "anyOf":
      case "oneOf":
      case "allOf": {
        const target = key === "allOf" ? "allOf" : "anyOf";
        // The grammar has anyOf only; oneOf branches (zod unions, tagged variants) are disjoint in practice.
        fitted[target] = Array.isArray(value) ? value.map((inner, index) => fitNode(inner, `${path}/${key}/${index}`, unenforced)) : value;
        break;
      }
      case "additionalProperties":
        if (value !== false) drop(key, value);
        break;
      case "format":
        if (typeof value === "string" && STRING_FORMATS.has(value)) fitted.format = value;
        else drop(key, value);
        break;
      case "minItems":
        if (value === 0 || value === 1) fitted.minItems = value;
        else drop(key, value);
        break;
      default:
        if (KEPT.has(key)) fitted[key] = value;
        else drop(key, value);
    }
  }
  if (isObjectSchema(node)) fitted.additionalProperties = false;
  if (hints.length > 0) {
    const described = typeof fitted.description === "string" ? `${fitted.description}\n\n` : "";
    fitted.description = `${described}Constraints: ${hints.join(", ")}`;
  }
  return fitted;
}

function isObjectSchema(node: object): boolean {
  const type = (node as { type?: unknown }).type;
  return type === "object" || (Array.isArray(type) && type.includes("object")) || (type === undefined && "properties" in node);
}
