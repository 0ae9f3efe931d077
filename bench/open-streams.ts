/**
 * Many long streams held open at once (run as its own process). Opens `streams` streaming
 * requests in batches (`batch` every `interval-ms`), reads each to its end, and tracks how
 * many are open at the same moment (first byte received, end not yet reached). The upstream
 * is expected to pace its stream so each lasts about `hold` seconds. Streams still running
 * at `deadline` seconds are aborted and counted as unfinished. Prints a JSON object
 * (OpenStreamsResult) on stdout and a progress line per second on stderr.
 *
 * The process needs one file descriptor per stream: keep RLIMIT_NOFILE in mind.
 * BUN_CONFIG_MAX_HTTP_REQUESTS must be at least `streams` (Bun's fetch caps concurrent
 * requests at 256 by default); the benchmark sets it.
 */
import { parseArgs } from "node:util";
import { distribution, type Dist } from "./stats.ts";
import { errorKey, parseHeaders } from "./stream-client.ts";

const decoder = new TextDecoder();

export interface OpenStreamsResult {
  requested: number;
  /** Most streams open at the same moment (first byte seen, not finished). */
  peakOpen: number;
  /** Seconds from the first request until `peakOpen` was reached. */
  peakAtS: number;
  ok: number;
  failed: number;
  /** Still running (no end) when the deadline aborted them. */
  unfinished: number;
  /** Streams that never got a first byte before the deadline. */
  neverStarted: number;
  rampS: number;
  ttfbMs: Dist;
  totalMs: Dist;
  errors: Record<string, number>;
  /** Open streams once per second. */
  timeline: number[];
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      body: { type: "string" },
      header: { type: "string", multiple: true },
      streams: { type: "string", default: "10000" },
      batch: { type: "string", default: "500" },
      "interval-ms": { type: "string", default: "100" },
      deadline: { type: "string", default: "60" },
    },
  });
  if (!values.url || !values.body) throw new Error("--url and --body are required");
  const url = values.url;
  const init: RequestInit = { method: "POST", headers: { "content-type": "application/json", ...parseHeaders(values.header) }, body: values.body };
  const total = Number(values.streams);
  const batch = Number(values.batch);
  const intervalMs = Number(values["interval-ms"]);
  const deadlineMs = Number(values.deadline) * 1000;

  const abort = new AbortController();
  const ttfbs: number[] = [];
  const totals: number[] = [];
  const errors: Record<string, number> = {};
  let open = 0;
  let started = 0;
  let peakOpen = 0;
  let peakAt = 0;
  let failed = 0;
  let unfinished = 0;
  let neverStarted = 0;
  const timeline: number[] = [];
  const t0 = performance.now();

  const one = async () => {
    let gotFirst = false;
    const start = performance.now();
    try {
      const response = await fetch(url, { ...init, signal: abort.signal });
      if (response.status !== 200 || !response.body) {
        await response.text().catch(() => "");
        throw new Error(`HTTP ${response.status}`);
      }
      const reader = response.body.getReader();
      let sawDone = false;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!gotFirst && value.length > 0) {
          gotFirst = true;
          ttfbs.push(performance.now() - start);
          open++;
          if (open > peakOpen) {
            peakOpen = open;
            peakAt = performance.now() - t0;
          }
        }
        if (value.length >= 6 && decoder.decode(value.subarray(Math.max(0, value.length - 20))).includes("[DONE]")) sawDone = true;
      }
      if (!sawDone) throw new Error("no [DONE]");
      totals.push(performance.now() - start);
    } catch (error) {
      if (abort.signal.aborted) {
        unfinished++;
        if (!gotFirst) neverStarted++;
      } else {
        failed++;
        const key = errorKey(error);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    } finally {
      if (gotFirst) open--;
    }
  };

  const tick = setInterval(() => {
    timeline.push(open);
    process.stderr.write(`  open-streams: t=${timeline.length}s started=${started} open=${open} done=${totals.length} failed=${failed}\n`);
  }, 1000);
  const deadline = setTimeout(() => abort.abort(), deadlineMs);

  const all: Promise<void>[] = [];
  while (started < total && !abort.signal.aborted) {
    const n = Math.min(batch, total - started);
    for (let i = 0; i < n; i++) all.push(one());
    started += n;
    if (started < total) await Bun.sleep(intervalMs);
  }
  const rampS = (performance.now() - t0) / 1000;
  await Promise.all(all);
  clearTimeout(deadline);
  clearInterval(tick);
  const result: OpenStreamsResult = {
    requested: total,
    peakOpen,
    peakAtS: peakAt / 1000,
    ok: totals.length,
    failed,
    unfinished,
    neverStarted,
    rampS,
    ttfbMs: distribution(ttfbs),
    totalMs: distribution(totals),
    errors,
    timeline,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Aborted fetches may leave sockets behind; do not wait for them.
  process.exit(0);
}

if (import.meta.main) await main();
