import type { TSchema } from "@sinclair/typebox";
import type { ValidationError } from "elysia";

/**
 * One line naming the first failing field, e.g.
 * `Invalid body: /type must be one of openai, openai-responses, anthropic, gemini`.
 */
export function validationMessage(error: ValidationError): string {
  const first = error.all[0];
  if (!first) return `Invalid ${error.type}`;
  const problem = expectation(first.schema, first.value) ?? first.message.toLowerCase();
  // Elysia's string-to-number coercion reports a failed bound without the field's path.
  if (!first.path) return `Invalid value ${JSON.stringify(first.value)}: ${problem}`;
  return `Invalid ${error.type}: ${first.path} ${problem}`;
}

function expectation(schema: TSchema, value: unknown): string | undefined {
  if (value === undefined) return "is required";
  const options = choices(schema);
  if (options) return `must be one of ${options.join(", ")}`;
  const kinds = variants(schema).map(describeType);
  if (kinds.includes(undefined)) return undefined;
  return `must be ${kinds.join(" or ")}`;
}

/** The allowed literals of an enum or a union of constants. */
function choices(schema: TSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((member: TSchema) => "const" in member)) {
    return schema.anyOf.map((member: TSchema) => member.const);
  }
  return undefined;
}

/**
 * The alternatives of a union, without the string-with-format variants Elysia adds so that
 * numbers and booleans can arrive as text; the union's own bounds are kept on each member.
 */
function variants(schema: TSchema): TSchema[] {
  if (!Array.isArray(schema.anyOf)) return [schema];
  const { anyOf, ...bounds } = schema;
  const members = (anyOf as TSchema[]).filter((member) => !(member.type === "string" && member.format));
  return members.flatMap((member) => variants({ ...bounds, ...member }));
}

function describeType(schema: TSchema): string | undefined {
  switch (schema.type) {
    case "integer":
      return `an integer${range(schema)}`;
    case "number":
      return `a number${range(schema)}`;
    case "string":
      return schema.minLength ? "a non-empty string" : "a string";
    case "boolean":
      return "a boolean";
    case "array":
      return "an array";
    case "object":
      return "an object";
    case "null":
      return "null";
    default:
      return undefined;
  }
}

function range(schema: TSchema): string {
  const { minimum, maximum } = schema;
  if (minimum !== undefined && maximum !== undefined) return ` from ${minimum} to ${maximum}`;
  if (minimum !== undefined) return ` ≥ ${minimum}`;
  if (maximum !== undefined) return ` ≤ ${maximum}`;
  return "";
}
