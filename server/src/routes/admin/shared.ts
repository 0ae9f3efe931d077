import { AdminErrorBody } from "@llmio/contract";
import { Kind, OptionalKind, type TSchema } from "@sinclair/typebox";
import { t } from "elysia";

/**
 * `:id` path parameter. Bounds on path and query integers are checked by the services:
 * Elysia's coercion from text would report a failed bound without naming the field.
 */
export const idParams = t.Object({ id: t.Integer() });

/**
 * A contract schema as a request validator: every integer becomes Elysia's `t.Integer`, which also
 * takes the integer's text (`?hours=6`, `"maxRetry": "3"`), as the admin API always has.
 */
export function accepting<Schema extends TSchema>(schema: Schema): Schema {
  return withElysiaIntegers(schema) as Schema;
}

function withElysiaIntegers(node: TSchema): TSchema {
  if (node[Kind] === "Integer") {
    const options = Object.fromEntries(Object.entries(node).filter(([key]) => key !== "type"));
    const integer: TSchema = t.Integer(options);
    if (node[OptionalKind]) integer[OptionalKind] = node[OptionalKind];
    return integer;
  }
  const copy: TSchema = { ...node };
  if (node.properties) copy.properties = Object.fromEntries(Object.entries(node.properties as Record<string, TSchema>).map(([key, value]) => [key, withElysiaIntegers(value)]));
  if (node.items && !Array.isArray(node.items)) copy.items = withElysiaIntegers(node.items);
  if (Array.isArray(node.anyOf)) copy.anyOf = node.anyOf.map(withElysiaIntegers);
  if (Array.isArray(node.allOf)) copy.allOf = node.allOf.map(withElysiaIntegers);
  return copy;
}

/** A route's answers for OpenAPI and response validation: its body on success, the admin error shape otherwise. */
export function answers<Schema extends TSchema, const Status extends 200 | 201 = 200>(schema: Schema, status: Status = 200 as Status) {
  return { [status]: schema, 400: AdminErrorBody, 401: AdminErrorBody, 404: AdminErrorBody } as { [Code in Status]: Schema } & {
    400: typeof AdminErrorBody;
    401: typeof AdminErrorBody;
    404: typeof AdminErrorBody;
  };
}

/** OpenAPI details for an admin route. */
export function adminDoc(summary: string) {
  return { summary, tags: ["admin"] };
}
