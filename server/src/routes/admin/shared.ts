import { t } from "elysia";

/**
 * `:id` path parameter. Bounds on path and query integers are checked by the services:
 * Elysia's coercion from text would report a failed bound without naming the field.
 */
export const idParams = t.Object({ id: t.Integer() });

/**
 * One of the given strings. Elysia's `t.UnionEnum` defaults to the first value, which would
 * silently fill an omitted field (resetting it on a partial update), so the default is dropped.
 */
export function oneOf<const Values extends readonly [string, ...string[]]>(values: Values) {
  const schema = t.UnionEnum(values);
  delete schema.default;
  return schema;
}

/** OpenAPI details for an admin route. */
export function adminDoc(summary: string) {
  return { summary, tags: ["admin"] };
}
