#!/usr/bin/env bun
/**
 * Gateway overhead benchmark: the same requests, the same load generator, three targets:
 * the fake upstream directly, llmio (SQLite request logging on), and Portkey's open-source
 * gateway on Bun. Targets alternate within every scenario (direct → llmio → portkey, per
 * round) so drift of the machine hits all three alike. Prints markdown tables and writes
 * them to bench/results/<date>-<quick|full>.md and bench/results/latest.md (partial runs,
 * e.g. --only, get a longer name and leave latest.md alone).
 *
 *   bun run bench                  full run (≈ 16 minutes)
 *   bun run bench --quick          smoke run (≈ 3.5 minutes)
 *   bun run bench --soak           full run plus a 30-minute mixed-traffic memory soak of llmio
 *   bun run bench --only burst     one scenario (comma-separated list allowed)
 *   bun run bench --only tracing --tracing-baseline ../llmio-before-tracing
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { countRows } from "./log-rows.ts";
import type { OpenStreamsResult } from "./open-streams.ts";
import { type PathId, type PathScenarioResult, pathBody, pathModels, PATHS, pathTarget, renderPaths } from "./paths.ts";
import { type Agg, aggregate, failureNotes, machineFacts, OTHER_CPU_WARN, renderScenario, renderVerdicts, type RunResult, SCENARIO_IDS, type ScenarioId, type ScenarioResult, verdicts } from "./report.ts";
import { BUN, installCleanup, registerTempDir, ROOT, spawn } from "./proc.ts";
import { fdCount, ProcSampler, readMem } from "./rss.ts";
import { renderSoak, runSoak, type SoakResult } from "./soak.ts";
import { soakModels } from "./soak-mix.ts";
import type { StreamClientResult, StreamProtocol } from "./stream-client.ts";
import { fmt, markdownTable } from "./table.ts";
import { type BenchModel, type LlmioTarget, smokeTest, startFake, startLlmio, startPortkey, stopTarget, type Target, type TargetName, TARGETS } from "./targets.ts";
import { renderTracing, runTracing, tracingSetup, type TracingResult } from "./tracing.ts";
import { renderTranslationCache, runTranslationCache, translationCacheModels, translationCacheSetup, type TranslationCacheResult } from "./translation-cache.ts";
import { ensureWrk, runWrk, writeScript } from "./wrk.ts";

// ---------------------------------------------------------------------------------------
// Options

const HELP = `Usage: bun run bench [--quick] [--soak] [--only <scenario>[,<scenario>…]] [options]

Scenarios: chat-c1, chat-c32, chat-c256, stream, paths-c32, paths-stream, burst, open-streams, translation-cache, tracing, soak

  --quick            short smoke run: 3 s per measurement, 1 round, 1,000 open streams for 5 s
  --soak             also run the mixed-traffic memory soak of llmio (30 minutes; --quick: 30 s)
  --soak-minutes N   soak duration in minutes (implies --soak)
  --only LIST        run only these scenarios (soak included when listed)
  --rounds N         rounds of direct → llmio → portkey per scenario (default 2, --quick 1)
  --duration S       seconds per measurement (default 10, --quick 3)
  --streams N        open streams to hold (default 10000, --quick 1000)
  --hold S           how long each open stream lasts (default 30, --quick 5)
  --fetch-max N      set BUN_CONFIG_MAX_HTTP_REQUESTS=N for both gateways (Bun's fetch
                     allows 256 concurrent outgoing requests unless told otherwise)
  --stream-delay MS  pause between the fake's stream chunks (default 1)
  --translation-requests N
                     requests in the translation-cache burst (default 2000, --quick 600)
  --tracing-baseline DIR
                     tracing scenario: also run llmio from DIR, a checkout of a commit before
                     tracing (built with \`bun run build\` there, else its sources), to judge
                     whether tracing off costs anything
  --profile          run llmio under Bun's CPU profiler (--cpu-prof --cpu-prof-md); the
                     profile lands in bench/results/raw/ (numbers are then not comparable)
  --no-write         print only; do not write bench/results
  -h, --help`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    soak: { type: "boolean", default: false },
    "soak-minutes": { type: "string" },
    only: { type: "string" },
    rounds: { type: "string" },
    duration: { type: "string" },
    streams: { type: "string" },
    hold: { type: "string" },
    "fetch-max": { type: "string" },
    "stream-delay": { type: "string" },
    "translation-requests": { type: "string" },
    "tracing-baseline": { type: "string" },
    "no-write": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});
if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const only = flags.only ? new Set(flags.only.split(",").map((s) => s.trim())) : undefined;
for (const id of only ?? []) {
  if (!(SCENARIO_IDS as readonly string[]).includes(id)) {
    console.error(`bench: unknown scenario "${id}" (known: ${SCENARIO_IDS.join(", ")})`);
    process.exit(2);
  }
}
const quick = flags.quick;
const mode = quick ? "quick" : "full";
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const config = {
  rounds: num(flags.rounds, quick ? 1 : 2),
  durationS: num(flags.duration, quick ? 3 : 10),
  warmupS: quick ? 1 : 2,
  streams: num(flags.streams, quick ? 1000 : 10_000),
  holdS: num(flags.hold, quick ? 5 : 30),
  soakS: flags["soak-minutes"] !== undefined ? Number(flags["soak-minutes"]) * 60 : quick ? 30 : 1800,
  soakConcurrency: 32,
  streamDelayMs: num(flags["stream-delay"], 1),
  // As shipped: the start script, the systemd unit and the Docker image all raise Bun's cap.
  fetchMax: flags["fetch-max"] === undefined ? 65_535 : Number(flags["fetch-max"]),
  providerLimit: 20,
  burstConnections: 2000,
  translationRequests: num(flags["translation-requests"], quick ? 600 : 2000),
};
for (const [key, value] of Object.entries(config)) {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    console.error(`bench: ${key} must be a non-negative number, got ${value}`);
    process.exit(2);
  }
}
const soakWanted = flags.soak || flags["soak-minutes"] !== undefined;
const wants = (id: ScenarioId) => (only ? only.has(id) : id !== "soak" || soakWanted);

// ---------------------------------------------------------------------------------------
// Requests: every target gets the same JSON body (llmio's models carry the fake's names).

const CHAT_MODEL = "fake-model+words=20";
const BURST_MODEL = "fake-model+words=12"; // routed to llmio's provider limited to 20 concurrent
const STREAM_WORDS = 50;
const streamModel = () => `fake-model+words=${STREAM_WORDS}${config.streamDelayMs > 0 ? `+token-delay=${config.streamDelayMs}` : ""}`;
// Frames are paced 1 s apart: role frame, words, finish frame, [DONE] → (words + 2) s.
const openWords = () => Math.max(1, config.holdS - 2);
const openModel = () => `fake-model+words=${openWords()}+token-delay=1000`;

const chatBody = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 64 });
const burstBody = (model: string) =>
  JSON.stringify({
    model,
    messages: [
      { role: "system", content: "Translate the user's text into Simplified Chinese. Reply with the translation only." },
      { role: "user", content: "The quick brown fox jumps over the lazy dog." },
    ],
    temperature: 0,
  });
const streamBody = (model: string) => JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "Tell me a story." }] });

// ---------------------------------------------------------------------------------------
// Measurements

interface Procs {
  fake: Target;
  llmio: LlmioTarget;
  portkey: Target;
}

function targetOf(procs: Procs, name: TargetName): Target {
  return name === "direct" ? procs.fake : procs[name];
}

let tmp = "";

async function runLoad(
  procs: Procs,
  target: Target,
  kind: "wrk" | "stream" | "open",
  spec: { body: string; connections?: number; durationS?: number; protocol?: StreamProtocol },
  round: number,
): Promise<RunResult> {
  const fakePid = procs.fake.pid;
  const sampler = new ProcSampler(target.pid === fakePid ? [fakePid] : [target.pid, fakePid]);
  const rowsBefore = target.name === "llmio" ? countRows(procs.llmio.dbPath) : undefined;
  const fdsBefore = fdCount(fakePid);
  let loadPid = 0;
  let base: Omit<RunResult, "rssPeakMb" | "cpu" | "rows" | "target" | "round">;

  if (kind === "wrk") {
    const script = join(tmp, `${target.name}-${spec.connections}-${spec.protocol ?? "openai"}.lua`);
    writeScript(script, { url: target.chatUrl, headers: target.headers, body: spec.body });
    const r = await runWrk(script, target.chatUrl, { connections: spec.connections!, threads: 2, durationS: spec.durationS!, timeoutS: 30 }, (pid) => {
      loadPid = pid;
      sampler.add(pid);
    });
    const e = r.errors;
    base = {
      durationS: r.durationS,
      rps: r.rps,
      sent: r.sent,
      completed: r.completed,
      failures: r.failures,
      failureDetail: r.failures ? `non-2xx ${e.status}, connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout}` : "",
      latency: { p50: r.latencyMs.p50, p90: r.latencyMs.p90, p99: r.latencyMs.p99, max: r.latencyMs.max },
    };
  } else if (kind === "stream") {
    const args = [BUN, "bench/stream-client.ts", "--url", target.chatUrl, "--body", spec.body, "--concurrency", String(spec.connections), "--duration", String(spec.durationS), "--protocol", spec.protocol ?? "openai"];
    for (const [k, v] of Object.entries(target.headers)) args.push("--header", `${k}: ${v}`);
    const child = spawn(args, { output: "pipe", env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" } });
    loadPid = child.pid;
    sampler.add(child.pid);
    const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
    if ((await child.exited) !== 0) throw new Error(`stream client failed: ${err || out}`);
    const r = JSON.parse(out) as StreamClientResult;
    base = {
      durationS: r.durationS,
      rps: r.rps,
      sent: r.sent,
      completed: r.ok + r.failed,
      failures: r.failed,
      failureDetail: Object.entries(r.errors)
        .map(([k, v]) => `${k} ×${v}`)
        .join("; "),
      latency: { p50: r.totalMs.p50, p90: r.totalMs.p90, p99: r.totalMs.p99, max: r.totalMs.max },
      ttfb: { p50: r.ttfbMs.p50, p90: r.ttfbMs.p90, p99: r.ttfbMs.p99, max: r.ttfbMs.max },
      ttft: { p50: r.ttftMs.p50, p90: r.ttftMs.p90, p99: r.ttftMs.p99, max: r.ttftMs.max },
      frames: r.framesMin === r.framesMax ? String(r.framesMin) : `${r.framesMin}–${r.framesMax}`,
      chunks: r.chunksMin === r.chunksMax ? String(r.chunksMin) : `${r.chunksMin}–${r.chunksMax}`,
    };
  } else {
    const n = spec.connections!;
    const rampS = Math.ceil(n / 500) * 0.1;
    const deadlineS = Math.ceil(rampS + config.holdS + (quick ? 6 : 12));
    const args = [BUN, "bench/open-streams.ts", "--url", target.chatUrl, "--body", spec.body, "--streams", String(n), "--deadline", String(deadlineS)];
    for (const [k, v] of Object.entries(target.headers)) args.push("--header", `${k}: ${v}`);
    const child = spawn(args, { output: "pipe", env: { BUN_CONFIG_MAX_HTTP_REQUESTS: String(Math.min(65_000, n + 256)) } });
    loadPid = child.pid;
    sampler.add(child.pid);
    // Progress every 5 s so a long run shows life.
    const progress = (async () => {
      let lines = 0;
      const reader = (child.stderr as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const line of decoder.decode(value, { stream: true }).split("\n")) {
          if (line.trim() && lines++ % 5 === 4) console.log(`    ${line.trim()}`);
        }
      }
    })();
    const out = await new Response(child.stdout).text();
    await progress;
    if ((await child.exited) !== 0) throw new Error(`open-streams client failed: ${out}`);
    const r = JSON.parse(out) as OpenStreamsResult;
    base = {
      durationS: deadlineS,
      rps: Number.NaN,
      sent: r.requested,
      completed: r.ok + r.failed,
      failures: r.failed + r.unfinished,
      failureDetail: [
        r.unfinished ? `${r.unfinished} unfinished at the deadline (${r.neverStarted} never got a first byte)` : "",
        ...Object.entries(r.errors).map(([k, v]) => `${k} ×${v}`),
      ]
        .filter(Boolean)
        .join("; "),
      latency: { p50: r.totalMs.p50, p90: r.totalMs.p90, p99: r.totalMs.p99, max: r.totalMs.max },
      ttfb: { p50: r.ttfbMs.p50, p90: r.ttfbMs.p90, p99: r.ttfbMs.p99, max: r.ttfbMs.max },
      open: r,
    };
    // Let the gateway close its upstream streams before the next target starts.
    const settleUntil = Date.now() + 15_000;
    while (Date.now() < settleUntil && fdCount(fakePid) > fdsBefore + 64) await Bun.sleep(200);
  }
  sampler.stop();

  let rows: number | undefined;
  if (rowsBefore !== undefined) {
    // The log writer batches rows for up to 100 ms; give it that, then keep looking for late
    // rows (aborted requests finish later) until they match or a few seconds have passed.
    await Bun.sleep(250);
    const lookUntil = Date.now() + (kind === "open" ? 10_000 : 3000);
    rows = countRows(procs.llmio.dbPath) - rowsBefore;
    while (rows !== base.sent && Date.now() < lookUntil) {
      await Bun.sleep(250);
      rows = countRows(procs.llmio.dbPath) - rowsBefore;
    }
  }
  return {
    ...base,
    target: target.name,
    round,
    rssPeakMb: sampler.peakRss.get(target.pid) ?? Number.NaN,
    cpu: { target: sampler.cpuPercent(target.pid), fake: sampler.cpuPercent(fakePid), load: sampler.cpuPercent(loadPid), other: sampler.otherPercent() },
    rows,
  };
}

// ---------------------------------------------------------------------------------------
// Scenarios

/** Re-measurements of disturbed runs: at most this many per run, and this many seconds in all. */
const MAX_REPEATS = 2;
let repeatBudgetS = quick ? 20 : 90;

