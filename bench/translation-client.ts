#!/usr/bin/env bun
/**
 * Load client of the `translation-cache` scenario, run as its own process (its CPU is its own).
 * It reads one job (JSON file) and prints one JSON result on stdout:
 *
 *   replay      a burst of translation-session.ts: unique requests and in-flight repeats at their
 *               planned times, later repeats once their original has its answer. Per request: its
 *               kind, HTTP status, latency, the `x-llmio-cache` answer header, and whether the
 *               original was still in flight when it was sent.
 *   sequential  the given bodies one after another (concurrency 1): latency and cache header each.
 *   unique      `concurrency` workers sending translation requests that are all different for
 *               `durationS` seconds (a cache can only miss).
 *
 *   bun bench/translation-client.ts --job job.json
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { distribution, type Dist } from "./stats.ts";
import { type PlannedRequest, type RequestKind, translationBody } from "./translation-session.ts";

interface Endpoint {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export type TranslationJob =
  | (Endpoint & { mode: "replay"; model: string; plan: PlannedRequest[] })
  | (Endpoint & { mode: "sequential"; bodies: string[] })
  | (Endpoint & { mode: "unique"; model: string; concurrency: number; durationS: number });

export interface Answered {
  status: number;
  ms: number;
  /** The `x-llmio-cache` header ("" when absent). */
  cache: string;
}

export interface ReplayedRequest extends Answered {
  kind: RequestKind;
  original: number;
  /** For repeats: the original had not been answered yet when this one was sent. */
  originalInFlight: boolean;
}

export interface ReplayResult {
  durationS: number;
  requests: ReplayedRequest[];
}

export interface SequentialResult {
  answers: Answered[];
}

export interface UniqueResult {
  durationS: number;
  sent: number;
  ok: number;
  failed: number;
  latencyMs: Dist;
  errors: Record<string, number>;
}

/** One POST, read to its end. A network error or timeout is status 0 (its message in `error`). */
async function send(endpoint: Endpoint, body: string): Promise<Answered & { error?: string }> {
  const started = performance.now();
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...endpoint.headers },
      body,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started, cache: response.headers.get("x-llmio-cache") ?? "" };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, cache: "", error: error instanceof Error ? error.name : String(error) };
  }
}

async function replay(job: Extract<TranslationJob, { mode: "replay" }>): Promise<ReplayResult> {
  const { plan } = job;
  const results: ReplayedRequest[] = new Array(plan.length);
  // Unique requests answered so far (a repeat sent before its original is in this set was in flight).
  const done = new Set<number>();
  const started = performance.now();
  const bodyOf = (request: PlannedRequest) => translationBody(job.model, request.paragraphs);
  const run = async (index: number) => {
    const request = plan[index];
    const originalInFlight = request.kind !== "unique" && !done.has(request.original);
    const answer = await send(job, bodyOf(request));
    results[index] = { kind: request.kind, original: request.original, originalInFlight, status: answer.status, ms: answer.ms, cache: answer.cache };
    if (request.kind === "unique") done.add(index);
  };
  const at = (ms: number) => Bun.sleep(Math.max(0, started + ms - performance.now()));
  const all: Array<Promise<void>> = [];
  // Timed requests in order of their time; later repeats hang off their original's answer.
  const timed = plan.map((request, index) => ({ request, index })).filter((x) => x.request.sendAtMs !== undefined);
  timed.sort((a, b) => a.request.sendAtMs! - b.request.sendAtMs!);
  const waitingFor = new Map<number, Array<{ index: number; afterMs: number }>>();
  for (const [index, request] of plan.entries()) {
    if (request.kind === "repeat-after") {
      const list = waitingFor.get(request.original) ?? [];
      list.push({ index, afterMs: request.afterMs ?? 0 });
      waitingFor.set(request.original, list);
    }
  }
  for (const { request, index } of timed) {
    await at(request.sendAtMs!);
    const sent = run(index);
    all.push(sent);
    if (request.kind === "unique") {
      for (const follower of waitingFor.get(index) ?? []) all.push(sent.then(() => Bun.sleep(follower.afterMs)).then(() => run(follower.index)));
    }
  }
  // Followers were queued as their originals were sent; wait until every one has run.
  let count = 0;
  while (count !== all.length) {
    count = all.length;
    await Promise.all(all.slice());
  }
  return { durationS: (performance.now() - started) / 1000, requests: results };
}

async function sequential(job: Extract<TranslationJob, { mode: "sequential" }>): Promise<SequentialResult> {
  const answers: Answered[] = [];
  for (const body of job.bodies) {
    const { status, ms, cache } = await send(job, body);
    answers.push({ status, ms, cache });
  }
  return { answers };
}

async function unique(job: Extract<TranslationJob, { mode: "unique" }>): Promise<UniqueResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  const started = performance.now();
  const deadline = started + job.durationS * 1000;
  const worker = async (id: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      sent++;
      // A paragraph no other request has: every request is a miss.
      const answer = await send(job, translationBody(job.model, [`Paragraph ${id}-${n} of a page nobody translated before, read at ${started.toFixed(3)}.`]));
      if (answer.status === 200) {
        ok++;
        latencies.push(answer.ms);
      } else {
        const key = answer.status === 0 ? (answer.error ?? "error") : `HTTP ${answer.status}`;
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, id) => worker(id)));
  return { durationS: (performance.now() - started) / 1000, sent, ok, failed: sent - ok, latencyMs: distribution(latencies), errors };
}

async function main() {
  const { values } = parseArgs({ options: { job: { type: "string" } } });
  if (!values.job) throw new Error("--job FILE is required");
  const job = JSON.parse(readFileSync(values.job, "utf8")) as TranslationJob;
  const result = job.mode === "replay" ? await replay(job) : job.mode === "sequential" ? await sequential(job) : await unique(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.main) await main();
