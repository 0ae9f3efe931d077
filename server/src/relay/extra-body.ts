/**
 * An association's `extraBody` deep-merged into the upstream request after translation: objects
 * merge key by key, anything else (arrays, scalars, null) replaces the client's value.
 */
export function mergeExtraBody(body: unknown, extra: Record<string, unknown> | undefined): unknown {
  if (!extra || Object.keys(extra).length === 0 || !isPlainObject(body)) return body;
  return deepMerge(body, extra);
}

function deepMerge(target: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(extra)) {
    const current = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
  }
  return merged;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
