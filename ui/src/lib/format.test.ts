import { describe, expect, it } from "vitest";
import { formatBytes, formatCompact, formatCost, formatDuration, formatInteger, formatPercent, formatRelative, formatTime, maskSecret } from "./format.ts";

describe("formatters", () => {
  it("formats integers with grouping and dashes for missing values", () => {
    expect(formatInteger(1234567, "en-US")).toBe("1,234,567");
    expect(formatInteger(null)).toBe("—");
    expect(formatInteger(Number.NaN)).toBe("—");
  });

  it("compacts counts", () => {
    expect(formatCompact(0)).toBe("0");
    expect(formatCompact(950)).toBe("950");
    expect(formatCompact(1000)).toBe("1k");
    expect(formatCompact(12_345)).toBe("12.3k");
    expect(formatCompact(4_500_000)).toBe("4.5M");
    expect(formatCompact(250_000_000)).toBe("250M");
    expect(formatCompact(1_200_000_000)).toBe("1.2B");
    expect(formatCompact(-1500)).toBe("-1.5k");
    expect(formatCompact(undefined)).toBe("—");
  });

  it("formats ratios as percentages", () => {
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.9876)).toBe("98.8%");
    expect(formatPercent(0.5, 0)).toBe("50%");
    expect(formatPercent(0.25)).toBe("25%");
    expect(formatPercent(null)).toBe("—");
  });

  it("formats durations for people", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850.4)).toBe("850 ms");
    expect(formatDuration(1250)).toBe("1.25 s");
    expect(formatDuration(2000)).toBe("2 s");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(125_000)).toBe("2 min 5 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(3_780_000)).toBe("1 h 3 min");
    expect(formatDuration(null)).toBe("—");
  });

  it("formats costs with enough decimals", () => {
    expect(formatCost(0)).toBe("0");
    expect(formatCost(0.000123)).toBe("0.00012");
    expect(formatCost(0.5)).toBe("0.5");
    expect(formatCost(12.345)).toBe("12.35");
    expect(formatCost(1234.5)).toBe("1235");
  });

  it("shows only the time for today and the date otherwise", () => {
    const now = new Date(2026, 5, 12, 15, 0, 0).getTime();
    expect(formatTime(new Date(2026, 5, 12, 14, 3, 22).getTime(), now, "en-US")).toBe("14:03:22");
    expect(formatTime(new Date(2026, 5, 10, 9, 5).getTime(), now, "en-US")).toMatch(/06\/10.*09:05/);
    expect(formatTime(new Date(2025, 0, 2, 9, 5).getTime(), now, "en-US")).toMatch(/2025/);
  });

  it("formats relative times", () => {
    const now = 1_000_000_000;
    expect(formatRelative(now - 5000, now)).toBe("5 s ago");
    expect(formatRelative(now - 3 * 60_000, now)).toBe("3 min ago");
    expect(formatRelative(now - 2 * 3_600_000, now)).toBe("2 h ago");
    expect(formatRelative(now + 4 * 86_400_000, now)).toBe("in 4 d");
    expect(formatRelative(null, now)).toBe("—");
  });

  it("masks secrets", () => {
    expect(maskSecret("sk-llmio-abcdefghijklmnop")).toBe("sk-…mnop");
    expect(maskSecret("short")).toBe("•••••");
  });
});

describe("formatBytes", () => {
  it("says a size in the unit that reads best", () => {
    expect(formatBytes(900)).toBe("900 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(250 * 1024 * 1024)).toBe("250 MB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GB");
  });
});
