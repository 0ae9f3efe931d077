/**
 * The `translation-cache` scenario (issue 18): llmio alone replays a translation session the way
 * Immersive Translate sends it (translation-session.ts) against an upstream with realistic
 * latency (`first-byte-delay`) and a per-model RPM quota (`rpm=N`), once through a model with the
 * response cache off and once through one with it on (and coalescing), side by side in one run.
 * Direct and Portkey have no cache, so they are not measured here.
 *
 *   - The burst: `requests` requests, 40% of them repeats; of the repeats, 3 in 8 follow their
 *     original while it is still in flight (coalescing), the rest after its answer (the cache).
 *   - The quota sits between the unique requests and all requests: what the deduplicated traffic
 *     needs fits, the raw traffic does not (an operator whose translation bursts hit 429s).
 *     Each mode's upstream model string has a quota of its own (the fake counts per model
 *     string), so the modes do not share a window; both go through the same llmio provider,
 *     the cache-on mode first so the other's 429 cool-down cannot touch it.
 *   - Upstream calls are the attempts llmio logged with a provider (every one reached the fake).
 *   - A hit's latency: the cached requests again one at a time (concurrency 1), against the same
 *     bodies sent straight to the fake without its delay (the direct hop of that request shape):
 *     what a hit adds over an upstream that answers at once.
 *   - What the cache costs on a miss: every request unique, concurrency 32, a model with the cache
 *     on (TTL 3600 s) against one with it off, alternated (the order flips every round),
 *     llmio's CPU time per request.
 *   - The memory bound put to the test: one more such run with the bound lowered to 1 MB
 *     (`cacheMaxMb`), so the thousands of unique answers overflow it; `GET /api/cache` afterwards
 *     shows whether memory stayed within it.
 */
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { lastRowId, type ModelLog, modelLog } from "./log-rows.ts";
import { BUN, spawn } from "./proc.ts";
import type { Verdict } from "./report.ts";
import { ProcSampler, readMem } from "./rss.ts";
import { distribution, type Dist, mean } from "./stats.ts";
import { delta, fmt, markdownTable, ratio } from "./table.ts";
import type { BenchModel, LlmioTarget, Target } from "./targets.ts";
import type { ReplayResult, SequentialResult, TranslationJob, UniqueResult } from "./translation-client.ts";
import { type PlannedRequest, planBurst, type SessionShape, translationBody, withModel } from "./translation-session.ts";

/** The issue's goal for a hit: at most this much over the direct hop, at p50. */
export const HIT_ADDED_P50_LIMIT_MS = 1;
/** The upstream's time to first byte: "hundreds of ms". */
export const UPSTREAM_DELAY_MS = 300;
const ANSWER_WORDS = 60;
const REPEAT_SHARE = 0.4;
const IN_FLIGHT_SHARE_OF_REPEATS = 0.375;
/** The memory bound during the miss-cost runs: small, so the unique answers overflow it. */
const EVICTION_BOUND_MB = 1;
/** How far above the unique requests the quota sits (10%). */
const QUOTA_HEADROOM = 1.1;

export interface TranslationCacheOptions {
  requests: number;
  spreadMs: number;
  hitProbe: number;
  missCostDurationS: number;
  missCostRounds: number;
}

/** The fixed shape of the burst, for a given size. */
export function sessionShape(options: Pick<TranslationCacheOptions, "requests" | "spreadMs">): SessionShape {
  return { requests: options.requests, repeatShare: REPEAT_SHARE, inFlightShareOfRepeats: IN_FLIGHT_SHARE_OF_REPEATS, spreadMs: options.spreadMs, inFlightWithinMs: Math.round(UPSTREAM_DELAY_MS * 0.6), seed: 18 };
}

function uniqueOf(requests: number): number {
  return requests - Math.round(requests * REPEAT_SHARE);
}

export function rpmQuota(requests: number): number {
  return Math.ceil(uniqueOf(requests) * QUOTA_HEADROOM);
}

