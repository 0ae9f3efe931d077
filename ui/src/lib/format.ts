import { locale, localeTag, t } from "./i18n/index.ts";

/** 1234 → "1,234"; null → "—". */
export function formatInteger(value: number | null | undefined, tag = localeTag(locale())): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return Math.round(value).toLocaleString(tag);
}

/** Short counts: 950, 12.3k, 4.5M, 1.2B. */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const scaled = abs / size;
      return `${sign}${scaled >= 100 ? Math.round(scaled) : trimZeros(scaled.toFixed(1))}${suffix}`;
    }
  }
  return `${sign}${Math.round(abs)}`;
}

/** 0.9876 → "98.8%"; 1 → "100%". */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  const percent = ratio * 100;
  if (percent === 100 || percent === 0) return `${percent}%`;
  return `${trimZeros(percent.toFixed(digits))}%`;
}

/** "1.5 MB": a size in bytes for people (files, the response cache). */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Milliseconds for people: "850 ms", "1.25 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${trimZeros((ms / 1000).toFixed(2))} s`;
  if (ms < 60_000) return `${trimZeros((ms / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** Cost in the prices' currency: more decimals for small amounts. */
export function formatCost(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : abs >= 0.01 ? 3 : 5;
  return trimZeros(value.toFixed(digits));
}

/** "14:03:22" today, "06-12 14:03" this year, else the date. */
export function formatTime(at: number | null | undefined, now = Date.now(), tag = localeTag(locale())): string {
  if (!at) return "—";
  const date = new Date(at);
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  if (sameDay) return date.toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const sameYear = date.getFullYear() === today.getFullYear();
  return date.toLocaleString(tag, {
    year: sameYear ? undefined : "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
}

/** Full local date and time with seconds. */
export function formatDateTime(at: number | null | undefined, tag = localeTag(locale())): string {
  if (!at) return "—";
  return new Date(at).toLocaleString(tag, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
}

/** "5 s ago", "3 min ago", "2 h ago", "4 d ago"; future times read "in …". */
export function formatRelative(at: number | null | undefined, now = Date.now()): string {
  if (!at) return "—";
  const seconds = Math.round((now - at) / 1000);
  const abs = Math.abs(seconds);
  const span =
    abs < 60
      ? t("time.seconds", { n: abs })
      : abs < 3600
        ? t("time.minutes", { n: Math.floor(abs / 60) })
        : abs < 86_400
          ? t("time.hours", { n: Math.floor(abs / 3600) })
          : t("time.days", { n: Math.floor(abs / 86_400) });
  return seconds >= 0 ? t("time.ago", { span }) : t("time.in", { span });
}

/** `sk-…abcd` style: the first 3 and last 4 characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 10) return "•".repeat(Math.max(secret.length, 4));
  return `${secret.slice(0, 3)}…${secret.slice(-4)}`;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