async function scenario(
  procs: Procs,
  id: ScenarioId,
  title: string,
  setup: string,
  kind: "wrk" | "stream" | "open",
  spec: { body: string; connections: number; durationS?: number },
  rounds: number,
): Promise<ScenarioResult> {
  console.log(`\n▶ ${title}  (${setup})`);
  const runs: RunResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const name of TARGETS) {
      const target = targetOf(procs, name);
      let r = await runLoad(procs, target, kind, spec, round);
      // Another program was busy: measure again (a few times at most, within the run's budget).
      for (let repeat = 1; repeat <= MAX_REPEATS && r.cpu.other > OTHER_CPU_WARN && repeatBudgetS >= (spec.durationS ?? 0) + 1; repeat++) {
        console.log(`  round ${round} ${name.padEnd(7)} disturbed: other programs used ${fmt(r.cpu.other)}% CPU (${fmt(r.rps)} req/s); measuring again`);
        repeatBudgetS -= (spec.durationS ?? 0) + 1;
        await Bun.sleep(1000);
        r = { ...(await runLoad(procs, target, kind, spec, round)), repeats: repeat };
      }
      runs.push(r);
      const rowsNote = r.rows === undefined ? "" : `  log rows ${r.rows}/${r.sent}${r.rows === r.sent ? "" : " ≠ SENT"}`;
      const lat = kind === "open" ? `peak open ${r.open!.peakOpen}/${r.open!.requested}, ttfb p50 ${fmt(r.ttfb!.p50)} ms` : `${fmt(r.rps)} req/s, p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms`;
      console.log(
        `  round ${round} ${name.padEnd(7)} ${lat}, failures ${r.failures}, RSS peak ${fmt(r.rssPeakMb)} MB, CPU target ${fmt(r.cpu.target)}% fake ${fmt(r.cpu.fake)}% load ${fmt(r.cpu.load)}% other ${fmt(r.cpu.other)}%${rowsNote}`,
      );
      if (r.failures) console.log(`    failures: ${r.failureDetail}`);
      await Bun.sleep(300);
    }
  }
  const agg = Object.fromEntries(TARGETS.map((name) => [name, aggregate(runs.filter((r) => r.target === name))])) as Record<TargetName, Agg>;
  const result = { id, title, setup, kind, runs, agg };
  console.log(`\n${renderScenario(result)}`);
  return result;
}

