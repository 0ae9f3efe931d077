/**
 * Tick positions for the charts' axes, chosen so that no two labels on an axis read the same.
 * uPlot picks its steps by spacing alone, then our formatters round: a y axis up to 1 request
 * got "0 0 0 1 1 1" (steps of 0.2 printed as integers), a 7-day axis printed "12:00" under every
 * day. Here each axis walks its candidate steps from the finest up and takes the first whose
 * ticks fit the axis length and whose labels are all different.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Time steps (ms) an axis may use, finest first. */
const TIME_STEPS = [MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 7 * DAY, 14 * DAY, 28 * DAY];

/** Multipliers of the powers of ten a value axis may step by. */
const VALUE_MULTIPLIERS = [1, 2, 2.5, 5];

/** How much room a label needs: the axis length divided by this is the most ticks that fit. */
export interface TickRoom {
  /** Axis length in CSS pixels. */
  length: number;
  /** Pixels a tick needs besides its label (the gap to the next one). */
  gap: number;
  /** Pixels per label character along the axis (0 for a vertical axis, where labels stack). */
  perCharacter: number;
  /** Pixels per tick regardless of the label (a vertical axis: the line height and some air). */
  minimum: number;
}

/** Whether these labels fit on the axis: evenly spaced ticks, each as wide as the widest label. */
export function fits(labels: string[], room: TickRoom): boolean {
  const widest = labels.reduce((most, label) => Math.max(most, label.length), 0);
  const perTick = Math.max(room.minimum, widest * room.perCharacter + room.gap);
  return labels.length * perTick <= room.length;
}

/** The most ticks that could fit, with labels of no width. */
function mostTicks(room: TickRoom): number {
  return Math.floor(room.length / Math.max(room.minimum, room.gap, 1));
}

/** The first candidate (finest first) whose labels fit and are all different; [] when none is. */
export function pickTicks(candidates: Iterable<number[]>, format: (value: number) => string, room: TickRoom): number[] {
  for (const ticks of candidates) {
    if (ticks.length === 0) continue;
    // Far too many ticks cannot fit whatever their labels: skip formatting them.
    if (ticks.length > mostTicks(room)) continue;
    const labels = ticks.map(format);
    if (new Set(labels).size === labels.length && fits(labels, room)) return ticks;
  }
  return [];
}

/** Multiples of nice steps (1, 2, 2.5, 5 × 10^k) within [min, max], finest step first. */
export function* valueCandidates(min: number, max: number, most = Number.POSITIVE_INFINITY): Generator<number[]> {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) {
    yield [min];
    return;
  }
  // From a step that gives ~100 ticks up to one that gives a single tick.
  for (let power = Math.floor(Math.log10(span / 100)); power <= Math.ceil(Math.log10(span)); power++) {
    for (const multiplier of VALUE_MULTIPLIERS) {
      const step = multiplier * 10 ** power;
      if (span / step > most + 1) continue;
      const ticks: number[] = [];
      for (let index = Math.ceil(min / step - 1e-9); index * step <= max + step * 1e-9; index++) ticks.push(roundOff(index * step));
      yield ticks;
    }
  }
}

/** The ticks of a value axis over [min, max] whose labels all differ and fit. */
export function valueTicks(min: number, max: number, format: (value: number) => string, room: TickRoom): number[] {
  return pickTicks(valueCandidates(min, max, mostTicks(room)), format, room);
}

/**
 * Local-time ticks within [fromMs, toMs] for each step, finest first: steps under a day fall on
 * whole multiples of the step since local midnight (12:00, 18:00…), longer ones on local
 * midnights, every n-th from the first, so daylight-saving days never shift a day tick.
 */
export function* timeCandidates(fromMs: number, toMs: number, most = 2000): Generator<number[]> {
  if (!(toMs > fromMs)) return;
  for (const step of TIME_STEPS) {
    if ((toMs - fromMs) / step > most + 1) continue;
    yield step < DAY ? ticksWithinDay(fromMs, toMs, step) : dayTicks(fromMs, toMs, step / DAY);
    // A step longer than the range leaves one tick at most: coarser ones would add nothing.
    if (step > toMs - fromMs) return;
  }
}

/** The ticks of a time axis over [fromMs, toMs] whose labels all differ and fit. */
export function timeTicks(fromMs: number, toMs: number, format: (ms: number) => string, room: TickRoom): number[] {
  return pickTicks(timeCandidates(fromMs, toMs, mostTicks(room)), format, room);
}

function ticksWithinDay(fromMs: number, toMs: number, step: number): number[] {
  const ticks: number[] = [];
  const minuteStep = step / MINUTE;
  // Walk whole minutes (or hours for hour steps) from the first boundary; keep those on the step.
  const walk = step >= HOUR ? HOUR : MINUTE;
  const start = new Date(fromMs);
  start.setSeconds(0, 0);
  if (walk === HOUR) start.setMinutes(0);
  let at = start.getTime();
  while (at < fromMs) at += walk;
  for (; at <= toMs; at += walk) {
    const date = new Date(at);
    const minuteOfDay = date.getHours() * 60 + date.getMinutes();
    if (minuteOfDay % minuteStep === 0) ticks.push(at);
  }
  return ticks;
}

function dayTicks(fromMs: number, toMs: number, everyDays: number): number[] {
  const ticks: number[] = [];
  const day = new Date(fromMs);
  day.setHours(0, 0, 0, 0);
  if (day.getTime() < fromMs) day.setDate(day.getDate() + 1);
  for (let index = 0; day.getTime() <= toMs; index++, day.setDate(day.getDate() + 1)) {
    if (index % everyDays === 0) ticks.push(day.getTime());
  }
  return ticks;
}

/** 0.30000000000000004 → 0.3: a tick value as a person would write it. */
function roundOff(value: number): number {
  return Number.parseFloat(value.toPrecision(12));
}
