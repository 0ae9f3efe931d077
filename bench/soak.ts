/**
 * The memory soak: llmio alone under the mixed traffic of soak-mix.ts (streams, translated
 * calls, upstream errors, failover retries, client aborts) at a bounded concurrency, its RSS
 * sampled on a fixed grid. Growth is measured from the end of the warm-up (the first 2
 * minutes, or 20% of a shorter run) to the end, against the issue's ≤ 5 MB.
 */
import { countCalls, lastRowId } from "./log-rows.ts";
import { BUN, spawn } from "./proc.ts";
import { readMem } from "./rss.ts";
import { type SoakClientResult } from "./soak-client.ts";
import { SOAK_KINDS } from "./soak-mix.ts";
import { delta, fmt, markdownTable } from "./table.ts";
import { LLMIO_TOKEN, type LlmioTarget } from "./targets.ts";

export const SOAK_GROWTH_LIMIT_MB = 5;
const WARMUP_MAX_S = 120;
const WARMUP_SHARE = 0.2;

export interface SoakSample {
  atS: number;
  rssMb: number;
  /** Client requests llmio logged so far in the soak. */
  logged: number;
}

export interface SoakResult {
  durationS: number;
  concurrency: number;
  samples: SoakSample[];
  startMb: number;
  warmupS: number;
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
  let warmupMb = Number.NaN;
  const t0 = performance.now();
  const sample = (label = "") => {
    const atS = Math.round((performance.now() - t0) / 1000);
    const rssMb = readMem(llmio.pid)?.rssMb ?? Number.NaN;
    const logged = countCalls(llmio.dbPath, afterId).calls;
    samples.push({ atS, rssMb, logged });
    console.log(`  ${String(atS).padStart(5)} s  RSS ${fmt(rssMb)} MB  logged ${logged}${label}`);
    return rssMb;
  };
  // Peak between samples, read often (cheap: one /proc file).
  const peak = setInterval(() => {
    const mb = readMem(llmio.pid)?.rssMb ?? 0;
    if (mb > maxMb) maxMb = mb;
  }, 250);
  const grid = setInterval(() => sample(), every * 1000);
  const warm = setTimeout(() => {
    warmupMb = sample("  (end of warm-up)");
  }, warmupS * 1000);

  const child = spawn([BUN, "bench/soak-client.ts", "--base", llmio.base, "--token", LLMIO_TOKEN, "--concurrency", String(concurrency), "--duration", String(durationS)], {
    output: "pipe",
    env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
  });
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  clearInterval(grid);
  clearTimeout(warm);
  if ((await child.exited) !== 0) throw new Error(`soak client failed: ${err || out}`);
  const client = JSON.parse(out) as SoakClientResult;
  const endMb = sample("  (end of load)");
  clearInterval(peak);
  if (!Number.isFinite(warmupMb)) warmupMb = samples[0]?.rssMb ?? startMb;

  // Aborted streams are logged when llmio notices the client left: wait for the last rows.
  let logged = countCalls(llmio.dbPath, afterId);
  const lookUntil = Date.now() + 10_000;
  while (logged.calls !== client.sent && Date.now() < lookUntil) {
    await Bun.sleep(250);
    logged = countCalls(llmio.dbPath, afterId);
  }
  return {
    durationS: client.durationS,
    concurrency,
    samples,
    startMb,
    warmupS,
    warmupMb,
    endMb,
    maxMb: Math.max(maxMb, endMb),
    sent: client.sent,
    logged: logged.calls,
    attemptRows: logged.rows,
    kinds: client.kinds,
  };
}

export function soakGrowthMb(s: SoakResult): number {
  return s.endMb - s.warmupMb;
}

export function renderSoak(s: SoakResult): string {
  const rss = markdownTable(
    ["after s", "RSS MB", "requests logged"],
    s.samples.map((x) => [String(x.atS), fmt(x.rssMb), String(x.logged)]),
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
    ["RSS before MB", `after warm-up (${s.warmupS} s) MB`, "end MB", "growth after warm-up MB", "max MB", "requests sent", "logged (attempt rows)", "req/s"],
    [[fmt(s.startMb), fmt(s.warmupMb), fmt(s.endMb), delta(growth), fmt(s.maxMb), String(s.sent), `${s.logged} (${s.attemptRows}) ${s.logged === s.sent ? "✓" : "✗"}`, fmt(s.sent / s.durationS)]],
  );
  return `${summary}\n\n${kinds}\n\n${rss}`;
}
