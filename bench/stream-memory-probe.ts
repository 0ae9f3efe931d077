#!/usr/bin/env bun
/**
 * A quick look at memory per held stream while optimising: the fake upstream, a bare Bun proxy
 * (the floor, bare-proxy.ts, piping natively and with --observe) and llmio (sources, or the binary with --binary), each holding the
 * same number of slow streams in turn. Prints RSS before, at the peak and KB per stream. Not a
 * substitute for `bun run bench` (its open-streams scenario holds 10,000 and has verdicts).
 *
 *   bun bench/stream-memory-probe.ts [--streams 3000] [--hold 20] [--binary] [--baseline <checkout>]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { OpenStreamsResult } from "./open-streams.ts";
import { BUN, freePort, installCleanup, registerTempDir, spawn, stop } from "./proc.ts";
import { readMem } from "./rss.ts";
import { fmt, markdownTable } from "./table.ts";
import { startFake, startLlmio } from "./targets.ts";

const { values } = parseArgs({
  options: {
    streams: { type: "string", default: "3000" },
    hold: { type: "string", default: "20" },
    binary: { type: "boolean", default: false },
    baseline: { type: "string" },
  },
});
installCleanup();
const tmp = mkdtempSync(join(tmpdir(), "llmio-stream-memory-"));
registerTempDir(tmp);

const streams = Number(values.streams);
const holdS = Number(values.hold);
const MODEL = `fake-model+words=${Math.max(1, holdS - 2)}+token-delay=1000`;
const body = JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "Tell me a story." }] });
const env = { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" };
const bunArgs = values.binary ? [] : ["--no-deprecation"];

const fake = await startFake(tmp);
const barePort = freePort();
const bare = spawn([BUN, "bench/bare-proxy.ts", "--port", String(barePort), "--upstream", fake.base], { output: join(tmp, "bare.log"), env });
const observingPort = freePort();
const observing = spawn([BUN, "bench/bare-proxy.ts", "--port", String(observingPort), "--upstream", fake.base, "--observe"], { output: join(tmp, "bare-observe.log"), env });
const llmio = await startLlmio(tmp, fake, [{ name: MODEL }], env, 20, bunArgs);
const baseline = values.baseline ? await startLlmio(tmp, fake, [{ name: MODEL }], env, 20, bunArgs, { root: values.baseline }) : undefined;
await Bun.sleep(500);

const targets = [
  { name: "direct", pid: fake.pid, url: fake.chatUrl, headers: fake.headers },
  { name: "bare proxy", pid: bare.pid, url: `http://127.0.0.1:${barePort}/v1/chat/completions`, headers: fake.headers },
  { name: "bare proxy, observed", pid: observing.pid, url: `http://127.0.0.1:${observingPort}/v1/chat/completions`, headers: fake.headers },
  { name: "llmio", pid: llmio.pid, url: llmio.chatUrl, headers: llmio.headers },
  ...(baseline ? [{ name: "llmio baseline", pid: baseline.pid, url: baseline.chatUrl, headers: baseline.headers }] : []),
];

const rows: string[][] = [];
for (const target of targets) {
  const idleMb = readMem(target.pid)?.rssMb ?? Number.NaN;
  let peakMb = idleMb;
  const sampler = setInterval(() => {
    peakMb = Math.max(peakMb, readMem(target.pid)?.rssMb ?? 0);
  }, 200);
  const args = [BUN, "bench/open-streams.ts", "--url", target.url, "--body", body, "--streams", String(streams), "--deadline", String(holdS + 20)];
  for (const [name, value] of Object.entries(target.headers)) args.push("--header", `${name}: ${value}`);
  const client = spawn(args, { output: "pipe", env: { BUN_CONFIG_MAX_HTTP_REQUESTS: String(streams + 256) } });
  const result = JSON.parse(await new Response(client.stdout).text()) as OpenStreamsResult;
  clearInterval(sampler);
  rows.push([target.name, String(result.peakOpen), String(result.ok), `${fmt(idleMb)} → ${fmt(peakMb)}`, fmt(((peakMb - idleMb) * 1024) / Math.max(1, result.peakOpen))]);
  console.error(`${target.name}: peak open ${result.peakOpen}, ok ${result.ok}, RSS ${fmt(idleMb)} → ${fmt(peakMb)} MB`);
  await Bun.sleep(1000);
}
console.log(`\n${streams} streams held ≈${holdS} s (${MODEL}); llmio from ${values.binary ? "dist/llmio" : "the sources"}\n`);
console.log(markdownTable(["target", "peak open", "ok", "RSS idle → peak MB", "KB per stream"], rows));
await Promise.all([stop(llmio.child, 5000), baseline ? stop(baseline.child, 5000) : undefined, stop(bare), stop(observing), stop(fake.child)]);
