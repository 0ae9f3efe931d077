import { cleanup, render } from "@solidjs/testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tickLabel } from "../lib/dashboard.ts";
import { formatCompact, formatDuration } from "../lib/format.ts";
import { TimeChart } from "./chart.tsx";

/**
 * TimeChart with the real uPlot, drawing on a canvas that records its text: the axis labels a
 * user would read. x labels are drawn centred, y labels right-aligned.
 */
const HOUR = 3_600_000;
let drawn: { text: string; align: string }[] = [];
let width = 1200;

function recordingContext() {
  const state: Record<string | symbol, unknown> = { textAlign: "start" };
  return new Proxy(state, {
    get(target, name) {
      if (name === "fillText") return (text: string) => drawn.push({ text, align: String(target.textAlign) });
      if (name === "measureText") return (text: string) => ({ width: text.length * 6.5 });
      if (name in target) return target[name];
      return () => undefined;
    },
    set(target, name, value) {
      target[name] = value;
      return true;
    },
  });
}

beforeEach(() => {
  drawn = [];
  width = 1200;
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => recordingContext() as never);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockImplementation(() => width);
  vi.stubGlobal("ResizeObserver", class { observe() {} disconnect() {} });
  // happy-dom has no Path2D; uPlot builds its paths with one.
  vi.stubGlobal("Path2D", class { moveTo() {} lineTo() {} rect() {} arc() {} closePath() {} bezierCurveTo() {} quadraticCurveTo() {} addPath() {} });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Renders a chart like the dashboard's and returns the labels of each axis once uPlot drew. */
async function axisLabels(options: { from: number; buckets: number; bucketMs: number; values: number[]; yFormat: (value: number) => string }) {
  const x = Array.from({ length: options.buckets }, (_, index) => options.from + index * options.bucketMs);
  const y = [x.map((_, index) => options.values[index % options.values.length])];
  render(() => (
    <TimeChart
      ariaLabel="chart"
      x={x}
      y={y}
      series={[{ label: "requests", color: "#6366f1", kind: "bars" }]}
      xTickFormat={(ms) => tickLabel(ms, options.bucketMs, "en-US")}
      yFormat={options.yFormat}
      xPad={options.bucketMs / 2000}
    />
  ));
  await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    x: drawn.filter((call) => call.align === "center").map((call) => call.text),
    y: drawn.filter((call) => call.align === "right").map((call) => call.text),
  };
}

function distinct(labels: string[]) {
  expect(labels.length, "labels drawn").toBeGreaterThan(0);
  expect(labels).toEqual([...new Set(labels)]);
}

describe("TimeChart axes never repeat a label", () => {
  it("7 days of 6-hour buckets with one request: dates across, 0 and 1 up", async () => {
    const labels = await axisLabels({ from: new Date(2026, 5, 12).getTime(), buckets: 28, bucketMs: 6 * HOUR, values: [0, 0, 0, 1], yFormat: formatCompact });
    distinct(labels.x);
    distinct(labels.y);
    expect(labels.x).toEqual(["06/12", "06/13", "06/14", "06/15", "06/16", "06/17", "06/18"]);
    expect(labels.y).toEqual(["0", "1"]);
  });

  it("today's hours on a phone", async () => {
    width = 390;
    const labels = await axisLabels({ from: new Date(2026, 5, 12).getTime(), buckets: 24, bucketMs: HOUR, values: [3, 0, 7], yFormat: formatCompact });
    distinct(labels.x);
    distinct(labels.y);
  });

  it("30 days of day buckets, a million tokens", async () => {
    const labels = await axisLabels({ from: new Date(2026, 5, 1).getTime(), buckets: 30, bucketMs: 24 * HOUR, values: [1_000_000, 1_040_000], yFormat: formatCompact });
    distinct(labels.x);
    distinct(labels.y);
  });

  it("latencies of a few milliseconds", async () => {
    const labels = await axisLabels({ from: new Date(2026, 5, 12).getTime(), buckets: 24, bucketMs: HOUR, values: [2, 3], yFormat: formatDuration });
    distinct(labels.y);
  });

  it("sets the drawn labels on the chart for tests and tools", async () => {
    await axisLabels({ from: new Date(2026, 5, 12).getTime(), buckets: 28, bucketMs: 6 * HOUR, values: [0, 1], yFormat: formatCompact });
    const host = document.querySelector(".llmio-chart")!;
    expect(JSON.parse(host.getAttribute("data-y-ticks")!)).toEqual(["0", "1"]);
    expect(JSON.parse(host.getAttribute("data-x-ticks")!)).toHaveLength(7);
  });
});