export type CacheMode = "cache off" | "cache on";
const MODES: readonly CacheMode[] = ["cache on", "cache off"];
const MODEL: Record<CacheMode, string> = { "cache off": "imt-cache-off", "cache on": "imt-cache-on" };
const MISS_MODEL: Record<CacheMode, string> = { "cache off": "imt-miss-cache-off", "cache on": "imt-miss-cache-on" };
const CACHE_ON = { cacheTtlSeconds: 3600, coalesce: true };
const CACHE_OFF = { cacheTtlSeconds: 0 };
/** The fake model the miss-cost requests reach: no delay, no quota. */
const MISS_UPSTREAM = "fake-model+words=20";
/** The direct hop of the hit probe: the same answer without the delay. */
const DIRECT_UPSTREAM = `fake-model+words=${ANSWER_WORDS}`;

function upstreamModel(mode: CacheMode, requests: number): string {
  // Another base name per mode: another quota window at the fake (see the header).
  return `translate-${mode === "cache on" ? "on" : "off"}+first-byte-delay=${UPSTREAM_DELAY_MS}+rpm=${rpmQuota(requests)}+words=${ANSWER_WORDS}`;
}

/** The llmio models the scenario needs: one pair for the burst (same provider route), one for the miss cost. */
export function translationCacheModels(requests: number): BenchModel[] {
  return MODES.flatMap((mode) => [
    { name: MODEL[mode], route: [{ provider: "translator" as const, providerModel: upstreamModel(mode, requests) }], cache: mode === "cache on" ? CACHE_ON : CACHE_OFF },
    { name: MISS_MODEL[mode], route: [{ provider: "fake" as const, providerModel: MISS_UPSTREAM }], cache: mode === "cache on" ? CACHE_ON : CACHE_OFF },
  ]);
}

export interface ModeResult {
  mode: CacheMode;
  model: string;
  sent: number;
  uniqueSent: number;
  /** Repeats sent while their original was still in flight (as it happened, not as planned). */
  repeatsInFlight: number;
  repeatsAfter: number;
  ok: number;
  status429: number;
  /** 503s: llmio waited for the cooling provider until its queue timeout (a 429 by another name). */
  status503: number;
  /**
   * Repeats refused for the rate limit (429, or 503 after waiting out the cool-down) although
   * their original had succeeded: the cache could have answered them.
   */
  avoidable429: number;
  otherFailures: string;
  latencyMs: Dist;
  /** Latency of the repeats per kind (p50). */
  inFlightRepeatP50Ms: number;
  afterRepeatP50Ms: number;
  /** `x-llmio-cache: hit` answers the client got. */
  hits: number;
  log: ModelLog;
  durationS: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  cpuOther: number;
}

export interface HitProbe {
  requests: number;
  hits: number;
  directP50Ms: number;
  hitP50Ms: number;
  directP99Ms: number;
  hitP99Ms: number;
}

export interface MissCostRun {
  mode: CacheMode;
  round: number;
  rps: number;
  p50Ms: number;
  cpuPercent: number;
  cpuUsPerRequest: number;
  failures: number;
  other: number;
}

export interface CacheStatsSnapshot {
  memoryBytes: number;
  memoryMaxBytes: number;
  memoryEntries: number;
  entries: number;
  byModel: Array<{ model: string; entries: number; bytes: number }>;
}

export interface TranslationCacheResult {
  options: TranslationCacheOptions;
  rpm: number;
  modes: ModeResult[];
  hitProbe: HitProbe;
  missCost: MissCostRun[];
  /** `GET /api/cache` after the burst; undefined when llmio does not answer it. */
  cacheStats?: CacheStatsSnapshot;
  cacheStatsError?: string;
  /** `GET /api/cache` after the miss-cost runs, with the bound lowered to EVICTION_BOUND_MB. */
  evictionStats?: CacheStatsSnapshot & { storedAnswers: number };
}

