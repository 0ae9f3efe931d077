/**
 * Fixed-seed randomness and the value encodings LLMIO's Go drivers write, so every fixture run
 * produces the same rows (given the same `now`).
 */

/** mulberry32: a small seeded generator; `next()` is in [0, 1). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let value = this.state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `length` characters of LLMIO's key alphabet (pkg/token: digits, lower, upper). */
  chars(length: number, alphabet = KEY_ALPHABET): string {
    let text = "";
    for (let index = 0; index < length; index++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }
}

export const KEY_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

/**
 * A time as glebarez/go-sqlite writes a Go time.Time: `2006-01-02 15:04:05.999999999-07:00` in the
 * process's zone (trailing zeros of the fraction dropped, no fraction at all when it is zero).
 * `subMillisecondNanos` (0–999999) adds the digits a JS Date cannot hold; the Date read back is
 * the same instant truncated to the millisecond.
 */
export function goSqliteTime(instant: Date, offsetMinutes: number, subMillisecondNanos = 0): string {
  const shifted = new Date(instant.getTime() + offsetMinutes * MINUTE_MS);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const date = `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
  const time = `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}:${pad(shifted.getUTCSeconds())}`;
  const nanos = shifted.getUTCMilliseconds() * 1_000_000 + subMillisecondNanos;
  const fraction = nanos === 0 ? "" : `.${pad(nanos, 9).replace(/0+$/, "")}`;
  const sign = offsetMinutes < 0 ? "-" : "+";
  const offset = Math.abs(offsetMinutes);
  return `${date} ${time}${fraction}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

/** A Go *bool as the SQLite driver stores it in a `numeric` column. */
export function goBool(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

/** GORM's JSON serializer: a nil map or slice is NULL, anything else its JSON text. */
export function gormJson(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