/**
 * One protocol-path scenario: every path of paths.ts (baselines on the fake, pass-through and
 * translated through llmio) in turn, each round, with the same load.
 */
async function pathScenario(
  procs: Procs,
  id: PathScenarioResult["id"],
  title: string,
  setup: string,
  kind: "wrk" | "stream",
  spec: { fakeModel: string; connections: number; durationS: number; chunksPerStream?: number },
  rounds: number,
): Promise<PathScenarioResult> {
  console.log(`\n▶ ${title}  (${setup})`);
  const runs: PathScenarioResult["runs"] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const path of PATHS) {
      const target = pathTarget(path, procs.fake, procs.llmio);
      const load = { body: pathBody(path, spec.fakeModel, kind === "stream"), connections: spec.connections, durationS: spec.durationS, protocol: path.client };
      let r = await runLoad(procs, target, kind, load, round);
      for (let repeat = 1; repeat <= MAX_REPEATS && r.cpu.other > OTHER_CPU_WARN && repeatBudgetS >= spec.durationS + 1; repeat++) {
        console.log(`  round ${round} ${path.id.padEnd(19)} disturbed: other programs used ${fmt(r.cpu.other)}% CPU (${fmt(r.rps)} req/s); measuring again`);
        repeatBudgetS -= spec.durationS + 1;
        await Bun.sleep(1000);
        r = { ...(await runLoad(procs, target, kind, load, round)), repeats: repeat };
      }
      runs.push({ ...r, path: path.id });
      const cpuUs = (r.cpu.target / 100 / r.rps) * 1e6;
      const rowsNote = r.rows === undefined ? "" : `  log rows ${r.rows}/${r.sent}${r.rows === r.sent ? "" : " ≠ SENT"}`;
      console.log(
        `  round ${round} ${path.id.padEnd(19)} ${fmt(r.rps)} req/s, p50 ${fmt(r.latency.p50)} ms, p99 ${fmt(r.latency.p99)} ms, failures ${r.failures}, CPU ${path.via === "direct" ? "fake" : "llmio"} ${fmt(r.cpu.target)}% = ${fmt(cpuUs)} µs/req${r.chunks ? `, text chunks ${r.chunks}` : ""}, other ${fmt(r.cpu.other)}%${rowsNote}`,
      );
      if (r.failures) console.log(`    failures: ${r.failureDetail}`);
      await Bun.sleep(300);
    }
  }
  const agg = Object.fromEntries(PATHS.map((path) => [path.id, aggregate(runs.filter((r) => r.path === path.id))])) as Record<PathId, Agg>;
  const result: PathScenarioResult = { id, title, setup, kind, chunksPerStream: spec.chunksPerStream, runs, agg };
  console.log(`\n${renderPaths(result)}`);
  return result;
}

