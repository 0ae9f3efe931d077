/**
 * The `tracing` scenario (issue 19): llmio with OpenTelemetry tracing off and llmio with it on,
 * two processes of the same build side by side, alternated in one run, under the same load
 * against the same fake upstream. Optionally a third: llmio from a checkout of a commit before
 * tracing existed (`--tracing-baseline DIR`), which the "off" instance must not differ from.
 *
 *   - Tracing on: `OTEL_EXPORTER_OTLP_ENDPOINT` points at bench/otlp-sink.ts on loopback (OTLP/HTTP
 *     protobuf, answers 200 at once), `OTEL_TRACES_SAMPLER=always_on`, the SDK's batch defaults.
 *     Every request makes a SERVER span and a CLIENT span (one attempt each): 2 spans per request.
 *   - Tracing off: no OTEL_* variable at all (the bench's own environment is masked).
 *   - Loads: pass-through non-stream chat with wrk at concurrency 32 (like chat-c32), and 32
 *     concurrent streams of 50 chunks (like stream).
 *   - CPU per request: the llmio process's CPU time (from /proc) from the start of the load until
 *     every request has its log row and, tracing on, the sink has stopped receiving spans, over
 *     the requests answered: the batched exports after the load are the traced requests' cost too.
 */
import { join } from "node:path";
import { countRows, countTracedRows, lastRowId } from "./log-rows.ts";
import { BUN, freePort, spawn, stop } from "./proc.ts";
import { OTHER_CPU_WARN, type Verdict } from "./report.ts";
import type { SinkStats } from "./otlp-sink.ts";
import { cpuSeconds, ProcSampler } from "./rss.ts";
import { mean, sum } from "./stats.ts";
import type { StreamClientResult } from "./stream-client.ts";
import { delta, fmt, markdownTable, ratio } from "./table.ts";
import { type BenchModel, LLMIO_TOKEN, type LlmioTarget, startLlmio, stopTarget, type Target } from "./targets.ts";
import { runWrk, writeScript } from "./wrk.ts";

export type TracingMode = "tracing off" | "tracing on" | "before tracing";
export type TracingLoad = "chat-c32" | "stream-c32";
const LOADS: readonly TracingLoad[] = ["chat-c32", "stream-c32"];
/** A SERVER span per request and a CLIENT span per upstream attempt (one each here). */
const SPANS_PER_REQUEST = 2;
const CONCURRENCY = 32;
/** Spans still arriving this long after the last ones: the exporter's queue is drained (its schedule delay is 1 s). */
const SINK_QUIET_MS = 1500;
/** Disturbed measurements are taken again: at most this often each, and this many extra measurements in all. */
const MAX_REPEATS = 2;
const REPEAT_BUDGET_MEASUREMENTS = 4;

/** Every OTEL_* variable the SDK reads, masked for the instances that must run without tracing. */
const OTEL_MASK = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith("OTEL_")).map((name) => [name, undefined]));

export interface TracingOptions {
  durationS: number;
  rounds: number;
  warmupS: number;
  chatModel: string;
  streamModel: string;
  /** Another checkout of llmio from before tracing (its dist/llmio when built). */
  baselineRoot?: string;
  gatewayEnv: Record<string, string>;
  providerLimit: number;
}

export interface TracingRun {
  mode: TracingMode;
  load: TracingLoad;
  round: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  sent: number;
  completed: number;
  failures: number;
  failureDetail: string;
  /** llmio's CPU time per answered request, exports after the load included. */
  cpuUsPerRequest: number;
  /** % of one core during the load. */
  cpuPercent: number;
  sinkCpuPercent: number;
  sinkCpuUsPerRequest: number;
  sink: SinkStats;
  /** llmio_trace_spans_dropped_total grew by this much (tracing on; else 0). */
  droppedSpans: number;
  rows: number;
  /** Rows that keep an OpenTelemetry trace id (tracing on; else undefined). */
  tracedRows?: number;
  rssPeakMb: number;
  other: number;
  /** How often this measurement was taken again because other programs disturbed it (the last counts). */
  repeats?: number;
}

export interface TracingResult {
  options: Omit<TracingOptions, "gatewayEnv">;
  /** What ran as each llmio (binary or sources) and, for the baseline, its commit. */
  programs: Partial<Record<TracingMode, string>>;
  runs: TracingRun[];
}

