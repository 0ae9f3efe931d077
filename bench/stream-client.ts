/**
 * Load client for the streaming scenario, run as its own process (so its CPU is its own):
 * `concurrency` workers each send the same streaming POST back to back for `duration`
 * seconds, then the requests still running are read to their end (no request is cut by
 * the deadline, so "sent" equals "finished"). Per request it measures time to the first
 * body byte and to the end of the stream, counts SSE frames and text chunks, and checks the
 * protocol's end marker: `data: [DONE]` for OpenAI, the `message_stop` event for Anthropic.
 * Prints one JSON object (StreamClientResult) on stdout.
 *
 *   bun bench/stream-client.ts --url URL --body JSON [--header "name: value"]… \
 *     --concurrency 32 --duration 10 [--protocol openai|anthropic]
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
  /** Fewest / most frames with non-empty text in one successful stream. */
  chunksMin: number;
  chunksMax: number;
  errors: Record<string, number>;
}

/** The SSE dialects the client reads: where a stream says it is complete, and how a text chunk looks. */
export type StreamProtocol = "openai" | "anthropic";
export const STREAM_PROTOCOLS: readonly StreamProtocol[] = ["openai", "anthropic"];

const encode = (text: string) => new TextEncoder().encode(text);
/** `data: [DONE]` (OpenAI) and the `message_stop` event (Anthropic) end a complete stream. */
const END_MARKER: Record<StreamProtocol, Uint8Array> = { openai: encode("[DONE]"), anthropic: encode("message_stop") };
/** Followed by anything but `"`, the start of a frame that carries text. */
export const TEXT_MARKER: Record<StreamProtocol, Uint8Array> = { openai: encode('"content":"'), anthropic: encode('"text":"') };

/** Whether `needle` occurs in `hay` at `at`. */
function matchesAt(hay: Uint8Array, at: number, needle: Uint8Array): boolean {
  if (at < 0 || at + needle.length > hay.length) return false;
  for (let i = 0; i < needle.length; i++) if (hay[at + i] !== needle[i]) return false;
  return true;
}

function endsWithMarker(tail: Uint8Array, marker: Uint8Array): boolean {
  // The marker sits among the last bytes: `data: [DONE]\n\n`, `{"type":"message_stop"}\n\n`.
  for (let start = Math.max(0, tail.length - marker.length - 8); start + marker.length <= tail.length; start++) if (matchesAt(tail, start, marker)) return true;
  return false;
}

/**
 * Counts text chunks: the marker followed by a character other than `"`. Searches the last
 * bytes of the previous read joined to this one, so a marker split across reads counts once.
 */
export class TextChunkCounter {
  private carry: Uint8Array = new Uint8Array(0);
  count = 0;
  constructor(private readonly marker: Uint8Array) {}
  /** Feeds one read; true when it held the start of a text chunk. */
  feed(chunk: Uint8Array): boolean {
    const m = this.marker;
    const before = this.count;
    // Markers that end inside `chunk` but start in the carry (the carry is shorter than the marker + 1).
    if (this.carry.length > 0) {
      const joined = new Uint8Array(this.carry.length + Math.min(chunk.length, m.length + 1));
      joined.set(this.carry);
      joined.set(chunk.subarray(0, joined.length - this.carry.length), this.carry.length);
      for (let at = 0; at < this.carry.length; at++) if (matchesAt(joined, at, m) && at + m.length < joined.length && joined[at + m.length] !== 34) this.count++;
    }
    for (let at = chunk.indexOf(m[0]); at >= 0; at = chunk.indexOf(m[0], at + 1)) {
      if (at + m.length >= chunk.length) break; // completed by the next read, via the carry
      if (matchesAt(chunk, at, m) && chunk[at + m.length] !== 34) this.count++;
    }
    // Keep the bytes that could start a marker completed by the next read.
    this.carry = chunk.length > m.length ? chunk.slice(chunk.length - m.length) : concatTail(this.carry, chunk, m.length);
    return this.count > before;
  }
}

/**
 * One streaming request read to its end. `ttfb`: first body byte; `ttft`: first frame with
 * non-empty `content` (a gateway may hold the role-only preamble frame until then).
 */
export async function streamOnce(
  url: string,
  init: RequestInit,
  protocol: StreamProtocol = "openai",
  signal?: AbortSignal,
): Promise<{ ttfb: number; ttft: number; total: number; frames: number; chunks: number }> {
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
  const text = new TextChunkCounter(TEXT_MARKER[protocol]);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.length === 0) continue;
    if (ttfb < 0) ttfb = performance.now() - start;
    if (text.feed(value) && ttft < 0) ttft = performance.now() - start;
    // Frames end with a blank line; count "\n\n" (also when split across reads).
    for (let i = 0; i < value.length; i++) {
      const isNewline = value[i] === 10;
      if (isNewline && prevNewline) frames++;
      prevNewline = isNewline && !(prevNewline && isNewline);
    }
    tail = value.length >= 32 ? value.subarray(value.length - 32) : concatTail(tail, value, 32);
  }
  const total = performance.now() - start;
  if (ttfb < 0) throw new Error("empty body");
  if (!endsWithMarker(tail, END_MARKER[protocol])) throw new Error(protocol === "openai" ? "no [DONE]" : "no message_stop");
  return { ttfb, ttft: ttft < 0 ? total : ttft, total, frames, chunks: text.count };
}

/** The last `keep` bytes of `a` followed by `b`. */
function concatTail(a: Uint8Array, b: Uint8Array, keep: number): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined.length > keep ? joined.subarray(joined.length - keep) : joined;
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
      protocol: { type: "string", default: "openai" },
    },
  });
  if (!values.url || !values.body) throw new Error("--url and --body are required");
  const protocol = values.protocol as StreamProtocol;
  if (!STREAM_PROTOCOLS.includes(protocol)) throw new Error(`--protocol must be one of ${STREAM_PROTOCOLS.join(", ")}`);
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
  let chunksMin = Number.POSITIVE_INFINITY;
  let chunksMax = 0;
  const drain = new AbortController();
  const started = performance.now();
  const deadline = started + durationMs;

  const worker = async () => {
    while (performance.now() < deadline) {
      sent++;
      try {
        const r = await streamOnce(url, init, protocol, drain.signal);
        ttfbs.push(r.ttfb);
        ttfts.push(r.ttft);
        totals.push(r.total);
        if (r.frames < framesMin) framesMin = r.frames;
        if (r.frames > framesMax) framesMax = r.frames;
        if (r.chunks < chunksMin) chunksMin = r.chunks;
        if (r.chunks > chunksMax) chunksMax = r.chunks;
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
    chunksMin: Number.isFinite(chunksMin) ? chunksMin : 0,
    chunksMax,
    errors,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.main) await main();
