/**
 * Load client for the streaming scenario, run as its own process (so its CPU is its own):
 * `concurrency` workers each send the same streaming POST back to back for `duration`
 * seconds, then the requests still running are read to their end (no request is cut by
 * the deadline, so "sent" equals "finished"). Per request it measures time to the first
 * body byte and to the end of the stream, counts SSE frames and checks for `data: [DONE]`.
 * Prints one JSON object (StreamClientResult) on stdout.
 *
 *   bun bench/stream-client.ts --url URL --body JSON [--header "name: value"]… \
 *     --concurrency 32 --duration 10 [--expect-frames 53]
 */
import { parseArgs } from "node:util";
import { distribution, type Dist } from "./stats.ts";

export interface StreamClientResult {
  sent: number;
  ok: number;
  failed: number;
  /** Requests finished per second over the run (ok ones). */
  rps: number;
  durationS: number;
  ttfbMs: Dist;
  /** Time to the first frame with text. */
  ttftMs: Dist;
  totalMs: Dist;
  /** Fewest / most SSE frames seen in one successful stream. */
  framesMin: number;
  framesMax: number;
  errors: Record<string, number>;
}

const DONE = new TextEncoder().encode("[DONE]");

function endsWithDone(tail: Uint8Array): boolean {
  // `data: [DONE]\n\n`: look for the marker among the last bytes.
  outer: for (let start = Math.max(0, tail.length - DONE.length - 4); start + DONE.length <= tail.length; start++) {
    for (let i = 0; i < DONE.length; i++) if (tail[start + i] !== DONE[i]) continue outer;
    return true;
  }
  return false;
}

// `"content":"` followed by anything but `"`: the first frame that carries text.
const CONTENT = new TextEncoder().encode('"content":"');

/** Whether `chunk` has a non-empty `"content":"…` (a marker split across reads is missed; frames here are small). */
function hasContent(chunk: Uint8Array): boolean {
  const first = CONTENT[0];
  outer: for (let i = chunk.indexOf(first); i >= 0 && i + CONTENT.length < chunk.length; i = chunk.indexOf(first, i + 1)) {
    for (let j = 1; j < CONTENT.length; j++) if (chunk[i + j] !== CONTENT[j]) continue outer;
    if (chunk[i + CONTENT.length] !== 34) return true;
  }
  return false;
}

/**
 * One streaming request read to its end. `ttfb`: first body byte; `ttft`: first frame with
 * non-empty `content` (a gateway may hold the role-only preamble frame until then).
 */
export async function streamOnce(url: string, init: RequestInit, signal?: AbortSignal): Promise<{ ttfb: number; ttft: number; total: number; frames: number }> {
  const start = performance.now();
  const response = await fetch(url, { ...init, signal });
  if (response.status !== 200 || !response.body) {
    await response.text().catch(() => "");
    throw new Error(`HTTP ${response.status}`);
  }
  const reader = response.body.getReader();
  let ttfb = -1;
  let ttft = -1;
  let frames = 0;
  let prevNewline = false;
  let tail: Uint8Array = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.length === 0) continue;
    if (ttfb < 0) ttfb = performance.now() - start;
    if (ttft < 0 && hasContent(value)) ttft = performance.now() - start;
    // Frames end with a blank line; count "\n\n" (also when split across reads).
    for (let i = 0; i < value.length; i++) {
      const isNewline = value[i] === 10;
      if (isNewline && prevNewline) frames++;
      prevNewline = isNewline && !(prevNewline && isNewline);
    }
    tail = value.length >= 32 ? value.subarray(value.length - 32) : concatTail(tail, value);
  }
  const total = performance.now() - start;
  if (ttfb < 0) throw new Error("empty body");
  if (!endsWithDone(tail)) throw new Error("no [DONE]");
  return { ttfb, ttft: ttft < 0 ? total : ttft, total, frames };
}

function concatTail(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined.length > 32 ? joined.subarray(joined.length - 32) : joined;
}

export function parseHeaders(list: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of list ?? []) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

export function errorKey(error: unknown): string {
  const message = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error);
  return message.slice(0, 80);
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      body: { type: "string" },
      header: { type: "string", multiple: true },
      concurrency: { type: "string", default: "32" },
      duration: { type: "string", default: "10" },
      "drain-timeout": { type: "string", default: "30" },
    },
  });
  if (!values.url || !values.body) throw new Error("--url and --body are required");
  const url = values.url;
  const init: RequestInit = { method: "POST", headers: { "content-type": "application/json", ...parseHeaders(values.header) }, body: values.body };
  const concurrency = Number(values.concurrency);
  const durationMs = Number(values.duration) * 1000;

  const ttfbs: number[] = [];
  const ttfts: number[] = [];
  const totals: number[] = [];
  const errors: Record<string, number> = {};
  let sent = 0;
  let framesMin = Number.POSITIVE_INFINITY;
  let framesMax = 0;
  const drain = new AbortController();
  const started = performance.now();
  const deadline = started + durationMs;

  const worker = async () => {
    while (performance.now() < deadline) {
      sent++;
      try {
        const r = await streamOnce(url, init, drain.signal);
        ttfbs.push(r.ttfb);
        ttfts.push(r.ttft);
        totals.push(r.total);
        if (r.frames < framesMin) framesMin = r.frames;
        if (r.frames > framesMax) framesMax = r.frames;
      } catch (error) {
        const key = errorKey(error);
        errors[key] = (errors[key] ?? 0) + 1;
        // Do not spin on a target that refuses instantly.
        await Bun.sleep(1);
      }
    }
  };
  const drainTimer = setTimeout(() => drain.abort(), durationMs + Number(values["drain-timeout"]) * 1000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(drainTimer);
  const durationS = (performance.now() - started) / 1000;
  const result: StreamClientResult = {
    sent,
    ok: totals.length,
    failed: sent - totals.length,
    rps: totals.length / durationS,
    durationS,
    ttfbMs: distribution(ttfbs),
    ttftMs: distribution(ttfts),
    totalMs: distribution(totals),
    framesMin: Number.isFinite(framesMin) ? framesMin : 0,
    framesMax,
    errors,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.main) await main();