// ---------------------------------------------------------------------------------------
// Main

let loadAtStart = "";

/** How busy the rest of the machine was: other programs skew every number. */
function disturbance(results: Array<ScenarioResult | PathScenarioResult>, loadStart: string): string {
  const runs = results.flatMap((r) => measuredRuns(r).map((x) => ({ id: r.id, ...x })));
  const busy = runs.filter((x) => x.cpu.other > OTHER_CPU_WARN);
  const loadEnd = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  if (runs.length === 0) return `Machine load: loadavg ${loadStart} at the start, ${loadEnd} at the end.`;
  const head = `Machine load: loadavg ${loadStart} at the start, ${loadEnd} at the end; CPU outside the measured processes ("other", % of one core; includes kernel network work not charged to a process) median ${fmt(median(runs.map((x) => x.cpu.other)))}%, max ${fmt(Math.max(...runs.map((x) => x.cpu.other)))}%.`;
  if (busy.length === 0) return head;
  return `${head} **Disturbed runs (other > ${OTHER_CPU_WARN}%):** ${busy.map((x) => `${x.id} r${x.round} ${x.label} ${fmt(x.cpu.other)}%`).join(", ")} — other programs were running; treat those numbers with care.`;
}

/** A scenario's runs, each named by its target or, in a path scenario, its path. */
function measuredRuns(r: ScenarioResult | PathScenarioResult): Array<RunResult & { label: string }> {
  return (r.runs as Array<RunResult & { path?: PathId }>).map((x) => ({ ...x, label: x.path ?? x.target }));
}

