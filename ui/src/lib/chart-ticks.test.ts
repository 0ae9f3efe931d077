import { describe, expect, it } from "vitest";
import { fits, pickTicks, timeCandidates, timeTicks, valueTicks } from "./chart-ticks.ts";
import { tickLabel } from "./dashboard.ts";
import { formatCompact, formatDuration } from "./format.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const across = (length: number) => ({ length, perCharacter: 6.5, gap: 18, minimum: 0 });
const up = (length: number) => ({ length, perCharacter: 0, gap: 0, minimum: 30 });
const unique = (labels: string[]) => new Set(labels).size === labels.length;

describe("valueTicks", () => {
  it("an axis up to 1.1 requests reads 0 and 1, not 0 0 0 1 1 1", () => {
    expect(valueTicks(0, 1.1, formatCompact, up(208))).toEqual([0, 1]);
    expect(valueTicks(0, 2.2, formatCompact, up(208))).toEqual([0, 1, 2]);
  });

  it("steps by nice numbers and as finely as the height allows", () => {
    expect(valueTicks(0, 110, formatCompact, up(208))).toEqual([0, 20, 40, 60, 80, 100]);
    expect(valueTicks(0, 1.1, (value) => value.toFixed(1), up(208))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("never prints the same compact number twice (1.02M and 1.04M are both 1M)", () => {
    const ticks = valueTicks(1_000_000, 1_050_000, formatCompact, up(208));
    expect(unique(ticks.map(formatCompact))).toBe(true);
    expect(ticks.length).toBeGreaterThan(0);
  });

  it("durations of a few milliseconds", () => {
    const ticks = valueTicks(0, 3.3, formatDuration, up(208));
    expect(ticks.map(formatDuration)).toEqual(["0 ms", "1 ms", "2 ms", "3 ms"]);
  });

  it("writes ticks as a person would (no 0.30000000000000004)", () => {
    expect(valueTicks(0, 0.35, String, up(400))).toContain(0.3);
  });
});

describe("timeTicks", () => {
  const day = new Date(2026, 5, 12).getTime();

  it("7 days of 6-hour buckets: one date a day, no '12:00' under every day", () => {
    const format = (ms: number) => tickLabel(ms, 6 * HOUR, "en-US");
    const ticks = timeTicks(day - 3 * HOUR, day + 7 * DAY - 3 * HOUR, format, across(1100));
    expect(ticks.map(format)).toEqual(["06/12", "06/13", "06/14", "06/15", "06/16", "06/17", "06/18"]);
  });

  it("7 days on a phone: every other day", () => {
    const format = (ms: number) => tickLabel(ms, 6 * HOUR, "en-US");
    const labels = timeTicks(day - 3 * HOUR, day + 7 * DAY - 3 * HOUR, format, across(330)).map(format);
    expect(labels).toEqual(["06/12", "06/14", "06/16", "06/18"]);
  });

  it("today's hours: times on whole hours", () => {
    const format = (ms: number) => tickLabel(ms, HOUR, "en-US");
    const labels = timeTicks(day - HOUR / 2, day + DAY - HOUR / 2, format, across(1100)).map(format);
    expect(labels[0]).toBe("00:00");
    expect(unique(labels)).toBe(true);
    expect(labels.every((label) => label.endsWith(":00"))).toBe(true);
  });

  it("a 1-hour range labelled by day shows the day once", () => {
    const format = (ms: number) => new Date(ms).toLocaleDateString("en-US", { month: "2-digit", day: "2-digit" });
    const labels = timeTicks(day + 10 * HOUR, day + 11 * HOUR, format, across(800)).map(format);
    expect(labels).toEqual(["06/12"]);
  });

  it("a 1-hour range labelled by time gets minute ticks", () => {
    const format = (ms: number) => new Date(ms).toLocaleTimeString("en-US", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const labels = timeTicks(day + 10 * HOUR, day + 11 * HOUR, format, across(800)).map(format);
    expect(labels).toEqual(["10:00", "10:05", "10:10", "10:15", "10:20", "10:25", "10:30", "10:35", "10:40", "10:45", "10:50", "10:55", "11:00"]);
  });

  it("day steps fall on local midnights", () => {
    for (const ticks of timeCandidates(day, day + 10 * DAY)) {
      if (ticks.length > 1 && ticks[1] - ticks[0] >= DAY - HOUR) {
        for (const tick of ticks) expect(new Date(tick).getHours()).toBe(0);
      }
    }
  });
});

describe("pickTicks and fits", () => {
  it("labels must fit side by side", () => {
    expect(fits(["06/12", "06/13"], across(110))).toBe(true);
    expect(fits(["06/12", "06/13", "06/14"], across(110))).toBe(false);
  });

  it("takes nothing when no candidate is both distinct and small enough", () => {
    expect(pickTicks([[1, 2, 3]], () => "same", across(1000))).toEqual([]);
    expect(pickTicks([[1, 2, 3], [1, 3]], (value) => (value < 2 ? "a" : "b"), across(1000))).toEqual([1, 3]);
  });
});