async function runClient<T>(tmp: string, name: string, job: TranslationJob, onStart?: (pid: number) => void): Promise<T> {
  const file = join(tmp, `translation-${name}.json`);
  writeFileSync(file, JSON.stringify(job));
  const child = spawn([BUN, "bench/translation-client.ts", "--job", file], { output: "pipe", env: { BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" } });
  onStart?.(child.pid);
  const [out, err] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  if ((await child.exited) !== 0) throw new Error(`translation client (${name}) failed: ${err || out}`);
  return JSON.parse(out) as T;
}

function p50(values: number[]): number {
  return distribution(values).p50;
}

async function runMode(llmio: LlmioTarget, fake: Target, tmp: string, mode: CacheMode, plan: PlannedRequest[]): Promise<ModeResult> {
  const model = MODEL[mode];
  const afterId = lastRowId(llmio.dbPath);
  const rssBeforeMb = readMem(llmio.pid)?.rssMb ?? Number.NaN;
  const sampler = new ProcSampler([llmio.pid, fake.pid]);
  const job: TranslationJob = { mode: "replay", url: llmio.chatUrl, headers: llmio.headers, timeoutMs: 120_000, model, plan };
  const r = await runClient<ReplayResult>(tmp, mode.replace(" ", "-"), job, (pid) => sampler.add(pid));
  sampler.stop();
  // The log writer batches rows; wait until every request has its row (or a few seconds passed).
  let log = modelLog(llmio.dbPath, afterId, model);
  for (const until = Date.now() + 5000; log.calls !== r.requests.length && Date.now() < until; ) {
    await Bun.sleep(250);
    log = modelLog(llmio.dbPath, afterId, model);
  }
  const requests = r.requests;
  const statusOf = (index: number) => requests[index]?.status;
  const failures: Record<string, number> = {};
  for (const x of requests) if (x.status !== 200 && x.status !== 429 && x.status !== 503) failures[x.status === 0 ? "network error or timeout" : `HTTP ${x.status}`] = (failures[x.status === 0 ? "network error or timeout" : `HTTP ${x.status}`] ?? 0) + 1;
  const inFlight = requests.filter((x) => x.kind === "repeat-in-flight");
  const after = requests.filter((x) => x.kind === "repeat-after");
  return {
    mode,
    model,
    sent: requests.length,
    uniqueSent: new Set(requests.map((x) => x.original)).size,
    repeatsInFlight: requests.filter((x) => x.kind !== "unique" && x.originalInFlight).length,
    repeatsAfter: requests.filter((x) => x.kind !== "unique" && !x.originalInFlight).length,
    ok: requests.filter((x) => x.status === 200).length,
    status429: requests.filter((x) => x.status === 429).length,
    status503: requests.filter((x) => x.status === 503).length,
    avoidable429: requests.filter((x) => x.kind !== "unique" && (x.status === 429 || x.status === 503) && statusOf(x.original) === 200).length,
    otherFailures: Object.entries(failures)
      .map(([k, v]) => `${k} ×${v}`)
      .join(", "),
    latencyMs: distribution(requests.map((x) => x.ms)),
    inFlightRepeatP50Ms: p50(inFlight.map((x) => x.ms)),
    afterRepeatP50Ms: p50(after.map((x) => x.ms)),
    hits: requests.filter((x) => x.cache === "hit").length,
    log,
    durationS: r.durationS,
    rssBeforeMb,
    rssPeakMb: sampler.peakRss.get(llmio.pid) ?? Number.NaN,
    rssAfterMb: readMem(llmio.pid)?.rssMb ?? Number.NaN,
    cpuOther: sampler.otherPercent(),
  };
}

async function probeHits(llmio: LlmioTarget, fake: Target, tmp: string, plan: PlannedRequest[], count: number): Promise<HitProbe> {
  const originals = plan.filter((x) => x.kind === "unique").slice(0, count);
  const cached = originals.map((x) => translationBody(MODEL["cache on"], x.paragraphs));
  const direct = cached.map((body) => withModel(body, DIRECT_UPSTREAM));
  // Half each, twice, so drift of the machine hits both alike.
  const half = Math.ceil(cached.length / 2);
  const directMs: number[] = [];
  const hitMs: number[] = [];
  let hits = 0;
  for (const part of [0, 1]) {
    const slice = (xs: string[]) => xs.slice(part * half, (part + 1) * half);
    const d = await runClient<SequentialResult>(tmp, `direct-probe-${part}`, { mode: "sequential", url: fake.chatUrl, headers: fake.headers, timeoutMs: 10_000, bodies: slice(direct) });
    const h = await runClient<SequentialResult>(tmp, `hit-probe-${part}`, { mode: "sequential", url: llmio.chatUrl, headers: llmio.headers, timeoutMs: 10_000, bodies: slice(cached) });
    directMs.push(...d.answers.filter((a) => a.status === 200).map((a) => a.ms));
    const answeredFromCache = h.answers.filter((a) => a.status === 200 && a.cache === "hit");
    hits += answeredFromCache.length;
    hitMs.push(...answeredFromCache.map((a) => a.ms));
  }
  const d = distribution(directMs);
  const h = distribution(hitMs);
  return { requests: cached.length, hits, directP50Ms: d.p50, hitP50Ms: h.p50, directP99Ms: d.p99, hitP99Ms: h.p99 };
}

async function measureMissCost(llmio: LlmioTarget, fake: Target, tmp: string, options: TranslationCacheOptions): Promise<MissCostRun[]> {
  const runs: MissCostRun[] = [];
  for (let round = 1; round <= options.missCostRounds; round++) {
    const order: CacheMode[] = round % 2 === 1 ? ["cache off", "cache on"] : ["cache on", "cache off"];
    for (const mode of order) {
      const sampler = new ProcSampler([llmio.pid, fake.pid]);
      const job: TranslationJob = { mode: "unique", url: llmio.chatUrl, headers: llmio.headers, timeoutMs: 30_000, model: MISS_MODEL[mode], concurrency: 32, durationS: options.missCostDurationS };
      const r = await runClient<UniqueResult>(tmp, `miss-${mode.replace(" ", "-")}-${round}`, job, (pid) => sampler.add(pid));
      sampler.stop();
      const rps = r.ok / r.durationS;
      const cpuPercent = sampler.cpuPercent(llmio.pid);
      runs.push({ mode, round, rps, p50Ms: r.latencyMs.p50, cpuPercent, cpuUsPerRequest: (cpuPercent / 100 / rps) * 1e6, failures: r.failed, other: sampler.otherPercent() });
      const last = runs.at(-1)!;
      console.log(`  miss cost round ${round} ${mode.padEnd(9)} ${fmt(rps)} req/s, p50 ${fmt(last.p50Ms)} ms, llmio CPU ${fmt(cpuPercent)}% = ${fmt(last.cpuUsPerRequest)} µs/req, failures ${r.failed}, other ${fmt(last.other)}%`);
      await Bun.sleep(300);
    }
  }
  return runs;
}

async function readCacheStats(llmio: LlmioTarget): Promise<{ stats?: CacheStatsSnapshot; error?: string }> {
  try {
    const stats = (await llmio.admin("GET", "/api/cache")) as CacheStatsSnapshot;
    return { stats };
  } catch (error) {
    return { error: error instanceof Error ? error.message.slice(0, 200) : String(error) };
  }
}

export async function runTranslationCache(llmio: LlmioTarget, fake: Target, tmp: string, options: TranslationCacheOptions): Promise<TranslationCacheResult> {
  const plan = planBurst(sessionShape(options));
  const rpm = rpmQuota(options.requests);
  console.log(
    `\n▶ Translation cache: a burst of ${options.requests} Immersive Translate requests (${fmt(REPEAT_SHARE * 100)}% repeats), upstream first byte ${UPSTREAM_DELAY_MS} ms and ${rpm} RPM per model; llmio cache on, then off`,
  );
  const modes: ModeResult[] = [];
  let hitProbe: HitProbe | undefined;
  let cacheStats: { stats?: CacheStatsSnapshot; error?: string } = {};
  for (const mode of MODES) {
    const m = await runMode(llmio, fake, tmp, mode, plan);
    modes.push(m);
    console.log(
      `  ${mode.padEnd(9)} ${m.sent} sent (${m.uniqueSent} unique, repeats: ${m.repeatsInFlight} in flight, ${m.repeatsAfter} after), upstream calls ${m.log.upstreamAttempts}, 429s ${m.status429}, 503s ${m.status503} (avoidable ${m.avoidable429}), hits ${m.hits}, p50 ${fmt(m.latencyMs.p50)} ms, p99 ${fmt(m.latencyMs.p99)} ms, log rows ${m.log.calls}/${m.sent}, RSS ${fmt(m.rssBeforeMb)} → peak ${fmt(m.rssPeakMb)} MB${m.otherFailures ? `, failures: ${m.otherFailures}` : ""}`,
    );
    if (mode === "cache on") {
      cacheStats = await readCacheStats(llmio);
      hitProbe = await probeHits(llmio, fake, tmp, plan, options.hitProbe);
      console.log(`  hit probe (concurrency 1, ${hitProbe.requests} cached requests): hits ${hitProbe.hits}, p50 ${fmt(hitProbe.hitP50Ms)} ms vs direct ${fmt(hitProbe.directP50Ms)} ms`);
    }
  }
  console.log(`\n  miss cost: every request unique, concurrency 32, ${options.missCostDurationS} s per measurement, ${options.missCostRounds} round(s)`);
  const missCost = await measureMissCost(llmio, fake, tmp, options);
  let evictionStats: TranslationCacheResult["evictionStats"];
  const before = cacheStats.stats ? ((await llmio.admin("GET", "/api/settings")) as { cacheMaxMb: number }).cacheMaxMb : undefined;
  if (before !== undefined) {
    await llmio.admin("PUT", "/api/settings", { cacheMaxMb: EVICTION_BOUND_MB });
    const overflow: TranslationJob = { mode: "unique", url: llmio.chatUrl, headers: llmio.headers, timeoutMs: 30_000, model: MISS_MODEL["cache on"], concurrency: 32, durationS: options.missCostDurationS };
    await runClient<UniqueResult>(tmp, "overflow", overflow);
    const after = await readCacheStats(llmio);
    const stored = after.stats?.byModel.find((m) => m.model === MISS_MODEL["cache on"])?.entries ?? 0;
    if (after.stats) evictionStats = { ...after.stats, storedAnswers: stored };
    await llmio.admin("PUT", "/api/settings", { cacheMaxMb: before });
    if (evictionStats) console.log(`  cache memory after a miss run with cacheMaxMb ${EVICTION_BOUND_MB}: ${fmt(evictionStats.memoryBytes / 2 ** 20)} MB of a ${fmt(evictionStats.memoryMaxBytes / 2 ** 20)} MB bound (${evictionStats.memoryEntries} in memory, ${stored} stored in the database)`);
  }
  return { options, rpm, modes, hitProbe: hitProbe!, missCost, cacheStats: cacheStats.stats, cacheStatsError: cacheStats.error, evictionStats };
}

// ---------------------------------------------------------------------------------------
// Report

export function translationCacheSetup(r: TranslationCacheResult): string {
  const o = r.options;
  return `llmio only (direct and Portkey have no cache). A burst of ${o.requests} Immersive Translate requests (1-4 paragraphs each, the plugin's prompt shape, \`temperature: 0\`, no stream; \`bench/translation-session.ts\`), ${fmt(REPEAT_SHARE * 100)}% repeats: ${fmt(IN_FLIGHT_SHARE_OF_REPEATS * 100)}% of them within ${Math.round(UPSTREAM_DELAY_MS * 0.6)} ms of their original (still in flight), the rest after its answer; unique requests spread over ${fmt(o.spreadMs / 1000)} s. Upstream: the fake with \`first-byte-delay=${UPSTREAM_DELAY_MS}\` and \`rpm=${r.rpm}\` (10% above the unique requests) per mode. Models: \`${MODEL["cache off"]}\` (cacheTtlSeconds 0) and \`${MODEL["cache on"]}\` (cacheTtlSeconds 3600, coalesce), same provider; cache on runs first.`;
}

function rowsCell(m: ModeResult): string {
  return m.log.calls === m.sent ? `${m.log.calls} = ${m.sent} ✓` : `${m.log.calls} ≠ ${m.sent} ✗`;
}

export function renderTranslationCache(r: TranslationCacheResult): string {
  const ordered = (["cache off", "cache on"] as const).map((mode) => r.modes.find((m) => m.mode === mode)!);
  const modes = markdownTable(
    ["mode", "requests", "unique requests", "upstream calls", "429s seen by client", "503s (cool-down wait expired)", "avoidable 429/503", "other failures", "p50 ms", "p99 ms", "repeat p50 ms in flight / after", "hits", "log rows = requests", "llmio RSS MB before → peak"],
    ordered.map((m) => [
      `${m.mode} (\`${m.model}\`)`,
      `${m.sent} (repeats: ${m.repeatsInFlight} in flight, ${m.repeatsAfter} after)`,
      String(m.uniqueSent),
      String(m.log.upstreamAttempts),
      String(m.status429),
      String(m.status503),
      String(m.avoidable429),
      m.otherFailures || "0",
      fmt(m.latencyMs.p50),
      fmt(m.latencyMs.p99),
      `${fmt(m.inFlightRepeatP50Ms)} / ${fmt(m.afterRepeatP50Ms)}`,
      `${m.hits} (log ${m.log.hits})`,
      rowsCell(m),
      `${fmt(m.rssBeforeMb)} → ${fmt(m.rssPeakMb)}`,
    ]),
  );
  const h = r.hitProbe;
  const hits = markdownTable(
    ["hit probe, concurrency 1", "requests", "answered from the cache", "p50 ms", "p99 ms"],
    [
      [`direct: the fake, same bodies, no delay (\`${DIRECT_UPSTREAM}\`)`, String(h.requests), "–", fmt(h.directP50Ms), fmt(h.directP99Ms)],
      [`llmio hit (\`${MODEL["cache on"]}\`)`, String(h.requests), String(h.hits), `${fmt(h.hitP50Ms)} (${delta(h.hitP50Ms - h.directP50Ms)})`, `${fmt(h.hitP99Ms)} (${delta(h.hitP99Ms - h.directP99Ms)})`],
    ],
  );
  const miss = missCostTable(r);
  const stats = r.cacheStats
    ? `Cache after the burst (\`GET /api/cache\`): ${r.cacheStats.memoryEntries} answers in memory, ${fmt(r.cacheStats.memoryBytes / 2 ** 20)} MB of a ${fmt(r.cacheStats.memoryMaxBytes / 2 ** 20)} MB bound; ${r.cacheStats.entries} in the database.`
    : `Cache stats unavailable (\`GET /api/cache\`: ${r.cacheStatsError ?? "no answer"}).`;
  const e = r.evictionStats;
  const eviction = e
    ? ` After one more miss run with \`cacheMaxMb\` ${EVICTION_BOUND_MB}: ${e.storedAnswers} unique answers stored (database), ${e.memoryEntries} in memory, ${fmt(e.memoryBytes / 2 ** 20)} MB of the ${fmt(e.memoryMaxBytes / 2 ** 20)} MB bound.`
    : "";
  return `${modes}\n\n${hits}\n\n${miss}\n\n${stats}${eviction}`;
}

function missCostTable(r: TranslationCacheResult): string {
  const of = (mode: CacheMode) => r.missCost.filter((x) => x.mode === mode);
  const cpu = (mode: CacheMode) => mean(of(mode).map((x) => x.cpuUsPerRequest));
  return markdownTable(
    ["miss cost: all requests unique, concurrency 32", "req/s", "p50 ms", "llmio CPU %", "llmio CPU µs/req", "per round", "failures", "vs cache off"],
    (["cache off", "cache on"] as const).map((mode) => [
      `${mode} (\`${MISS_MODEL[mode]}\`)`,
      fmt(mean(of(mode).map((x) => x.rps))),
      fmt(mean(of(mode).map((x) => x.p50Ms))),
      fmt(mean(of(mode).map((x) => x.cpuPercent))),
      fmt(cpu(mode)),
      of(mode)
        .map((x) => fmt(x.cpuUsPerRequest))
        .join(" / "),
      String(of(mode).reduce((sum, x) => sum + x.failures, 0)),
      mode === "cache off" ? "1.00×" : ratio(cpu(mode) / cpu("cache off")),
    ]),
  );
}

export function translationCacheVerdicts(r: TranslationCacheResult): Verdict[] {
  const on = r.modes.find((m) => m.mode === "cache on")!;
  const off = r.modes.find((m) => m.mode === "cache off")!;
  const out: Verdict[] = [];
  out.push({
    text: `translation-cache: upstream calls = unique requests (cache on): ${on.log.upstreamAttempts} calls for ${on.uniqueSent} unique of ${on.sent} requests (cache off: ${off.log.upstreamAttempts} calls)`,
    met: on.log.upstreamAttempts === on.uniqueSent,
  });
  out.push({
    text: `translation-cache: no 429 the cache could have avoided reaches the client (cache on; a 503 after waiting out the provider's cool-down counts as one): ${on.avoidable429} avoidable of ${on.status429} 429s and ${on.status503} 503s (cache off: ${off.status429} 429s and ${off.status503} 503s, ${off.avoidable429} of them on repeats of answered requests)`,
    met: on.avoidable429 === 0,
  });
  const h = r.hitProbe;
  const added = h.hitP50Ms - h.directP50Ms;
  const allHits = h.hits === h.requests;
  out.push({
    text: `translation-cache: a hit adds ≤ ${HIT_ADDED_P50_LIMIT_MS} ms at p50 over the direct hop of the same request (concurrency 1, the fake without delay): ${delta(added)} ms (${fmt(h.hitP50Ms)} vs ${fmt(h.directP50Ms)} ms)${allHits ? "" : ` — only ${h.hits} of ${h.requests} probe requests were hits`}`,
    met: h.hits === 0 ? false : added <= HIT_ADDED_P50_LIMIT_MS,
  });
  const s = r.cacheStats;
  const e = r.evictionStats;
  const mb = (bytes: number) => fmt(bytes / 2 ** 20);
  const overflowed = e !== undefined && e.storedAnswers > e.memoryEntries;
  out.push({
    text: s
      ? `translation-cache: the cache's memory stays within its bound: after the burst ${mb(s.memoryBytes)} of ${mb(s.memoryMaxBytes)} MB (llmio RSS ${fmt(on.rssBeforeMb)} → peak ${fmt(on.rssPeakMb)} MB); ${e ? `with the bound at ${EVICTION_BOUND_MB} MB and ${e.storedAnswers} unique answers stored, ${mb(e.memoryBytes)} of ${mb(e.memoryMaxBytes)} MB (${e.memoryEntries} in memory)${overflowed ? "" : " — the answers did not overflow the bound, so it was not put to the test"}` : "the lowered bound was not measured"}`
      : `translation-cache: the cache's memory stays within its bound: not measured (${r.cacheStatsError ?? "GET /api/cache gave no answer"})`,
    met: s ? s.memoryBytes <= s.memoryMaxBytes && (e === undefined || e.memoryBytes <= e.memoryMaxBytes) : undefined,
  });
  const cpu = (mode: CacheMode) => mean(r.missCost.filter((x) => x.mode === mode).map((x) => x.cpuUsPerRequest));
  out.push({
    text: `(information) translation-cache: CPU per request on a miss (all requests unique, concurrency 32): cache on ${fmt(cpu("cache on"))} µs vs off ${fmt(cpu("cache off"))} µs (${ratio(cpu("cache on") / cpu("cache off"))})`,
    met: undefined,
  });
  return out;
}

/** Requests sent and requests logged, both modes together (for the report's log-rows check). */
export function translationCacheRows(r: TranslationCacheResult): { rows: number; sent: number } {
  return { rows: r.modes.reduce((sum, m) => sum + m.log.calls, 0), sent: r.modes.reduce((sum, m) => sum + m.sent, 0) };
}
