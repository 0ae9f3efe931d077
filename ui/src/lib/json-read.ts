/** Small readers for JSON of unknown shape (captured bodies): never throw, never `any`. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function record(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** A value as one short line: strings as they are, anything else as compact JSON. */
export function shortValue(value: unknown, max = 200): string {
  const shown = typeof value === "string" ? value : JSON.stringify(value);
  return shown.length > max ? `${shown.slice(0, max)}…` : shown;
}

/** JSON text indented when it parses (tool arguments), as it is otherwise (a stream cut mid-way). */
export function indentJson(source: string): string {
  try {
    return JSON.stringify(JSON.parse(source), null, 2);
  } catch {
    return source;
  }
}

export function parseJson(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch {
    return undefined;
  }
}
