/**
 * LLMIO's column values as its drivers return them: GORM writes `*bool` as 0/1 on SQLite and the
 * fork keeps 0/1 integers; times are Go's text (`2026-03-05 14:07:09.123456789+08:00`) on SQLite
 * and Date objects from PostgreSQL/MySQL; `serializer:json` columns are JSON text.
 */

export function asBoolean(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value;
  if (typeof value === "number" || typeof value === "bigint") return Number(value) !== 0;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (["1", "t", "true", "y", "yes"].includes(text)) return true;
    if (["0", "f", "false", "n", "no", ""].includes(text)) return false;
  }
  return null;
}

export function asNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  const number = typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

export function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return String(value);
}

const GO_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?/;

/** Epoch milliseconds, or null for NULL, Go's zero time and text that is no time. */
export function asInstant(value: unknown): number | null {
  if (value === null || value === undefined || value === "") return null;
  let millis: number;
  if (value instanceof Date) millis = value.getTime();
  else if (typeof value === "number" || typeof value === "bigint") millis = Number(value);
  else {
    const match = GO_TIME.exec(String(value).trim());
    if (!match) return null;
    const [, date, time, fraction = "0", zone = "Z"] = match;
    const offset = zone === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    millis = Date.parse(`${date}T${time}.${fraction.padEnd(3, "0").slice(0, 3)}${offset}`);
  }
  // Go's zero time (0001-01-01) means "not set".
  return Number.isFinite(millis) && millis > 0 ? millis : null;
}

/** A JSON column: the parsed value, or undefined when empty or not JSON. */
export function asJson(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "object" && !(value instanceof Uint8Array)) return value;
  const text = asText(value).trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
