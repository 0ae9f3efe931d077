import { t } from "elysia";

/**
 * `:id` path parameter. Bounds on path and query integers are checked by the services:
 * Elysia's coercion from text would report a failed bound without naming the field.
 */
export const idParams = t.Object({ id: t.Integer() });

/** OpenAPI details for an admin route. */
export function adminDoc(summary: string) {
  return { summary, tags: ["admin"] };
}