function median(values: number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  return xs.length ? xs[Math.floor(xs.length / 2)] : Number.NaN;
}

async function main() {
  const startedAt = Date.now();
  // The run is bounded: full ≈ 14 min, hard stop at 22 (+ soak).
  const budgetS = (quick ? 300 : 1320) + (wants("tracing") ? (quick ? 60 : 120) : 0) + (wants("soak") ? config.soakS + 120 : 0);
  const watchdog = setTimeout(() => {
    console.error(`\nbench: time budget of ${budgetS} s exceeded; stopping everything.`);
    process.exit(3);
  }, budgetS * 1000);
  watchdog.unref();

  const wrkVersionText = ensureWrk();
  loadAtStart = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  tmp = mkdtempSync(join(tmpdir(), "llmio-bench-"));
  registerTempDir(tmp);
  const facts = machineFacts(wrkVersionText, config.fetchMax);
  console.log(`llmio gateway benchmark (${mode})\n${facts.lines.join("\n")}\n  scratch: ${tmp}`);

  // Open streams: each gateway needs one descriptor per client stream plus one per upstream
  // stream it actually opens; stay under the open-file limit instead of failing on EMFILE.
  let streams = config.streams;
  const notes: string[] = [];
  if (wants("open-streams")) {
    const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? 1024);
    const upstreamPerStream = config.fetchMax === undefined ? Math.min(256, streams) : Math.min(config.fetchMax, streams);
    const needed = streams + upstreamPerStream + 400;
    if (needed > limit) {
      const fitted = config.fetchMax === undefined ? limit - 256 - 400 : Math.floor((limit - 400) / 2);
      notes.push(
        `open streams: ${streams} requested, but a gateway would need about ${needed} file descriptors (one per client stream and one per upstream stream) and RLIMIT_NOFILE is ${limit}; holding ${fitted} instead.`,
      );
      console.log(`\n  NOTE ${notes.at(-1)}`);
      streams = fitted;
    }
  }

  const wanted: BenchModel[] = [
    { name: CHAT_MODEL },
    { name: BURST_MODEL, route: [{ provider: "limited", providerModel: BURST_MODEL }] },
    { name: streamModel() },
    { name: openModel() },
    ...pathModels(CHAT_MODEL),
    ...pathModels(streamModel()),
    ...soakModels(),
    ...(wants("translation-cache") ? translationCacheModels(config.translationRequests) : []),
  ];
  // Each name once (with --stream-delay the stream model may be one the soak also uses).
  const models = [...new Map(wanted.map((m) => [m.name, m])).values()];
  const gatewayEnv: Record<string, string> = config.fetchMax === undefined ? {} : { BUN_CONFIG_MAX_HTTP_REQUESTS: String(config.fetchMax) };
  console.log("\nstarting targets …");
  const fake = await startFake(tmp);
  const stamp = new Date().toISOString().replace(/:\d\d\.\d+Z$/, "").replace(":", "").replace("T", "-");
  const profileDir = join(ROOT, "bench/results/raw", `profile-${stamp}`);
  if (flags.profile) mkdirSync(profileDir, { recursive: true });
  const profileArgs = flags.profile ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profileDir}`] : [];
  const llmio = await startLlmio(tmp, fake, models, gatewayEnv, config.providerLimit, profileArgs);
  const portkey = await startPortkey(tmp, fake, gatewayEnv);
  const procs: Procs = { fake, llmio, portkey };
  for (const name of TARGETS) {
    const t = targetOf(procs, name);
    await smokeTest(t, chatBody(CHAT_MODEL), "lorem ipsum");
    await smokeTest(t, burstBody(BURST_MODEL), "lorem ipsum");
  }
  await Bun.sleep(500);
  const idleFresh = Object.fromEntries(TARGETS.map((name) => [name, readMem(targetOf(procs, name).pid)?.rssMb ?? Number.NaN])) as Record<TargetName, number>;
  console.log(`  fake upstream pid ${fake.pid} ${fake.base}; llmio pid ${llmio.pid} ${llmio.base}; portkey pid ${portkey.pid} ${portkey.base}`);
  console.log(`  idle RSS (configured, one request each): direct/fake ${fmt(idleFresh.direct)} MB, llmio ${fmt(idleFresh.llmio)} MB (${llmio.program === "binary" ? "dist/llmio" : "sources under Bun"}), portkey ${fmt(idleFresh.portkey)} MB`);

  // Warm-up (JIT, connection pools), not measured.
  console.log(`\nwarming up (${config.warmupS} s chat + ${config.warmupS} s stream per target) …`);
  for (const name of TARGETS) {
    await runLoad(procs, targetOf(procs, name), "wrk", { body: chatBody(CHAT_MODEL), connections: 32, durationS: config.warmupS }, 0);
    await runLoad(procs, targetOf(procs, name), "stream", { body: streamBody(streamModel()), connections: 16, durationS: config.warmupS }, 0);
  }

  const results: ScenarioResult[] = [];
  const D = config.durationS;
  const R = config.rounds;
  if (wants("chat-c1")) results.push(await scenario(procs, "chat-c1", "Chat, non-stream, concurrency 1", `wrk -c1 -d${D}s, ${CHAT_MODEL}, ${R} round(s)`, "wrk", { body: chatBody(CHAT_MODEL), connections: 1, durationS: D }, R));
  if (wants("chat-c32")) results.push(await scenario(procs, "chat-c32", "Chat, non-stream, concurrency 32", `wrk -c32 -d${D}s, ${CHAT_MODEL}, ${R} round(s)`, "wrk", { body: chatBody(CHAT_MODEL), connections: 32, durationS: D }, R));
  if (wants("chat-c256")) results.push(await scenario(procs, "chat-c256", "Chat, non-stream, concurrency 256", `wrk -c256 -d${D}s, ${CHAT_MODEL}, ${R} round(s)`, "wrk", { body: chatBody(CHAT_MODEL), connections: 256, durationS: D }, R));
  if (wants("stream"))
    results.push(
      await scenario(
        procs,
        "stream",
        `Streaming, ${STREAM_WORDS} chunks, concurrency 32`,
        `stream-client -c32 ${D}s, ${streamModel()} (${config.streamDelayMs} ms between chunks), ${R} round(s)`,
        "stream",
        { body: streamBody(streamModel()), connections: 32, durationS: D },
        R,
      ),
    );
  const paths: PathScenarioResult[] = [];
  if (wants("paths-c32"))
    paths.push(
      await pathScenario(procs, "paths-c32", "Protocol paths, non-stream, concurrency 32", `wrk -c32 -d${D}s, ${CHAT_MODEL}, per client protocol: direct, llmio pass-through, llmio translated; ${R} round(s)`, "wrk", { fakeModel: CHAT_MODEL, connections: 32, durationS: D }, R),
    );
  if (wants("paths-stream"))
    paths.push(
      await pathScenario(
        procs,
        "paths-stream",
        `Protocol paths, streaming ${STREAM_WORDS} chunks, concurrency 32`,
        `stream-client -c32 ${D}s, ${streamModel()}, per client protocol: direct, llmio pass-through, llmio translated; ${R} round(s)`,
        "stream",
        { fakeModel: streamModel(), connections: 32, durationS: D, chunksPerStream: STREAM_WORDS },
        R,
      ),
    );
  if (wants("burst"))
    results.push(
      await scenario(
        procs,
        "burst",
        `Translation burst, ${config.burstConnections} concurrent short requests`,
        `wrk -c${config.burstConnections} -d${D}s, ${BURST_MODEL}; llmio's provider limited to ${config.providerLimit} concurrent (excess waits in its queue; direct and Portkey have no limit), ${R} round(s)`,
        "wrk",
        { body: burstBody(BURST_MODEL), connections: config.burstConnections, durationS: D },
        R,
      ),
    );
  if (wants("open-streams")) {
    const s = await (async () => {
      console.log(`\n▶ Open streams: ${streams} held ≈${config.holdS} s  (${openModel()}, opened 500 per 100 ms, 1 round)`);
      const runs: RunResult[] = [];
      for (const name of TARGETS) {
        const target = targetOf(procs, name);
        const idleRssMb = readMem(target.pid)?.rssMb ?? Number.NaN;
        const r = await runLoad(procs, target, "open", { body: streamBody(openModel()), connections: streams }, 1);
        r.idleRssMb = idleRssMb;
        runs.push(r);
        const o = r.open!;
        console.log(
          `  ${name.padEnd(7)} peak open ${o.peakOpen}/${o.requested} at ${fmt(o.peakAtS)} s, ok ${o.ok}, failed ${o.failed}, unfinished ${o.unfinished}, TTFB p50 ${fmt(r.ttfb!.p50)} ms p99 ${fmt(r.ttfb!.p99)} ms, RSS ${fmt(idleRssMb)} → ${fmt(r.rssPeakMb)} MB${r.rows === undefined ? "" : `, log rows ${r.rows}/${r.sent}`}`,
        );
        if (r.failures) console.log(`    failures: ${r.failureDetail}`);
        await Bun.sleep(1000);
      }
      const agg = Object.fromEntries(TARGETS.map((name) => [name, aggregate(runs.filter((r) => r.target === name))])) as Record<TargetName, Agg>;
      return { id: "open-streams" as const, title: `Open streams: ${streams} held ≈${config.holdS} s`, setup: `open-streams.ts, ${openModel()} (1 chunk/s), opened 500 per 100 ms, 1 round`, kind: "open" as const, runs, agg };
    })();
    console.log(`\n${renderScenario(s)}`);
    results.push(s);
  }
  let translationCache: TranslationCacheResult | undefined;
  if (wants("translation-cache")) {
    // The burst's unique requests spread over 5 ms each (10 s for 2,000), the hit probe a quarter of them.
    translationCache = await runTranslationCache(procs.llmio, procs.fake, tmp, {
      requests: config.translationRequests,
      spreadMs: config.translationRequests * 5,
      hitProbe: Math.max(50, Math.round(config.translationRequests / 4)),
      missCostDurationS: D,
      missCostRounds: R,
    });
    console.log(`\n${renderTranslationCache(translationCache)}`);
  }
  let tracing: TracingResult | undefined;
  if (wants("tracing")) {
    tracing = await runTracing(procs.fake, tmp, {
      durationS: D,
      rounds: R,
      // Fresh processes: their first seconds of load run slower (heap growth, JIT), longer than the shared warm-up.
      warmupS: config.warmupS * 3,
      chatModel: CHAT_MODEL,
      streamModel: streamModel(),
      baselineRoot: flags["tracing-baseline"],
      gatewayEnv,
      providerLimit: config.providerLimit,
    });
    console.log(`\n${renderTracing(tracing)}`);
  }
  let soak: SoakResult | undefined;
  if (wants("soak")) {
    soak = await runSoak(procs.llmio, { durationS: config.soakS, concurrency: config.soakConcurrency, sampleEveryS: 30 });
    console.log(`\n${renderSoak(soak)}`);
  }

  await Bun.sleep(2000);
  const idleAfter = Object.fromEntries(TARGETS.map((name) => [name, readMem(targetOf(procs, name).pid)?.rssMb ?? Number.NaN])) as Record<TargetName, number>;
  const hwm = Object.fromEntries(TARGETS.map((name) => [name, readMem(targetOf(procs, name).pid)?.hwmMb ?? Number.NaN])) as Record<TargetName, number>;
  const loadStart = loadAtStart;
  const fakeCpuDirect = results.filter((r) => r.kind === "wrk").map((r) => `${r.id} ${fmt(r.agg.direct.cpu.target)}%`);

  const memTable = markdownTable(
    ["target", "idle RSS MB (configured)", "idle RSS MB (after the run)", "VmHWM MB (lifetime peak)"],
    TARGETS.map((name) => [name === "direct" ? "direct (fake upstream)" : name === "llmio" ? `llmio (${llmio.program === "binary" ? "dist/llmio" : "sources under Bun"})` : name, fmt(idleFresh[name]), fmt(idleAfter[name]), fmt(hwm[name])]),
  );
  const verdictList = verdicts({ results, paths, idle: idleFresh, llmioProgram: llmio.program, soak, translationCache, tracing });
  const elapsedS = (Date.now() - startedAt) / 1000;

  const command = `bun run bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
  const md = [
    `# llmio gateway benchmark — ${mode} run`,
    "",
    `Command: \`${command}\` (${fmt(elapsedS / 60)} min)${flags.profile ? " — llmio ran under the CPU profiler: its numbers are not comparable" : ""}.`,
    "",
    "## Setup",
    "",
    ...facts.lines,
    `- targets, alternated within each scenario (direct → llmio → portkey, ${R} round(s); tables show the mean over rounds, max = max over rounds): **direct** = the fake upstream (\`llmio fake-upstream\`, Bun.serve); **llmio** = \`llmio serve\` with request logging to SQLite, models named like the fake's model strings; **portkey** = Portkey's gateway with \`x-portkey-provider: openai\` + \`x-portkey-custom-host\``,
    "- every target gets the same JSON body; the fake's answer is deterministic (`words=N`)",
    "- columns: `+p50`/`+p99` = added latency vs direct (same scenario, mean of rounds); `vs direct`/`vs Portkey` = throughput ratios; `CPU %` = % of one core (target / fake upstream / load generator) averaged over the measurement; `CPU µs/req` = the target's CPU time per request; `log rows = sent` = new rows in llmio's `request_logs` vs requests the load generator wrote (wrk counts them in its Lua `request()` hook, so requests cut off by wrk's deadline are included)",
    `- a measurement during which other programs used more than ${OTHER_CPU_WARN}% of a core ("other CPU %") is taken again, up to ${MAX_REPEATS} more times and ${quick ? 20 : 90} s in all; the last one counts`,
    ...notes.map((n) => `- NOTE: ${n}`),
    "",
    "## Targets (verdicts)",
    "",
    renderVerdicts(verdictList),
    "",
    `Fake upstream CPU during the direct runs (100% = one core of ${cpus().length}; a single JS thread saturates near 100%): ${fakeCpuDirect.join(", ") || "–"}.`,
    "",
    disturbance([...results, ...paths], loadStart),
    "",
    "## Scenarios",
    "",
    ...results.flatMap((r) => [`### ${r.title}`, "", `${r.setup}`, "", renderScenario(r), "", ...failureNotes(r), ""]),
    ...paths.flatMap((p) => [
      `### ${p.title}`,
      "",
      p.setup,
      "",
      renderPaths(p),
      "",
      "`llmio CPU µs/req` is llmio's CPU time per request (for the direct rows, the fake upstream's, in parentheses); `translated ÷ pass CPU` compares a translated path with the pass-through path of the same client protocol.",
      "",
    ]),
    ...(translationCache ? ["### Translation cache (llmio, Immersive Translate burst, cache off vs on)", "", translationCacheSetup(translationCache), "", renderTranslationCache(translationCache), ""] : []),
    ...(tracing ? ["### Tracing (llmio, OpenTelemetry off vs on)", "", tracingSetup(tracing), "", renderTracing(tracing), ""] : []),
    ...(soak ? [`### Soak (llmio, mixed traffic, concurrency ${soak.concurrency}, ${fmt(soak.durationS / 60)} min)`, "", renderSoak(soak), ""] : []),
    "## Memory",
    "",
    memTable,
    "",
    "## Per-round measurements",
    "",
    markdownTable(
      ["scenario", "round", "target", "req/s", "p50 ms", "p99 ms", "max ms", "failures", "RSS peak MB", "CPU % target/fake/load", "other CPU %", "log rows / sent"],
      [...results, ...paths].flatMap((r) =>
        measuredRuns(r).map((x) => [
          r.id,
          x.repeats ? `${x.round} (measured ${x.repeats + 1}×)` : String(x.round),
          x.label,
          fmt(x.rps),
          fmt(x.latency.p50),
          fmt(x.latency.p99),
          fmt(x.latency.max),
          String(x.failures),
          fmt(x.rssPeakMb),
          `${fmt(x.cpu.target)} / ${fmt(x.cpu.fake)} / ${fmt(x.cpu.load)}`,
          fmt(x.cpu.other),
          x.rows === undefined ? "–" : `${x.rows} / ${x.sent}`,
        ]),
      ),
    ),
    "",
  ].join("\n");

  console.log(`\n## Memory\n\n${memTable}\n\n## Targets\n\n${renderVerdicts(verdictList)}\n\n${disturbance([...results, ...paths], loadStart)}`);
  const mismatches = verdictList.find((v) => v.text.startsWith("log rows") && !v.met);
  if (mismatches) console.log(`\n!!!! LOG ROWS DO NOT MATCH REQUESTS SENT: ${mismatches.text}`);

  if (!flags["no-write"]) {
    const dir = join(ROOT, "bench/results");
    mkdirSync(join(dir, "raw"), { recursive: true });
    // A partial run (--only) or one with changed knobs gets its own name and leaves latest.md alone.
    const partial = only !== undefined || config.fetchMax !== 65_535 || flags.profile;
    const suffix = [only ? `only-${[...only].join("+")}` : "", config.fetchMax !== 65_535 ? `fetch-max-${config.fetchMax}` : "", flags.profile ? "profiled" : ""].filter(Boolean).join("-");
    const name = `${stamp}-${mode}${suffix ? `-${suffix}` : ""}`;
    const file = join(dir, `${name}.md`);
    writeFileSync(file, md);
    if (!partial) writeFileSync(join(dir, "latest.md"), md);
    writeFileSync(join(dir, "raw", `${name}.json`), JSON.stringify({ config, idleFresh, idleAfter, hwm, results, paths, soak, translationCache, tracing, verdicts: verdictList }, null, 2));
    console.log(`\nwrote ${file.replace(`${ROOT}/`, "")}${partial ? "" : " and bench/results/latest.md"} (raw data: bench/results/raw/)`);
  }
  for (const name of ["llmio", "portkey"] as const) {
    const log = readFileSync(targetOf(procs, name).logFile, "utf8");
    const errors = log.split("\n").filter((line) => /error|exception|EMFILE/i.test(line));
    if (errors.length) console.log(`\n${name} log: ${errors.length} line(s) mention errors, e.g.: ${errors.slice(0, 3).join(" / ").slice(0, 400)}`);
  }
  // Graceful stops (llmio flushes its log and, with --profile, writes the profile on exit).
  await Promise.all(TARGETS.map((name) => stopTarget(targetOf(procs, name))));
  if (flags.profile) console.log(`\nllmio CPU profile: ${profileDir.replace(`${ROOT}/`, "")}/`);
  console.log(`\ndone in ${fmt(elapsedS / 60)} min`);
}

installCleanup((signal) => console.error(`\nbench: ${signal}: stopping targets and load generators …`));
try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
}
