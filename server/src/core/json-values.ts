import type { JsonValue } from "./canonical.ts";

/** Small guards for reading loosely typed JSON without trusting its shape (every wire protocol reads it). */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A string with at least one character, else undefined (vendors send `""` placeholders). */
export function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Only the elements of an array (or nothing) that are objects. */
export function objectsOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter(isObject) as T[]) : [];
}

/** A parsed JSON value as the canonical JsonValue (JSON.parse output already is one). */
export function asJsonValue(value: unknown): JsonValue {
  return value as JsonValue;
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
