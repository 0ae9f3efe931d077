import { createEffect, on, onCleanup, onMount, Show } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { timeTicks, type TickRoom, valueTicks } from "../lib/chart-ticks.ts";
import { t } from "../lib/i18n/index.ts";
import { isDark } from "../lib/theme.ts";

export interface ChartSeries {
  label: string;
  /** Line / bar colour (any CSS colour). */
  color: string;
  kind?: "line" | "area" | "bars";
  /** Formats this series' values in the legend. */
  format?: (value: number) => string;
  dash?: number[];
}

export interface TimeChartProps {
  /** Bucket start times, epoch ms, ascending. */
  x: number[];
  /** One array per series, aligned with x; null = no value (a gap). */
  y: (number | null)[][];
  series: ChartSeries[];
  /** Formats y-axis ticks. */
  yFormat?: (value: number) => string;
  /** Formats the hovered time (and the ticks, without `xTickFormat`). */
  xFormat?: (ms: number) => string;
  /** Formats x-axis ticks. */
  xTickFormat?: (ms: number) => string;
  height?: number;
  /** Seconds added on both sides of the x range (half a bucket, so edge bars show whole). */
  xPad?: number;
  /** Accessible summary of what the chart shows. */
  ariaLabel: string;
}

const FONT = "11px ui-sans-serif, system-ui, sans-serif";
/** Room an 11 px label needs: ~6.5 px a character plus a gap across; a line and some air up. */
const X_ROOM: Omit<TickRoom, "length"> = { perCharacter: 6.5, gap: 18, minimum: 0 };
const Y_ROOM: Omit<TickRoom, "length"> = { perCharacter: 0, gap: 0, minimum: 30 };

/** The plot area's size in CSS pixels (uPlot's bbox is in canvas pixels). */
const cssPixels = (canvasPixels: number) => canvasPixels / (globalThis.devicePixelRatio || 1);

/**
 * A uPlot time chart sized to its container (ResizeObserver), redrawn with the theme's
 * colours when dark mode changes, and fed new data without being rebuilt.
 */
export function TimeChart(props: TimeChartProps) {
  let host: HTMLDivElement | undefined;
  let plot: uPlot | undefined;
  const height = () => props.height ?? 220;

  const data = (): uPlot.AlignedData => [props.x.map((ms) => ms / 1000), ...props.y] as uPlot.AlignedData;
  const empty = () => props.x.length === 0 || props.y.every((values) => values.every((value) => value === null || value === 0));

  const build = () => {
    plot?.destroy();
    if (!host) return;
    const dark = isDark();
    const axisColor = dark ? "#a1a1aa" : "#71717a";
    const gridColor = dark ? "rgba(255,255,255,0.07)" : "rgba(0,0,0,0.06)";
    const xFormat = props.xFormat ?? ((ms: number) => new Date(ms).toLocaleString());
    // Read at call time: the range (and so the formats) can change without a rebuild.
    const xTickFormat = (ms: number) => (props.xTickFormat ?? xFormat)(ms);
    const yFormat = (value: number) => (props.yFormat ?? String)(value);
    // The labels drawn, on the host for tests and tools (the canvas itself has no text).
    const drawn = (axis: "x" | "y", labels: string[]) => {
      host?.setAttribute(`data-${axis}-ticks`, JSON.stringify(labels));
      return labels;
    };
    const bars = uPlot.paths.bars!({ size: [0.7, 28], gap: 1 });
    const options: uPlot.Options = {
      width: Math.max(host.clientWidth, 200),
      height: height(),
      padding: [12, 8, 0, 0],
      cursor: { points: { size: 7 }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true, range: (_u, min, max) => [min - (props.xPad ?? 0), max + (props.xPad ?? 0)] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          stroke: axisColor,
          grid: { show: false },
          ticks: { stroke: gridColor, size: 4 },
          // Our own ticks: uPlot's steps ignore what the labels say, so they could repeat.
          splits: (u, _axis, min, max) => timeTicks(min * 1000, max * 1000, xTickFormat, { ...X_ROOM, length: cssPixels(u.bbox.width) }).map((ms) => ms / 1000),
          values: (_u, splits) => drawn("x", splits.map((seconds) => xTickFormat(seconds * 1000))),
          font: FONT,
          space: 60,
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { show: false },
          splits: (u, _axis, min, max) => valueTicks(min, max, yFormat, { ...Y_ROOM, length: cssPixels(u.bbox.height) }),
          values: (_u, splits) => drawn("y", splits.map(yFormat)),
          font: FONT,
          size: 52,
          space: 36,
        },
      ],
      series: [
        { label: t("chart.time"), value: (_u, seconds) => (seconds === null ? "—" : xFormat(seconds * 1000)) },
        ...props.series.map<uPlot.Series>((series) => ({
          label: series.label,
          stroke: series.color,
          width: series.kind === "bars" ? 0 : 2,
          fill: series.kind === "bars" ? series.color : series.kind === "area" ? `${series.color}22` : undefined,
          paths: series.kind === "bars" ? bars : undefined,
          // Points make lone values (a single busy bucket between gaps) visible.
          points: { show: series.kind !== "bars", size: 5, fill: series.color },
          dash: series.dash,
          spanGaps: false,
          value: (_u, value) => (value === null || value === undefined ? "—" : series.format ? series.format(value) : String(value)),
        })),
      ],
    };
    plot = new uPlot(options, data(), host);
  };

  onMount(() => {
    build();
    const observer = new ResizeObserver(() => {
      if (plot && host && host.clientWidth > 0 && Math.abs(plot.width - host.clientWidth) > 1) {
        plot.setSize({ width: host.clientWidth, height: height() });
      }
    });
    observer.observe(host!);
    onCleanup(() => observer.disconnect());
  });

  // Colours and labels are baked into uPlot's options: rebuild on theme or series change.
  createEffect(on([isDark, () => t("chart.time"), () => props.series.map((series) => series.label).join("|")], () => build(), { defer: true }));
  createEffect(on(data, (next) => plot?.setData(next), { defer: true }));
  onCleanup(() => plot?.destroy());

  return (
    <div class="relative" role="img" aria-label={props.ariaLabel}>
      <div ref={host} class="llmio-chart w-full" style={{ "min-height": `${height() + 28}px` }} />
      <Show when={empty()}>
        <div class="pointer-events-none absolute inset-x-0 top-0 flex items-center justify-center" style={{ height: `${height()}px` }}>
          <span class="rounded-md bg-white/85 px-2.5 py-1 text-xs muted shadow-sm dark:bg-zinc-900/85">{t("dashboard.noDataRange")}</span>
        </div>
      </Show>
    </div>
  );
}
