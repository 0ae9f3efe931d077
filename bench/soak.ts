/**
 * The memory soak: llmio alone under the mixed traffic of soak-mix.ts (streams, translated
 * calls, upstream errors, failover retries, client aborts) at a bounded concurrency, its RSS
 * sampled on a fixed grid. Growth is measured from the end of the warm-up (the first 2
 * minutes, or 20% of a shorter run) to the end, against the issue's ≤ 5 MB. Under load RSS
 * swings by several MB with the garbage collector, so both ends are the median of the samples
 * in a window (10% of the run, at least 3 samples): right after the warm-up, and at the end.
 */
import { countCalls, lastRowId } from "./log-rows.ts";
import { BUN, spawn } from "./proc.ts";
import { readMem } from "./rss.ts";
import { type SoakClientResult } from "./soak-client.ts";
import { expectedOutcome, SOAK_KINDS } from "./soak-mix.ts";
import { delta, fmt, markdownTable } from "./table.ts";
import { LLMIO_TOKEN, type LlmioTarget } from "./targets.ts";

export const SOAK_GROWTH_LIMIT_MB = 5;
const WARMUP_MAX_S = 120;
const WARMUP_SHARE = 0.2;
const WINDOW_SHARE = 0.1;
const WINDOW_MIN_SAMPLES = 3;

export interface SoakSample {
  atS: number;
  rssMb: number;
  /** Log rows (attempts) llmio wrote so far in the soak: cheap to read, unlike requests (grouped by trace). */
  rows: number;
}

export interface SoakResult {
  durationS: number;
  concurrency: number;
  samples: SoakSample[];
  startMb: number;
  warmupS: number;
  /** Seconds each median covers. */
  windowS: number;
  /** Median RSS of the window after the warm-up, and of the last window. */
  warmupMb: number;
  endMb: number;
  maxMb: number;
  /** Requests the client sent, and what llmio logged for them (requests, and attempt rows). */
  sent: number;
  logged: number;
  attemptRows: number;
  kinds: SoakClientResult["kinds"];
}

export async function runSoak(llmio: LlmioTarget, options: { durationS: number; concurrency: number; sampleEveryS: number }): Promise<SoakResult> {
  const { durationS, concurrency } = options;
  const warmupS = Math.min(WARMUP_MAX_S, Math.round(durationS * WARMUP_SHARE));
  const every = Math.min(options.sampleEveryS, Math.max(1, Math.floor(durationS / 10)));
  console.log(`\n▶ Soak: llmio alone, mixed traffic at concurrency ${concurrency} for ${fmt(durationS / 60)} min (RSS every ${every} s; warm-up ${warmupS} s)`);
  const afterId = lastRowId(llmio.dbPath);
  const startMb = readMem(llmio.pid)?.rssMb ?? Number.NaN;
  const samples: SoakSample[] = [];
  let maxMb = startMb;
  const windowS = Math.max(WINDOW_MIN_SAMPLES * every, Math.round(durationS * WINDOW_SHARE));
  const t0 = performance.now();
  const sample = (label = "") => {
    const atS = Math.round((performance.now() - t0) / 1000);
    const rssMb = readMem(llmio.pid)?.rssMb ?? Number.NaN;
    const rows = lastRowId(llmio.dbPath) - afterId;
    samples.push({ atS, rssMb, rows });
    console.log(`  ${String(atS).padStart(5)} s  RSS ${fmt(rssMb)} MB  log rows ${rows}${label}`);
    return rssMb;
  };
  // Peak between samples, read often (cheap: one /proc file).
  const peak = setInterval(() => {
    const mb = readMem(llmio.pid)?.rssMb ?? 0;
    if (mb > maxMb) maxMb = mb;
  }, 250);
  const grid = setInterval(() => sample(), every * 1000);

  const child = spawn([BUN, "bench/soak-client.ts", "--base", llmio.base, "--token", LLMIO_TOKEN, "--concurrency", String(concurrency), "--duration", String(durationS)], {
    output: "pipe",
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
  });
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  clearInterval(grid);
  if ((await child.exited) !== 0) throw new Error(`soak client failed: ${err || out}`);
  const client = JSON.parse(out) as SoakClientResult;
  sample("  (end of load)");
  clearInterval(peak);
  const endAt = samples.at(-1)?.atS ?? durationS;
  const warmupMb = median(samples.filter((x) => x.atS >= warmupS && x.atS <= warmupS + windowS).map((x) => x.rssMb));
  const endMb = median(samples.filter((x) => x.atS >= endAt - windowS).map((x) => x.rssMb));

  // Aborted streams are logged when llmio notices the client left: wait for the last rows.
  let logged = countCalls(llmio.dbPath, afterId);
  const lookUntil = Date.now() + 10_000;
  while (logged.calls !== client.sent && Date.now() < lookUntil) {
    await Bun.sleep(1000);
    logged = countCalls(llmio.dbPath, afterId);
  }
  return {
    durationS: client.durationS,
    concurrency,
    samples,
    startMb,
    warmupS,
    windowS,
    warmupMb,
    endMb,
    maxMb: Math.max(maxMb, ...samples.map((x) => x.rssMb)),
    sent: client.sent,
    logged: logged.calls,
    attemptRows: logged.rows,
    kinds: client.kinds,
  };
}

function median(values: number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** Requests that ended otherwise than their kind should (a chat that failed, an error that succeeded …). */
export function soakUnexpected(s: SoakResult): string[] {
  return SOAK_KINDS.flatMap((k) =>
    Object.entries(s.kinds[k.id]?.outcomes ?? {})
      .filter(([outcome]) => !expectedOutcome(k, outcome))
      .map(([outcome, n]) => `${k.id}: ${outcome} ×${n}`),
  );
}

export function soakGrowthMb(s: SoakResult): number {
  return s.endMb - s.warmupMb;
}

export function renderSoak(s: SoakResult): string {
  const rss = markdownTable(
    ["after s", "RSS MB", "log rows"],
    s.samples.map((x) => [String(x.atS), fmt(x.rssMb), String(x.rows)]),
  );
  const kinds = markdownTable(
    ["kind", "what", "sent", "outcomes"],
    SOAK_KINDS.map((k) => {
      const c = s.kinds[k.id] ?? { sent: 0, outcomes: {} };
      const outcomes = Object.entries(c.outcomes)
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${what} ×${n}`)
        .join(", ");
      return [k.id, k.what, String(c.sent), outcomes || "–"];
    }),
    ["l", "l", "r", "l"],
  );
  const growth = soakGrowthMb(s);
  const summary = markdownTable(
    ["RSS before MB", `after warm-up (median ${s.warmupS}–${s.warmupS + s.windowS} s) MB`, `end (median of the last ${s.windowS} s) MB`, "growth after warm-up MB", "max MB", "requests sent", "logged (attempt rows)", "req/s"],
    [[fmt(s.startMb), fmt(s.warmupMb), fmt(s.endMb), delta(growth), fmt(s.maxMb), String(s.sent), `${s.logged} (${s.attemptRows}) ${s.logged === s.sent ? "✓" : "✗"}`, fmt(s.sent / s.durationS)]],
  );
  const unexpected = soakUnexpected(s);
  const outcomes = unexpected.length ? `Unexpected outcomes: ${unexpected.join("; ")}.` : "Every request ended as its kind should.";
  return `${summary}\n\n${kinds}\n\n${outcomes}\n\n${rss}`;
}
