/**
 * Results of the benchmark: per-run and aggregated numbers, the markdown tables, the
 * machine facts and the verdicts against the issue's targets.
 */
import { readFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { OpenStreamsResult } from "./open-streams.ts";
import { capture, ROOT } from "./proc.ts";
import { maxOf, mean, sum } from "./stats.ts";
import { delta, fmt, markdownTable, ratio } from "./table.ts";
import { cpuUsPerRequest, type PathScenarioResult, PATHS, passThroughOf, translatedRatio } from "./paths.ts";
import { SOAK_GROWTH_LIMIT_MB, type SoakResult, soakGrowthMb, soakUnexpected } from "./soak.ts";
import { PORTKEY_START, type TargetName, TARGETS } from "./targets.ts";
import { type TracingResult, tracingFailures, tracingRows, tracingVerdicts } from "./tracing.ts";
import { type TranslationCacheResult, translationCacheRows, translationCacheVerdicts } from "./translation-cache.ts";

export const SCENARIO_IDS = ["chat-c1", "chat-c32", "chat-c256", "stream", "paths-c32", "paths-stream", "burst", "open-streams", "translation-cache", "tracing", "soak"] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Lat {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface RunResult {
  target: TargetName;
  round: number;
  durationS: number;
  rps: number;
  sent: number;
  completed: number;
  failures: number;
  failureDetail: string;
  latency: Lat;
  ttfb?: Lat;
  ttft?: Lat;
  frames?: string;
  /** Text chunks per successful stream (fewest–most). */
  chunks?: string;
  rssPeakMb: number;
  /** % of one core: the target, the fake upstream, the load generator, everything else on the machine. */
  cpu: { target: number; fake: number; load: number; other: number };
  rows?: number;
  open?: OpenStreamsResult;
  idleRssMb?: number;
  /** How often this run was repeated because other programs disturbed it (the last measurement is kept). */
  repeats?: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  setup: string;
  kind: "wrk" | "stream" | "open";
  runs: RunResult[];
  agg: Record<TargetName, Agg>;
}

export interface Agg {
  rps: number;
  latency: Lat;
  ttfb?: Lat;
  ttft?: Lat;
  failures: number;
  failureDetail: string;
  sent: number;
  completed: number;
  rows?: number;
  rssPeakMb: number;
  /** % of one core: the target, the fake upstream, the load generator, everything else on the machine. */
  cpu: { target: number; fake: number; load: number; other: number };
  frames?: string;
  chunks?: string;
  open?: OpenStreamsResult;
}

export function aggregate(runs: RunResult[]): Agg {
  const lat = (pick: (r: RunResult) => Lat | undefined): Lat | undefined => {
    const xs = runs.map(pick).filter((x): x is Lat => x !== undefined);
    if (xs.length === 0) return undefined;
    return { p50: mean(xs.map((x) => x.p50)), p90: mean(xs.map((x) => x.p90)), p99: mean(xs.map((x) => x.p99)), max: maxOf(xs.map((x) => x.max)) };
  };
  const rowsList = runs.map((r) => r.rows).filter((x): x is number => x !== undefined);
  return {
    rps: mean(runs.map((r) => r.rps)),
    latency: lat((r) => r.latency)!,
    ttfb: lat((r) => r.ttfb),
    ttft: lat((r) => r.ttft),
    failures: sum(runs.map((r) => r.failures)),
    failureDetail: [...new Set(runs.map((r) => r.failureDetail).filter(Boolean))].join(" | "),
    sent: sum(runs.map((r) => r.sent)),
    completed: sum(runs.map((r) => r.completed)),
    rows: rowsList.length ? sum(rowsList) : undefined,
    rssPeakMb: maxOf(runs.map((r) => r.rssPeakMb)),
    cpu: {
      target: mean(runs.map((r) => r.cpu.target)),
      fake: mean(runs.map((r) => r.cpu.fake)),
      load: mean(runs.map((r) => r.cpu.load)),
      other: mean(runs.map((r) => r.cpu.other)),
    },
    frames: [...new Set(runs.map((r) => r.frames).filter(Boolean))].join(", ") || undefined,
    chunks: [...new Set(runs.map((r) => r.chunks).filter(Boolean))].join(", ") || undefined,
    open: runs.find((r) => r.open)?.open,
  };
}

export function rowsCell(a: Agg): string {
  if (a.rows === undefined) return "–";
  return a.rows === a.sent ? `${a.rows} = ${a.sent} ✓` : `${a.rows} ≠ ${a.sent} ✗`;
}

export function renderScenario(s: ScenarioResult): string {
  const d = s.agg.direct;
  const p = s.agg.portkey;
  if (s.kind === "wrk") {
    const rows = TARGETS.map((name) => {
      const a = s.agg[name];
      const self = name === "direct";
      const cpuUs = (a.cpu.target / 100 / a.rps) * 1e6;
      return [
        name,
        fmt(a.rps),
        fmt(a.latency.p50),
        fmt(a.latency.p90),
        fmt(a.latency.p99),
        fmt(a.latency.max),
        self ? "–" : delta(a.latency.p50 - d.latency.p50),
        self ? "–" : delta(a.latency.p99 - d.latency.p99),
        self ? "1.00×" : ratio(a.rps / d.rps),
        name === "portkey" ? "1.00×" : ratio(a.rps / p.rps),
        String(a.failures),
        fmt(a.rssPeakMb),
        `${fmt(a.cpu.target)} / ${self ? "=" : fmt(a.cpu.fake)} / ${fmt(a.cpu.load)}`,
        fmt(cpuUs),
        rowsCell(a),
      ];
    });
    return markdownTable(
      ["target", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "+p50 ms", "+p99 ms", "vs direct", "vs Portkey", "failures", "RSS peak MB", "CPU % target/fake/wrk", "CPU µs/req", "log rows = sent"],
      rows,
    );
  }
  if (s.kind === "stream") {
    const rows = TARGETS.map((name) => {
      const a = s.agg[name];
      const self = name === "direct";
      return [
        name,
        fmt(a.rps),
        fmt(a.ttfb!.p50),
        fmt(a.ttft!.p50),
        fmt(a.ttft!.p99),
        fmt(a.latency.p50),
        fmt(a.latency.p99),
        fmt(a.latency.max),
        self ? "–" : delta(a.ttft!.p50 - d.ttft!.p50),
        self ? "–" : delta(a.latency.p50 - d.latency.p50),
        self ? "–" : delta(a.latency.p99 - d.latency.p99),
        name === "portkey" ? "1.00×" : ratio(a.rps / p.rps),
        String(a.failures),
        a.frames ?? "–",
        fmt(a.rssPeakMb),
        `${fmt(a.cpu.target)} / ${self ? "=" : fmt(a.cpu.fake)} / ${fmt(a.cpu.load)}`,
        rowsCell(a),
      ];
    });
    return markdownTable(
      ["target", "streams/s", "TTFB p50", "TTFT p50", "TTFT p99", "total p50", "total p99", "total max", "+TTFT p50", "+total p50", "+total p99", "vs Portkey", "failures", "SSE frames", "RSS peak MB", "CPU % target/fake/client", "log rows = sent"],
      rows,
    );
  }
  const rows = TARGETS.map((name) => {
    const a = s.agg[name];
    const o = a.open!;
    const idle = s.runs.find((r) => r.target === name)?.idleRssMb ?? Number.NaN;
    // Every client stream holds a connection (and a pending request) in the target, open upstream or not.
    const kbPerStream = ((a.rssPeakMb - idle) * 1024) / Math.max(1, o.requested);
    return [
      name,
      `${o.requested}`,
      `${o.peakOpen}`,
      fmt(o.peakAtS),
      `${o.ok}`,
      `${o.failed}`,
      `${o.unfinished} (${o.neverStarted})`,
      fmt(a.ttfb!.p50),
      fmt(a.ttfb!.p99),
      fmt(a.ttfb!.max),
      fmt(a.latency.p50 / 1000),
      `${fmt(idle)} → ${fmt(a.rssPeakMb)}`,
      fmt(kbPerStream),
      `${fmt(a.cpu.target)} / ${name === "direct" ? "=" : fmt(a.cpu.fake)} / ${fmt(a.cpu.load)}`,
      rowsCell(a),
    ];
  });
  return markdownTable(
    ["target", "streams", "peak open", "peak at s", "ok", "failed", "unfinished (no 1st byte)", "TTFB p50 ms", "TTFB p99 ms", "TTFB max ms", "total p50 s", "RSS before → peak MB", "KB per stream", "CPU % target/fake/client", "log rows = sent"],
    rows,
  );
}

export interface Facts {
  lines: string[];
}

export function machineFacts(wrkVersionText: string, fetchMax: number | undefined): Facts {
  const cpuModel = cpus()[0]?.model ?? "unknown";
  const nofile = /Max open files\s+(\d+)\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"));
  const portkeyVersion = JSON.parse(readFileSync(join(ROOT, "bench/node_modules/@portkey-ai/gateway/package.json"), "utf8")).version;
  const commit = capture(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]);
  const dirty = capture(["git", "-C", ROOT, "status", "--porcelain", "server"]) !== "" ? " (+ uncommitted changes in server/)" : "";
  return {
    lines: [
      `- date: ${new Date().toISOString()}`,
      `- machine: ${cpus().length} CPUs (nproc ${capture(["nproc"])}), ${cpuModel}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${capture(["uname", "-r"])}`,
      `- open-file limit (RLIMIT_NOFILE soft/hard): ${nofile ? `${nofile[1]}/${nofile[2]}` : "?"}`,
      `- Bun ${Bun.version} (${Bun.revision.slice(0, 9)}) for all three targets and the stream clients`,
      `- llmio: git ${commit}${dirty}; SQLite request logging on (WAL, database in ${tmpdir()} on ${capture(["sh", "-c", `df -T ${tmpdir()} | awk 'NR==2{print $2}'`]) || "?"})`,
      `- Portkey gateway: @portkey-ai/gateway ${portkeyVersion} (\`bun ${PORTKEY_START.replace(`${ROOT}/`, "")} --headless\`)`,
      `- load generator: wrk ${wrkVersionText} (non-stream scenarios; 2 threads, Lua POST script); streams: bench/stream-client.ts and bench/open-streams.ts on Bun (fetch)`,
      `- gateways' BUN_CONFIG_MAX_HTTP_REQUESTS: ${fetchMax ?? "unset (llmio raises it to 65535 itself; Portkey keeps Bun's default of 256 concurrent outgoing fetches)"}`,
      `- all processes share the same ${cpus().length} cores: load generator, gateway and fake upstream compete for CPU`,
    ],
  };
}

export interface Verdict {
  text: string;
  met: boolean | undefined;
}

/** The issue's targets (issue 17, "Performance, round two"). */
export const GOALS = {
  c32CpuUsPerRequest: 55,
  c32VsDirect: 0.4,
  c32VsPortkey: 3,
  c1AddedP50Ms: 0.2,
  c1AddedP99Ms: 1.5,
  translatedStreamCpuRatio: 1.5,
  idleRssMb: 55,
  kbPerHeldStream: 30,
} as const;

export interface VerdictInputs {
  results: ScenarioResult[];
  paths: PathScenarioResult[];
  /** Idle RSS before load (configured, one request each). */
  idle: Record<TargetName, number>;
  /** What ran as llmio: the built binary or the sources. */
  llmioProgram: "binary" | "sources";
  soak?: SoakResult;
  translationCache?: TranslationCacheResult;
  tracing?: TracingResult;
}

export function verdicts({ results, paths, idle, llmioProgram, soak, translationCache, tracing }: VerdictInputs): Verdict[] {
  const out: Verdict[] = [];
  const get = (id: ScenarioId) => results.find((r) => r.id === id);
  const c32 = get("chat-c32");
  if (c32) {
    const l = c32.agg.llmio;
    const cpuUs = (l.cpu.target / 100 / l.rps) * 1e6;
    const vsPortkey = l.rps / c32.agg.portkey.rps;
    const vsDirect = l.rps / c32.agg.direct.rps;
    const suspect = noisy(c32, (x) => x.p50);
    const note = suspect ? ` — NOISY: ${suspect}` : "";
    const met = (ok: boolean) => (suspect ? undefined : ok);
    out.push({ text: `gateway CPU ≤ ${GOALS.c32CpuUsPerRequest} µs per request (chat-c32, pass-through): ${fmt(cpuUs)} µs (${fmt(l.cpu.target)}% of a core at ${fmt(l.rps)} req/s)${note}`, met: met(cpuUs <= GOALS.c32CpuUsPerRequest) });
    out.push({ text: `throughput ≥ ${GOALS.c32VsDirect * 100}% of direct (chat-c32): ${(vsDirect * 100).toFixed(0)}% (${fmt(l.rps)} vs ${fmt(c32.agg.direct.rps)} req/s)${note}`, met: met(vsDirect >= GOALS.c32VsDirect) });
    out.push({ text: `throughput ≥ ${GOALS.c32VsPortkey}× Portkey (chat-c32): ${ratio(vsPortkey)} (${fmt(l.rps)} vs ${fmt(c32.agg.portkey.rps)} req/s)${note}`, met: met(vsPortkey >= GOALS.c32VsPortkey) });
  }
  const c1 = get("chat-c1");
  if (c1) {
    // Paired per round (llmio round r minus direct round r), so each round's drift cancels.
    const paired = (pick: (l: Lat) => number) =>
      c1.runs
        .filter((r) => r.target === "llmio")
        .map((l) => {
          const d = c1.runs.find((r) => r.target === "direct" && r.round === l.round);
          return d ? pick(l.latency) - pick(d.latency) : Number.NaN;
        });
    for (const [label, pick, limit] of [
      ["p50", (l: Lat) => l.p50, GOALS.c1AddedP50Ms],
      ["p99", (l: Lat) => l.p99, GOALS.c1AddedP99Ms],
    ] as const) {
      const added = pick(c1.agg.llmio.latency) - pick(c1.agg.direct.latency);
      const rounds = paired(pick);
      const suspect = noisy(c1, pick);
      out.push({
        text: `added latency ${label} ≤ ${limit} ms (chat, concurrency 1): ${fmt(added)} ms${rounds.length > 1 ? ` (per round: ${rounds.map((x) => fmt(x)).join(", ")})` : ""}${suspect ? ` — NOISY: ${suspect}` : ""}`,
        met: suspect ? undefined : added <= limit,
      });
    }
  }
  for (const s of paths) {
    const translated = PATHS.filter((p) => p.what === "translated");
    const busy = s.runs.filter((r) => r.cpu.other > OTHER_CPU_WARN);
    const note = busy.length ? ` — NOISY: other processes used up to ${fmt(maxOf(busy.map((r) => r.cpu.other)))}% CPU during ${busy.length} run(s)` : "";
    const parts = translated.map((p) => `${p.id} ${ratio(translatedRatio(s, p))} (${fmt(cpuUsPerRequest(s.agg[p.id]))} vs ${fmt(cpuUsPerRequest(s.agg[passThroughOf(p).id]))} µs)`);
    const worst = Math.max(...translated.map((p) => translatedRatio(s, p)));
    if (s.kind === "stream") {
      out.push({ text: `translated stream ≤ ${GOALS.translatedStreamCpuRatio}× the CPU of a passed-through one (paths-stream, same client protocol): ${parts.join(", ")}${note}`, met: note ? undefined : worst <= GOALS.translatedStreamCpuRatio });
    } else {
      // No goal of its own in the issue: reported for comparison.
      out.push({ text: `(information) translated ÷ pass-through CPU per request, non-stream (paths-c32): ${parts.join(", ")}${note}`, met: undefined });
    }
  }
  if (Number.isFinite(idle.llmio)) {
    const binary = llmioProgram === "binary";
    out.push({
      text: `idle RSS of the binary ≤ ${GOALS.idleRssMb} MB (llmio, configured, before load): ${fmt(idle.llmio)} MB${binary ? " (dist/llmio)" : " — measured on the sources under Bun (dist/llmio not built: run `bun run build`), not the binary"}`,
      met: binary ? idle.llmio <= GOALS.idleRssMb : undefined,
    });
  }
  const open = get("open-streams");
  if (open) {
    const run = open.runs.find((r) => r.target === "llmio");
    // Every requested stream holds a connection (and a pending request) in llmio, first byte or not.
    const held = open.agg.llmio.open?.requested ?? 0;
    const idleMb = run?.idleRssMb ?? Number.NaN;
    const kb = ((open.agg.llmio.rssPeakMb - idleMb) * 1024) / Math.max(1, held);
    out.push({
      text: `≤ ${GOALS.kbPerHeldStream} KB per held stream (llmio, open-streams): ${fmt(kb)} KB = (peak ${fmt(open.agg.llmio.rssPeakMb)} − idle ${fmt(idleMb)} MB) ÷ ${held} streams${held < 10_000 ? ` (fewer than the issue's 10,000)` : ""}`,
      // A few hundred streams are within the noise of RSS itself.
      met: held >= 1000 ? kb <= GOALS.kbPerHeldStream : undefined,
    });
  }
  if (soak) {
    const growth = soakGrowthMb(soak);
    out.push({
      text: `soak of mixed traffic grows ≤ ${SOAK_GROWTH_LIMIT_MB} MB after warm-up (${fmt(soak.durationS / 60)} min${soak.durationS < 1800 ? ", shorter than the issue's 30" : ""}): ${delta(growth)} MB (${fmt(soak.warmupMb)} → ${fmt(soak.endMb)} MB, max ${fmt(soak.maxMb)} MB)`,
      met: growth <= SOAK_GROWTH_LIMIT_MB,
    });
    const unexpected = soakUnexpected(soak);
    out.push({ text: `soak: every request ends as its kind should (ok, error, aborted): ${unexpected.length ? unexpected.join("; ") : "all did"}`, met: unexpected.length === 0 });
  }
  if (translationCache) out.push(...translationCacheVerdicts(translationCache));
  if (tracing) out.push(...tracingVerdicts(tracing));
  const rowChecks = [...results, ...paths].map((r) => ({ id: r.id, rows: llmioRows(r).rows, sent: llmioRows(r).sent }));
  if (soak) rowChecks.push({ id: "soak", rows: soak.logged, sent: soak.sent });
  if (translationCache) rowChecks.push({ id: "translation-cache", ...translationCacheRows(translationCache) });
  if (tracing) rowChecks.push({ id: "tracing", ...tracingRows(tracing) });
  const bad = rowChecks.filter((c) => c.rows !== c.sent);
  out.push({
    text: `log rows written = requests sent (llmio${soak ? "; soak: requests logged, attempts of a failover share one request" : ""}): ${bad.length === 0 ? "equal in every scenario" : bad.map((c) => `${c.id}: ${c.rows} for ${c.sent} sent (${delta(c.rows - c.sent)})`).join("; ")}`,
    met: bad.length === 0,
  });
  const failing = [
    ...results.filter((r) => r.agg.llmio.failures > 0).map((r) => `${r.id}: ${r.agg.llmio.failures} (${r.agg.llmio.failureDetail})`),
    ...paths.flatMap((s) => PATHS.filter((p) => s.agg[p.id].failures > 0).map((p) => `${s.id} ${p.id}: ${s.agg[p.id].failures} (${s.agg[p.id].failureDetail})`)),
    ...(tracing ? tracingFailures(tracing) : []),
  ];
  out.push({ text: `no failed requests (every scenario but the soak, whose errors are on purpose): ${failing.length === 0 ? "none failed" : failing.join("; ")}`, met: failing.length === 0 });
  return out;
}

/** llmio's log rows and sent requests in a scenario (all llmio paths together for the path scenarios). */
function llmioRows(r: ScenarioResult | PathScenarioResult): { rows: number; sent: number } {
  if ("path" in (r.runs[0] ?? {})) {
    const gateway = (r as PathScenarioResult).runs.filter((x) => x.target === "llmio");
    return { rows: sum(gateway.map((x) => x.rows ?? 0)), sent: sum(gateway.map((x) => x.sent)) };
  }
  const a = (r as ScenarioResult).agg.llmio;
  return { rows: a.rows ?? 0, sent: a.sent };
}

/** Other programs busy during a run, or one target's rounds far apart: says why, else undefined. */
function noisy(s: ScenarioResult, pick: (l: Lat) => number): string | undefined {
  const reasons: string[] = [];
  const busy = s.runs.filter((r) => r.cpu.other > OTHER_CPU_WARN);
  if (busy.length) reasons.push(`other processes used up to ${fmt(maxOf(busy.map((r) => r.cpu.other)))}% CPU during ${busy.length} run(s)`);
  for (const name of TARGETS) {
    const values = s.runs.filter((r) => r.target === name).map((r) => pick(r.latency));
    if (values.length > 1 && Math.max(...values) > 3 * Math.min(...values)) reasons.push(`${name}'s rounds differ more than 3× (${values.map((v) => fmt(v)).join(" vs ")} ms)`);
  }
  return reasons.length ? reasons.join("; ") : undefined;
}

/** Runs where the rest of the machine used more than this (% of one core) are flagged. */
export const OTHER_CPU_WARN = 30;

export function renderVerdicts(list: Verdict[]): string {
  return list.map((v) => `- ${v.met === undefined ? "INCONCLUSIVE" : v.met ? "MET" : "NOT MET"} — ${v.text}`).join("\n");
}

export function failureNotes(r: ScenarioResult): string[] {
  return TARGETS.filter((name) => r.agg[name].failures > 0).map((name) => `Failures (${name}): ${r.agg[name].failureDetail}`);
}