interface Instance {
  mode: TracingMode;
  llmio: LlmioTarget;
}

async function sinkStats(url: string): Promise<SinkStats> {
  return (await (await fetch(`${url}/stats`)).json()) as SinkStats;
}

async function droppedSpans(llmio: LlmioTarget): Promise<number> {
  const response = await fetch(`${llmio.base}/metrics`, { headers: { authorization: `Bearer ${LLMIO_TOKEN}` } });
  const match = /^llmio_trace_spans_dropped_total(?:\{[^}]*\})? (\S+)$/m.exec(await response.text());
  return match ? Number(match[1]) : 0;
}

function gitCommit(root: string): string {
  const result = Bun.spawnSync(["git", "-C", root, "log", "-1", "--format=%h %s"], { stdout: "pipe", stderr: "pipe" });
  return result.stdout.toString().trim().slice(0, 80) || "unknown commit";
}

async function runLoadOnce(instance: Instance, load: TracingLoad, body: string, durationS: number, tmp: string, onStart: (pid: number) => void) {
  const { llmio } = instance;
  if (load === "chat-c32") {
    const script = join(tmp, `tracing-${instance.mode.replace(" ", "-")}.lua`);
    writeScript(script, { url: llmio.chatUrl, headers: llmio.headers, body });
    const r = await runWrk(script, llmio.chatUrl, { connections: CONCURRENCY, threads: 2, durationS, timeoutS: 30 }, onStart);
    const e = r.errors;
    return { rps: r.rps, p50Ms: r.latencyMs.p50, p99Ms: r.latencyMs.p99, sent: r.sent, completed: r.completed, failures: r.failures, failureDetail: r.failures ? `non-2xx ${e.status}, connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}` : "" };
  }
  const args = [BUN, "bench/stream-client.ts", "--url", llmio.chatUrl, "--body", body, "--concurrency", String(CONCURRENCY), "--duration", String(durationS)];
  for (const [k, v] of Object.entries(llmio.headers)) args.push("--header", `${k}: ${v}`);
  const child = spawn(args, { output: "pipe", env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" } });
  onStart(child.pid);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  if ((await child.exited) !== 0) throw new Error(`stream client failed: ${err || out}`);
  const r = JSON.parse(out) as StreamClientResult;
  const failureDetail = Object.entries(r.errors)
    .map(([k, v]) => `${k} ×${v}`)
    .join("; ");
  return { rps: r.rps, p50Ms: r.totalMs.p50, p99Ms: r.totalMs.p99, sent: r.sent, completed: r.ok + r.failed, failures: r.failed, failureDetail };
}

async function measure(instance: Instance, load: TracingLoad, body: string, round: number, sinkPid: number, sinkUrl: string, fake: Target, durationS: number, tmp: string): Promise<TracingRun> {
  const { llmio, mode } = instance;
  const traced = mode === "tracing on";
  const afterId = lastRowId(llmio.dbPath);
  const rowsBefore = countRows(llmio.dbPath);
  const sinkBefore = await sinkStats(sinkUrl);
  const droppedBefore = traced ? await droppedSpans(llmio) : 0;
  const cpuBefore = cpuSeconds(llmio.pid) ?? 0;
  const sinkCpuBefore = cpuSeconds(sinkPid) ?? 0;
  const sampler = new ProcSampler([llmio.pid, sinkPid, fake.pid]);
  const r = await runLoadOnce(instance, load, body, durationS, tmp, (pid) => sampler.add(pid));
  sampler.stop();
  // The log writer batches rows for up to 100 ms; late rows (requests wrk cut off) come a little later.
  let rows = countRows(llmio.dbPath) - rowsBefore;
  for (const until = Date.now() + 3000; rows !== r.sent && Date.now() < until; rows = countRows(llmio.dbPath) - rowsBefore) await Bun.sleep(250);
  // The exporter sends a batch every second or every 512 spans: wait until the spans stop coming.
  let sink = await sinkStats(sinkUrl);
  if (traced) {
    let quietSince = Date.now();
    for (const until = Date.now() + 8000; Date.now() < until && Date.now() - quietSince < SINK_QUIET_MS; ) {
      await Bun.sleep(250);
      const now = await sinkStats(sinkUrl);
      if (now.spans !== sink.spans) quietSince = Date.now();
      sink = now;
    }
  }
  const cpuS = (cpuSeconds(llmio.pid) ?? 0) - cpuBefore;
  const sinkCpuS = (cpuSeconds(sinkPid) ?? 0) - sinkCpuBefore;
  const answered = Math.max(1, r.completed);
  return {
    mode,
    load,
    round,
    ...r,
    cpuUsPerRequest: (cpuS / answered) * 1e6,
    cpuPercent: sampler.cpuPercent(llmio.pid),
    sinkCpuPercent: sampler.cpuPercent(sinkPid),
    sinkCpuUsPerRequest: (sinkCpuS / answered) * 1e6,
    sink: { batches: sink.batches - sinkBefore.batches, bytes: sink.bytes - sinkBefore.bytes, spans: sink.spans - sinkBefore.spans, malformed: sink.malformed - sinkBefore.malformed },
    droppedSpans: traced ? (await droppedSpans(llmio)) - droppedBefore : 0,
    rows,
    tracedRows: traced ? countTracedRows(llmio.dbPath, afterId) : undefined,
    rssPeakMb: sampler.peakRss.get(llmio.pid) ?? Number.NaN,
    other: sampler.otherPercent(),
  };
}

export async function runTracing(fake: Target, tmp: string, options: TracingOptions): Promise<TracingResult> {
  const baseline = options.baselineRoot;
  console.log(
    `\n▶ Tracing: llmio tracing off vs on${baseline ? " vs before tracing" : ""}, chat (wrk -c${CONCURRENCY}) and streams (-c${CONCURRENCY}), ${options.durationS} s per measurement, ${options.rounds} round(s)`,
  );
  const sinkPort = freePort();
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;
  const sink = spawn([BUN, "bench/otlp-sink.ts", "--port", String(sinkPort)], { output: join(tmp, "otlp-sink.log") });
  for (const until = Date.now() + 10_000; ; ) {
    try {
      await sinkStats(sinkUrl);
      break;
    } catch (error) {
      if (Date.now() > until || sink.exitCode !== null) throw new Error(`the OTLP sink did not start: ${String(error)}`);
      await Bun.sleep(100);
    }
  }
  const models: BenchModel[] = [{ name: options.chatModel }, { name: options.streamModel }];
  const env = { ...options.gatewayEnv, ...OTEL_MASK };
  const tracingOn = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_TRACES_SAMPLER: "always_on" };
  const instances: Instance[] = [
    { mode: "tracing off", llmio: await startLlmio(tmp, fake, models, env, options.providerLimit, [], { label: "tracing-off" }) },
    { mode: "tracing on", llmio: await startLlmio(tmp, fake, models, tracingOn, options.providerLimit, [], { label: "tracing-on" }) },
  ];
  if (baseline) instances.push({ mode: "before tracing", llmio: await startLlmio(tmp, fake, models, env, options.providerLimit, [], { root: baseline, label: "before-tracing" }) });
  const programs: TracingResult["programs"] = {};
  for (const { mode, llmio } of instances) programs[mode] = `${llmio.program === "binary" ? "dist/llmio" : "sources under Bun"}${mode === "before tracing" && baseline ? ` of ${baseline} (${gitCommit(baseline)})` : ""}`;
  console.log(`  ${instances.map(({ mode, llmio }) => `${mode}: pid ${llmio.pid} (${programs[mode]})`).join("; ")}; OTLP sink pid ${sink.pid} ${sinkUrl}`);

  const bodies: Record<TracingLoad, string> = {
    "chat-c32": JSON.stringify({ model: options.chatModel, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 64 }),
    "stream-c32": JSON.stringify({ model: options.streamModel, stream: true, messages: [{ role: "user", content: "Tell me a story." }] }),
  };
  const runs: TracingRun[] = [];
  let repeatBudgetS = options.durationS * REPEAT_BUDGET_MEASUREMENTS;
  try {
    // Warm-up (JIT, connection pools, the SDK's first export), not measured.
    for (const instance of instances) for (const load of LOADS) await runLoadOnce(instance, load, bodies[load], options.warmupS, tmp, () => {});
    await Bun.sleep(SINK_QUIET_MS);
    for (const load of LOADS) {
      for (let round = 1; round <= options.rounds; round++) {
        // Each round starts with another instance, so drift of the machine hits them alike.
        const order = instances.map((_, i) => instances[(i + round - 1) % instances.length]);
        for (const instance of order) {
          let r = await measure(instance, load, bodies[load], round, sink.pid, sinkUrl, fake, options.durationS, tmp);
          // Another program was busy: measure again (twice at most, within the scenario's budget).
          for (let repeat = 1; repeat <= MAX_REPEATS && r.other > OTHER_CPU_WARN && repeatBudgetS >= options.durationS; repeat++) {
            console.log(`  ${load} round ${round} ${r.mode.padEnd(14)} disturbed: other programs used ${fmt(r.other)}% CPU (${fmt(r.rps)} req/s); measuring again`);
            repeatBudgetS -= options.durationS;
            await Bun.sleep(1000);
            r = { ...(await measure(instance, load, bodies[load], round, sink.pid, sinkUrl, fake, options.durationS, tmp)), repeats: repeat };
          }
          runs.push(r);
          const spans = r.mode === "tracing on" ? `, spans ${r.sink.spans}/${r.rows * SPANS_PER_REQUEST} in ${r.sink.batches} batches (${fmt(r.sink.bytes / 1024)} KB), dropped ${r.droppedSpans}, sink CPU ${fmt(r.sinkCpuUsPerRequest)} µs/req` : "";
          console.log(
            `  ${load} round ${round} ${r.mode.padEnd(14)} ${fmt(r.rps)} req/s, p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms, llmio CPU ${fmt(r.cpuUsPerRequest)} µs/req${spans}, failures ${r.failures}, log rows ${r.rows}/${r.sent}, other ${fmt(r.other)}%`,
          );
          if (r.failures) console.log(`    failures: ${r.failureDetail}`);
          await Bun.sleep(300);
        }
      }
    }
  } finally {
    await Promise.all([...instances.map(({ llmio }) => stopTarget(llmio)), stop(sink)]);
  }
  const { gatewayEnv: _, ...shown } = options;
  return { options: shown, programs, runs };
}

// ---------------------------------------------------------------------------------------
// Report

interface ModeAgg {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUs: number;
  cpuUsPerRound: number[];
  sinkCpuPercent: number;
  sinkCpuUs: number;
  batches: number;
  bytes: number;
  spans: number;
  dropped: number;
  completed: number;
  sent: number;
  rows: number;
  tracedRows?: number;
  failures: number;
  rssPeakMb: number;
}

function modesOf(r: TracingResult): TracingMode[] {
  return (["tracing off", "tracing on", "before tracing"] as const).filter((mode) => r.runs.some((x) => x.mode === mode));
}

function agg(r: TracingResult, load: TracingLoad, mode: TracingMode): ModeAgg {
  const runs = r.runs.filter((x) => x.load === load && x.mode === mode);
  const traced = runs.map((x) => x.tracedRows).filter((x): x is number => x !== undefined);
  return {
    rps: mean(runs.map((x) => x.rps)),
    p50Ms: mean(runs.map((x) => x.p50Ms)),
    p99Ms: mean(runs.map((x) => x.p99Ms)),
    cpuUs: mean(runs.map((x) => x.cpuUsPerRequest)),
    cpuUsPerRound: runs.map((x) => x.cpuUsPerRequest),
    sinkCpuPercent: mean(runs.map((x) => x.sinkCpuPercent)),
    sinkCpuUs: mean(runs.map((x) => x.sinkCpuUsPerRequest)),
    batches: sum(runs.map((x) => x.sink.batches)),
    bytes: sum(runs.map((x) => x.sink.bytes)),
    spans: sum(runs.map((x) => x.sink.spans)),
    dropped: sum(runs.map((x) => x.droppedSpans)),
    completed: sum(runs.map((x) => x.completed)),
    sent: sum(runs.map((x) => x.sent)),
    rows: sum(runs.map((x) => x.rows)),
    tracedRows: traced.length ? sum(traced) : undefined,
    failures: sum(runs.map((x) => x.failures)),
    rssPeakMb: Math.max(...runs.map((x) => x.rssPeakMb)),
  };
}

export function tracingSetup(r: TracingResult): string {
  const o = r.options;
  const programs = modesOf(r)
    .map((mode) => `${mode}: ${r.programs[mode]}`)
    .join("; ");
  return `llmio only, one process per mode (same build, fresh SQLite database, request logging on), alternated within every round (which one goes first rotates each round). Tracing on: \`OTEL_EXPORTER_OTLP_ENDPOINT\` = \`bench/otlp-sink.ts\` on loopback (OTLP/HTTP protobuf, answers 200 with an empty body at once), \`OTEL_TRACES_SAMPLER=always_on\`, the SDK's batch defaults (queue 2048, batches of 512, every 1 s); tracing off: no \`OTEL_*\` variable.${o.baselineRoot ? " Before tracing: llmio from a commit without tracing (`--tracing-baseline`)." : ""} Loads: \`${o.chatModel}\` with wrk -c${CONCURRENCY} (pass-through, like chat-c32) and \`${o.streamModel}\` with stream-client -c${CONCURRENCY} (like stream), ${o.durationS} s per measurement, ${o.rounds} round(s). \`llmio CPU µs/req\` = llmio's CPU time from the start of the load until the exports after it are done (the sink quiet for ${SINK_QUIET_MS / 1000} s), per answered request; sink likewise. Expected spans: ${SPANS_PER_REQUEST} per request llmio logged (SERVER + CLIENT; requests wrk cut off at its deadline included). Programs: ${programs}.`;
}

export function renderTracing(r: TracingResult): string {
  const modes = modesOf(r);
  const rows = LOADS.flatMap((load) => {
    const off = agg(r, load, "tracing off");
    return modes.map((mode) => {
      const a = agg(r, load, mode);
      const traced = mode === "tracing on";
      return [
        load,
        mode,
        fmt(a.rps),
        fmt(a.p50Ms),
        fmt(a.p99Ms),
        fmt(a.cpuUs),
        a.cpuUsPerRound.map((x) => fmt(x)).join(" / "),
        ratio(a.rps / off.rps),
        ratio(a.p50Ms / off.p50Ms),
        ratio(a.p99Ms / off.p99Ms),
        ratio(a.cpuUs / off.cpuUs),
        traced ? String(a.batches) : "–",
        traced ? fmt(a.bytes / 1024) : "–",
        traced ? `${a.spans} / ${a.rows * SPANS_PER_REQUEST}` : "–",
        traced ? String(a.dropped) : "–",
        traced ? `${fmt(a.sinkCpuPercent)} / ${fmt(a.sinkCpuUs)}` : "–",
        fmt(a.rssPeakMb),
        String(a.failures),
        `${a.rows === a.sent ? `${a.rows} = ${a.sent} ✓` : `${a.rows} ≠ ${a.sent} ✗`}${a.tracedRows === undefined ? "" : ` (${a.tracedRows} with a trace id)`}`,
      ];
    });
  });
  return markdownTable(
    ["load", "llmio", "req/s", "p50 ms", "p99 ms", "llmio CPU µs/req", "per round", "req/s vs off", "p50 vs off", "p99 vs off", "CPU vs off", "span batches", "sink KB", "spans received / expected", "dropped (/metrics)", "sink CPU % / µs/req", "RSS peak MB", "failures", "log rows = requests"],
    rows,
  );
}

/** Disturbed runs (other programs busy), as a note for the verdicts; "" when none. */
function noise(r: TracingResult): string {
  const busy = r.runs.filter((x) => x.other > OTHER_CPU_WARN);
  return busy.length ? ` — NOISY: other processes used up to ${fmt(Math.max(...busy.map((x) => x.other)))}% CPU during ${busy.length} of ${r.runs.length} run(s)` : "";
}

/** "Unmeasurable": within the run's own noise, at least this share of the baseline's CPU per request. */
export const OFF_NOISE_FLOOR = 0.05;
/** Rounds of one instance further apart than this share of the baseline's CPU per request: too noisy to judge. */
export const OFF_NOISE_CEILING = 0.25;

export function tracingVerdicts(r: TracingResult): Verdict[] {
  const out: Verdict[] = [];
  const noisy = noise(r);
  const cost = LOADS.map((load) => {
    const off = agg(r, load, "tracing off");
    const on = agg(r, load, "tracing on");
    return { load, off, on, added: on.cpuUs - off.cpuUs, times: on.cpuUs / off.cpuUs };
  });
  out.push({
    text: `(information) tracing on costs ${cost.map((c) => `${delta(c.added)} µs/req (${ratio(c.times)}) ${c.load} [${fmt(c.on.cpuUs)} vs ${fmt(c.off.cpuUs)} µs; req/s ${ratio(c.on.rps / c.off.rps)}]`).join(", ")}; always_on sampler, the OTLP sink on loopback${noisy}`,
    met: undefined,
  });
  const spans = cost.map((c) => ({ load: c.load, received: c.on.spans, expected: c.on.rows * SPANS_PER_REQUEST, dropped: c.on.dropped }));
  out.push({
    text: `tracing on: the spans reach the collector (every request's SERVER and CLIENT span; those dropped from the full queue counted in /metrics): ${spans.map((s) => `${s.load} ${s.received} of ${s.expected} received, ${s.dropped} dropped`).join("; ")}`,
    met: spans.every((s) => s.received > 0 && s.received + s.dropped === s.expected),
  });
  if (!modesOf(r).includes("before tracing")) {
    out.push({ text: "tracing off: unmeasurable — not judged: run with `--tracing-baseline <worktree of a commit before tracing>` (e.g. `git worktree add --detach ../llmio-before-tracing 8264c17`, then `bun install && bun run build` there)", met: undefined });
    return out;
  }
  const parts = LOADS.map((load) => {
    const before = agg(r, load, "before tracing");
    const off = agg(r, load, "tracing off");
    const diff = off.cpuUs - before.cpuUs;
    // The noise: how far one target's rounds differ, at least the floor.
    const spread = Math.max(...[before, off].map((a) => (a.cpuUsPerRound.length > 1 ? Math.max(...a.cpuUsPerRound) - Math.min(...a.cpuUsPerRound) : 0)));
    const bound = Math.max(spread, before.cpuUs * OFF_NOISE_FLOOR);
    return { load, diff, bound, off, before, within: Math.abs(diff) <= bound, tooNoisy: spread > before.cpuUs * OFF_NOISE_CEILING };
  });
  const scattered = parts.filter((p) => p.tooNoisy).map((p) => p.load);
  const scatterNote = scattered.length ? ` — NOISY: one instance's rounds differ by more than ${OFF_NOISE_CEILING * 100}% (${scattered.join(", ")})` : "";
  out.push({
    text: `tracing off: unmeasurable (llmio CPU per request, tracing off vs the same requests through llmio before tracing; noise = the rounds' spread, at least ${OFF_NOISE_FLOOR * 100}%): ${parts.map((p) => `${p.load} ${delta(p.diff)} µs (${fmt(p.off.cpuUs)} vs ${fmt(p.before.cpuUs)} µs, per round ${p.off.cpuUsPerRound.map((x) => fmt(x)).join(" / ")} vs ${p.before.cpuUsPerRound.map((x) => fmt(x)).join(" / ")}, noise ±${fmt(p.bound)} µs; req/s ${ratio(p.off.rps / p.before.rps)})`).join(", ")}${noisy}${scatterNote}`,
    met: noisy || scatterNote ? undefined : parts.every((p) => p.within),
  });
  return out;
}

/** Requests sent and logged, all modes together (for the report's log-rows check). */
export function tracingRows(r: TracingResult): { rows: number; sent: number } {
  return { rows: sum(r.runs.map((x) => x.rows)), sent: sum(r.runs.map((x) => x.sent)) };
}

/** Failed requests per mode and load, for the report's no-failures check. */
export function tracingFailures(r: TracingResult): string[] {
  return LOADS.flatMap((load) =>
    modesOf(r)
      .map((mode) => ({ mode, runs: r.runs.filter((x) => x.load === load && x.mode === mode && x.failures > 0) }))
      .filter((x) => x.runs.length > 0)
      .map((x) => `tracing ${load} ${x.mode}: ${sum(x.runs.map((y) => y.failures))} (${[...new Set(x.runs.map((y) => y.failureDetail))].join(" | ")})`),
  );
}
