/**
 * Load client for the soak, run as its own process: `concurrency` workers send the mix of
 * soak-mix.ts to llmio back to back for `duration` seconds (each worker starts at another
 * place in the mix), then finish what is running. Per kind it counts requests and outcomes:
 * `ok`, `aborted` (by this client, as planned), `HTTP <status>`, or the error. Prints one JSON
 * object (SoakClientResult) on stdout.
 *
 *   bun bench/soak-client.ts --base http://127.0.0.1:PORT --token TOKEN --concurrency 32 --duration 1800
 */
import { parseArgs } from "node:util";
import { type SoakKind, soakSchedule } from "./soak-mix.ts";
import { errorKey, streamOnce, TextChunkCounter, TEXT_MARKER } from "./stream-client.ts";

export interface SoakClientResult {
  durationS: number;
  sent: number;
  kinds: Record<string, { sent: number; outcomes: Record<string, number> }>;
}

function requestOf(kind: SoakKind, base: string, token: string): { url: string; init: RequestInit } {
  const body = JSON.stringify({ model: kind.model, max_tokens: 1024, ...(kind.stream ? { stream: true } : {}), messages: [{ role: "user", content: "Tell me a story." }] });
  const headers: Record<string, string> =
    kind.protocol === "openai" ? { "content-type": "application/json", authorization: `Bearer ${token}` } : { "content-type": "application/json", "x-api-key": token, "anthropic-version": "2023-06-01" };
  return { url: `${base}${kind.protocol === "openai" ? "/v1/chat/completions" : "/v1/messages"}`, init: { method: "POST", headers, body } };
}

/** Reads a stream until `chunks` text chunks have arrived, then goes away. */
async function abortMidStream(url: string, init: RequestInit, kind: SoakKind, chunks: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(url, { ...init, signal: controller.signal });
  if (response.status !== 200 || !response.body) {
    await response.text().catch(() => "");
    return `HTTP ${response.status}`;
  }
  const reader = response.body.getReader();
  const text = new TextChunkCounter(TEXT_MARKER[kind.protocol]);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return "ended before the abort";
    text.feed(value);
    if (text.count >= chunks) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      return "aborted";
    }
  }
}

async function once(kind: SoakKind, base: string, token: string): Promise<string> {
  const { url, init } = requestOf(kind, base, token);
  try {
    if (kind.abortAfterChunks !== undefined) return await abortMidStream(url, init, kind, kind.abortAfterChunks);
    if (kind.stream) {
      await streamOnce(url, init, kind.protocol);
      return "ok";
    }
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return response.status === 200 ? "ok" : `HTTP ${response.status}`;
  } catch (error) {
    return errorKey(error);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      token: { type: "string" },
      concurrency: { type: "string", default: "32" },
      duration: { type: "string", default: "60" },
    },
  });
  if (!values.base || !values.token) throw new Error("--base and --token are required");
  const base = values.base;
  const token = values.token;
  const concurrency = Number(values.concurrency);
  const schedule = soakSchedule();
  const kinds: SoakClientResult["kinds"] = {};
  for (const kind of schedule) kinds[kind.id] = { sent: 0, outcomes: {} };
  let sent = 0;
  const started = performance.now();
  const deadline = started + Number(values.duration) * 1000;

  const worker = async (offset: number) => {
    for (let turn = offset; performance.now() < deadline; turn++) {
      const kind = schedule[turn % schedule.length];
      const counts = kinds[kind.id];
      sent++;
      counts.sent++;
      const outcome = await once(kind, base, token);
      counts.outcomes[outcome] = (counts.outcomes[outcome] ?? 0) + 1;
      // Do not spin on an instant refusal.
      if (outcome !== "ok" && outcome !== "aborted") await Bun.sleep(1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(Math.floor((i * schedule.length) / concurrency))));
  const result: SoakClientResult = { durationS: (performance.now() - started) / 1000, sent, kinds };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.main) await main();
