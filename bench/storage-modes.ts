#!/usr/bin/env bun
/**
 * What multi-instance mode costs per request: the same chat requests through llmio on its
 * embedded default (SQLite + in-memory state), on PostgreSQL, and on PostgreSQL + Redis,
 * with the fake upstream alone for reference. Modes alternate within every round so drift
 * hits all alike. "limited" sends through a provider with a concurrency limit, which in
 * Redis mode is admitted by a Lua script per request (the others never touch Redis).
 * PostgreSQL and Redis are throwaway servers from server/scripts/test-services.ts.
 *
 *   bun run bench:storage            2 rounds × 5 s per measurement
 *   bun run bench:storage --quick    1 round × 3 s
 */
import { SQL } from "bun";
import { Database } from "bun:sqlite";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startTestServices } from "../server/scripts/test-services.ts";
import { installCleanup, registerTempDir, ROOT } from "./proc.ts";
import { fmt, markdownTable } from "./table.ts";
import { type LlmioTarget, smokeTest, startFake, startLlmio, stopTarget, type Target } from "./targets.ts";
import { ensureWrk, runWrk, type WrkResult, writeScript } from "./wrk.ts";

const { values: flags } = parseArgs({ options: { quick: { type: "boolean", default: false }, "no-write": { type: "boolean", default: false } } });
const rounds = flags.quick ? 1 : 2;
const durationS = flags.quick ? 3 : 5;

type Mode = "sqlite" | "postgres" | "postgres+redis";
const MODES: Mode[] = ["sqlite", "postgres", "postgres+redis"];
const SCENARIOS = [
  { id: "chat-c1", connections: 1, model: "fake-model+words=20" },
  { id: "chat-c32", connections: 32, model: "fake-model+words=20" },
  { id: "limited-c32", connections: 32, model: "fake-model+words=12" },
] as const;
/** High enough never to queue at 32 connections: the limit is there to be checked, not hit. */
const MAX_CONCURRENT = 1_000;

const body = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 64 });

