#!/usr/bin/env bun
/**
 * A quick look at CPU per request while optimising: the fake upstream, a bare Bun proxy (the
 * floor, bare-proxy.ts) and llmio from the sources (or the binary), alternated, wrk at one
 * concurrency on one non-stream chat. Prints µs of the target's CPU per request. Not a substitute
 * for `bun run bench` (one scenario, no Portkey, no verdicts).
 *
 *   bun bench/cpu-probe.ts [--rounds 3] [--duration 5] [--connections 32] [--path /v1/chat/completions]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BUN, freePort, installCleanup, registerTempDir, ROOT, spawn, stop } from "./proc.ts";
import { cpuSeconds } from "./rss.ts";
import { fmt, markdownTable } from "./table.ts";
import { startFake, startLlmio } from "./targets.ts";
import { runWrk, writeScript } from "./wrk.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "32" },
    binary: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    /** Another checkout of llmio (a git worktree of the commit before a change) measured beside this one. */
    baseline: { type: "string" },
  },
});
installCleanup();
const tmp = mkdtempSync(join(tmpdir(), "llmio-cpu-probe-"));
registerTempDir(tmp);

const MODEL = "fake-model+words=20";
const body = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 64 });
const fake = await startFake(tmp);
const barePort = freePort();
const bare = spawn([BUN, "bench/bare-proxy.ts", "--port", String(barePort), "--upstream", fake.base], { output: join(tmp, "bare.log") });
// Bun flags make startLlmio run the sources; without them it runs dist/llmio when built.
const bunArgs = values.profile ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${join(ROOT, "bench/results/raw/probe-profile")}`] : values.binary ? [] : ["--no-deprecation"];
const llmio = await startLlmio(tmp, fake, [{ name: MODEL }], { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" }, 20, bunArgs);
const baseline = values.baseline ? await startLlmio(tmp, fake, [{ name: MODEL }], { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535" }, 20, bunArgs, { root: values.baseline }) : undefined;
await Bun.sleep(300);

const targets = [
  { name: "direct", pid: fake.pid, url: fake.chatUrl, headers: fake.headers },
  { name: "bare proxy", pid: bare.pid, url: `http://127.0.0.1:${barePort}/v1/chat/completions`, headers: fake.headers },
  { name: "llmio", pid: llmio.pid, url: llmio.chatUrl, headers: llmio.headers },
  ...(baseline ? [{ name: "llmio baseline", pid: baseline.pid, url: baseline.chatUrl, headers: baseline.headers }] : []),
];
const results = new Map<string, { rps: number[]; cpuUs: number[]; p50: number[]; p99: number[] }>();
const connections = Number(values.connections);
for (let round = 0; round < Number(values.rounds); round++) {
  for (const target of targets) {
    const script = join(tmp, `${target.name.replace(" ", "-")}.lua`);
    writeScript(script, { url: target.url, headers: target.headers, body });
    await runWrk(script, target.url, { connections, threads: 2, durationS: 1 });
    const before = cpuSeconds(target.pid) ?? 0;
    const run = await runWrk(script, target.url, { connections, threads: 2, durationS: Number(values.duration) });
    const cpu = (cpuSeconds(target.pid) ?? 0) - before;
    const entry = results.get(target.name) ?? { rps: [], cpuUs: [], p50: [], p99: [] };
    entry.rps.push(run.rps);
    entry.cpuUs.push((cpu / Math.max(1, run.completed)) * 1e6);
    entry.p50.push(run.latencyMs.p50);
    entry.p99.push(run.latencyMs.p99);
    results.set(target.name, entry);
    if (run.failures > 0) console.error(`${target.name}: ${run.failures} failures`);
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
console.log(`\nwrk -c${connections}, ${values.duration} s × ${values.rounds} rounds, ${MODEL}; llmio from ${values.binary ? "dist/llmio" : "the sources"}\n`);
console.log(
  markdownTable(
    ["target", "req/s", "p50 ms", "p99 ms", "CPU µs/req", "CPU µs/req per round"],
    [...results].map(([name, entry]) => [name, fmt(mean(entry.rps)), fmt(mean(entry.p50)), fmt(mean(entry.p99)), fmt(mean(entry.cpuUs)), entry.cpuUs.map((value) => fmt(value)).join(" / ")]),
  ),
);
await Promise.all([stop(llmio.child, 5000), baseline ? stop(baseline.child, 5000) : undefined, stop(bare), stop(fake.child)]);