installCleanup();
ensureWrk();
const services = await startTestServices();
process.on("exit", () => services.stop());
if (!services.databaseUrl || !services.redisUrl) {
  console.error(`needs PostgreSQL and Redis binaries: ${services.missing.join("; ")}`);
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), "llmio-bench-storage-"));
registerTempDir(tmp);
const fake = await startFake(tmp);
const targets = new Map<Mode, LlmioTarget>();
for (const mode of MODES) {
  const folder = mkdtempSync(join(tmp, `${mode}-`));
  const env: Record<string, string> = { BUN_CONFIG_MAX_HTTP_REQUESTS: "65535", LLMIO_LOG_LEVEL: "warn" };
  if (mode !== "sqlite") env.DATABASE_URL = await freshDatabase(services.databaseUrl, mode === "postgres" ? "bench_pg" : "bench_pg_redis");
  if (mode === "postgres+redis") env.REDIS_URL = services.redisUrl;
  targets.set(mode, await startLlmio(folder, fake, [{ name: SCENARIOS[0].model }, { name: SCENARIOS[2].model, route: [{ provider: "limited", providerModel: SCENARIOS[2].model }] }], env, MAX_CONCURRENT));
}
for (const target of [fake, ...targets.values()]) await smokeTest(target, body(SCENARIOS[0].model), "lorem ipsum");

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  sent: number;
}
const samples = new Map<string, Sample[]>();
const rowsSent = new Map<Mode, number>();
for (let round = 1; round <= rounds; round++) {
  for (const scenario of SCENARIOS) {
    for (const name of ["direct", ...MODES] as const) {
      const target: Target = name === "direct" ? fake : targets.get(name)!;
      const script = join(tmp, `${name}-${scenario.id}.lua`);
      writeScript(script, { url: target.chatUrl, headers: target.headers, body: body(scenario.model) });
      const result: WrkResult = await runWrk(script, target.chatUrl, { connections: scenario.connections, threads: 2, durationS });
      const key = `${scenario.id}\n${name}`;
      samples.set(key, [...(samples.get(key) ?? []), { rps: result.rps, p50: result.latencyMs.p50, p99: result.latencyMs.p99, failures: result.failures, sent: result.sent }]);
      if (name !== "direct") rowsSent.set(name, (rowsSent.get(name) ?? 0) + result.sent);
      console.error(`round ${round} ${scenario.id} ${name}: ${fmt(result.rps)} req/s, p50 ${fmt(result.latencyMs.p50)} ms, p99 ${fmt(result.latencyMs.p99)} ms`);
    }
  }
}
// Let the log writers flush, then compare rows with requests sent (smoke requests included).
await Bun.sleep(1_500);
const rowsLogged = new Map<Mode, number>();
for (const [mode, target] of targets) rowsLogged.set(mode, await countRows(mode, target));
for (const target of [fake, ...targets.values()]) await stopTarget(target);

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const lines: string[] = [
  `# llmio storage modes benchmark${flags.quick ? " — quick run" : ""}`,
  "",
  `Command: \`bun run bench:storage${flags.quick ? " --quick" : ""}\`; ${rounds} round(s) × ${durationS} s per measurement, modes alternated within each round; wrk, 2 threads; ${new Date().toISOString()}; git ${gitHead()}.`,
  "All processes (wrk, fake upstream, llmio, PostgreSQL 15 and Redis with fsync off) share 2 cores. `+p50`/`+p99`: added to the fake upstream alone; `vs SQLite`: throughput ratio to the embedded default.",
  "",
];
for (const scenario of SCENARIOS) {
  const of = (name: string) => samples.get(`${scenario.id}\n${name}`)!;
  const direct = of("direct");
  const sqliteRps = mean(of("sqlite").map((sample) => sample.rps));
  const rows = ["direct", ...MODES].map((name) => {
    const runs = of(name);
    const rps = mean(runs.map((sample) => sample.rps));
    const p50 = mean(runs.map((sample) => sample.p50));
    const p99 = mean(runs.map((sample) => sample.p99));
    const self = name === "direct";
    return [
      name,
      fmt(rps),
      fmt(p50),
      fmt(p99),
      self ? "–" : `+${fmt(p50 - mean(direct.map((sample) => sample.p50)))}`,
      self ? "–" : `+${fmt(p99 - mean(direct.map((sample) => sample.p99)))}`,
      self ? "–" : `${fmt(rps / sqliteRps, 2)}×`,
      String(runs.reduce((sum, sample) => sum + sample.failures, 0)),
    ];
  });
  lines.push(`## ${scenario.id} (${scenario.connections} connection${scenario.connections > 1 ? "s" : ""}${scenario.id.startsWith("limited") ? ", provider with a concurrency limit" : ""})`, "");
  lines.push(markdownTable(["target", "req/s", "p50 ms", "p99 ms", "+p50 ms", "+p99 ms", "vs SQLite", "failures"], rows, ["l", "r", "r", "r", "r", "r", "r", "r"]), "");
}
lines.push("## Request log rows written = requests sent", "");
lines.push(
  markdownTable(
    ["mode", "rows", "sent (+1 smoke request)", "equal"],
    MODES.map((mode) => [mode, String(rowsLogged.get(mode)), String(rowsSent.get(mode)! + 1), rowsLogged.get(mode) === rowsSent.get(mode)! + 1 ? "✓" : "✗"]),
    ["l", "r", "r", "l"],
  ),
  "",
);
const report = lines.join("\n");
console.log(report);
if (!flags["no-write"]) {
  const [date, time] = new Date().toISOString().split("T");
  const file = join(ROOT, "bench/results", `${date}-${time.slice(0, 5).replace(":", "")}-storage${flags.quick ? "-quick" : ""}.md`);
  writeFileSync(file, `${report}\n`);
  console.error(`wrote ${file}`);
}
services.stop();
process.exit(0);

async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const server = new SQL(serverUrl);
  await server.unsafe(`DROP DATABASE IF EXISTS ${name}`);
  await server.unsafe(`CREATE DATABASE ${name}`);
  await server.close();
  return serverUrl.replace(/\/[^/]*$/, `/${name}`);
}

async function countRows(mode: Mode, target: LlmioTarget): Promise<number> {
  if (mode === "sqlite") {
    const db = new Database(target.dbPath, { readonly: true });
    try {
      return (db.query("SELECT COUNT(*) AS n FROM request_logs").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const name = mode === "postgres" ? "bench_pg" : "bench_pg_redis";
  const client = new SQL(services.databaseUrl!.replace(/\/[^/]*$/, `/${name}`));
  try {
    const [row] = await client`SELECT COUNT(*)::int AS n FROM request_logs`;
    return row.n;
  } finally {
    await client.close();
  }
}

function gitHead(): string {
  const result = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT, stdout: "pipe" });
  return result.stdout.toString().trim() || "unknown";
}
