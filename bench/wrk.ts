/**
 * wrk as the load generator for non-stream scenarios: a Lua script makes every request a
 * POST with a fixed JSON body and headers, counts the requests written per thread (so the
 * log-row check can compare against what was sent, not only what completed), and prints
 * exact microsecond percentiles from wrk's own histogram. The `--latency` text output is
 * parsed as well (p50/p75/p90/p99, the "Max" column) and used if the Lua line is missing.
 */
import { writeFileSync } from "node:fs";
import { capture, spawn } from "./proc.ts";

export interface WrkRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WrkOptions {
  connections: number;
  threads: number;
  durationS: number;
  /** Per-request timeout; slower requests count as failures ("timeout"). */
  timeoutS?: number;
}

export interface WrkResult {
  /** Requests generated for sending (Lua `request()` calls, minus wrk's one verification call); includes those cut off by the deadline. */
  sent: number;
  /** Requests answered (any status). */
  completed: number;
  durationS: number;
  rps: number;
  latencyMs: { p50: number; p75: number; p90: number; p99: number; p999: number; max: number; mean: number };
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
  /** Non-2xx answers plus socket errors. */
  failures: number;
  pid: number;
  raw: string;
}

export function wrkVersion(): string | undefined {
  const out = capture(["wrk", "--version"]);
  const match = /wrk\s+(\S+)/.exec(out);
  return match ? match[1] : undefined;
}

/** Makes sure wrk is installed: tries apt-get (as root), otherwise explains how. */
export function ensureWrk(): string {
  let version = wrkVersion();
  if (version) return version;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && capture(["sh", "-c", "command -v apt-get"]) !== "") {
    console.log("bench: wrk not found; installing it with apt-get (apt-get install -y wrk) …");
    const result = Bun.spawnSync(["sh", "-c", "apt-get install -y wrk || (apt-get update && apt-get install -y wrk)"], { stdout: "inherit", stderr: "inherit" });
    if (result.exitCode === 0) version = wrkVersion();
  }
  if (!version) {
    throw new Error("wrk is required (https://github.com/wg/wrk). Install it with `sudo apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS), then rerun.");
  }
  return version;
}

function luaString(value: string): string {
  // A long bracket with a level no body can contain.
  let level = "=";
  while (value.includes(`]${level}]`)) level += "=";
  return `[${level}[${value}]${level}]`;
}

export function writeScript(path: string, request: WrkRequest): void {
  const headerLines = Object.entries({ "Content-Type": "application/json", ...request.headers })
    .map(([name, value]) => `wrk.headers[ ${luaString(name)} ] = ${luaString(value)}`)
    .join("\n");
  writeFileSync(
    path,
    `wrk.method = "POST"
wrk.body = ${luaString(request.body)}
${headerLines}

local threads = {}
function setup(thread) table.insert(threads, thread) end

-- Globals, so done() can read them from each thread with thread:get().
function init(args)
  sent = 0
  req = wrk.format()
end

function request()
  sent = sent + 1
  return req
end

function done(summary, latency, requests)
  -- wrk calls request() once on thread 1 to check the script before the run (script_verify_request);
  -- that request is never sent, so it does not count.
  local total_sent = -1
  for _, t in ipairs(threads) do total_sent = total_sent + t:get("sent") end
  local e = summary.errors
  io.write(string.format(
    "BENCH sent=%d completed=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50=%d p75=%d p90=%d p99=%d p999=%d max=%d mean=%.1f\\n",
    total_sent, summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(75), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
`,
  );
}

/** Runs wrk; `onStart` gets its pid (for CPU accounting) as soon as it runs. */
export async function runWrk(scriptPath: string, url: string, options: WrkOptions, onStart?: (pid: number) => void): Promise<WrkResult> {
  const threads = Math.max(1, Math.min(options.threads, options.connections));
  const args = [
    "wrk",
    `-t${threads}`,
    `-c${options.connections}`,
    `-d${options.durationS}s`,
    `--timeout`,
    `${options.timeoutS ?? 10}s`,
    "--latency",
    "-s",
    scriptPath,
    url,
  ];
  const child = spawn(args, { output: "pipe" });
  onStart?.(child.pid);
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  const code = await child.exited;
  // wrk reports Lua errors on stderr but still exits 0 and runs with a default GET.
  if (code !== 0 || !/^BENCH /m.test(stdout)) throw new Error(`wrk failed (exit ${code}): ${stderr.trim() || stdout.trim()}`);
  const result = parseWrk(stdout);
  return { ...result, pid: child.pid, raw: stdout };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Parses wrk's output: the Lua `BENCH` line when present, the `--latency` text otherwise. */
export function parseWrk(stdout: string): Omit<WrkResult, "pid" | "raw"> {
  // Text output (always there).
  const latencyLine = /^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m.exec(stdout);
  const pct = (p: string) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(stdout);
    return match ? toMs(match[1]) : Number.NaN;
  };
  const totals = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m)/m.exec(stdout);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(stdout);
  const text = {
    completed: totals ? Number(totals[1]) : Number.NaN,
    durationS: totals ? toMs(`${totals[2]}${totals[3]}`) / 1000 : Number.NaN,
    latencyMs: {
      p50: pct("50"),
      p75: pct("75"),
      p90: pct("90"),
      p99: pct("99"),
      p999: Number.NaN,
      max: latencyLine ? toMs(latencyLine[3]) : Number.NaN,
      mean: latencyLine ? toMs(latencyLine[1]) : Number.NaN,
    },
    errors: {
      connect: socket ? Number(socket[1]) : 0,
      read: socket ? Number(socket[2]) : 0,
      write: socket ? Number(socket[3]) : 0,
      timeout: socket ? Number(socket[4]) : 0,
      status: non2xx ? Number(non2xx[1]) : 0,
    },
  };

  const lua = /^BENCH (.*)$/m.exec(stdout);
  let sent = Number.NaN;
  let { completed, durationS, latencyMs, errors } = text;
  if (lua) {
    const v = Object.fromEntries(lua[1].split(" ").map((pair) => pair.split("=")).map(([k, x]) => [k, Number(x)]));
    sent = v.sent;
    completed = v.completed;
    durationS = v.duration_us / 1e6;
    latencyMs = { p50: v.p50 / 1000, p75: v.p75 / 1000, p90: v.p90 / 1000, p99: v.p99 / 1000, p999: v.p999 / 1000, max: v.max / 1000, mean: v.mean / 1000 };
    errors = { connect: v.connect, read: v.read, write: v.write, timeout: v.timeout, status: v.status };
  }
  const failures = errors.connect + errors.read + errors.write + errors.timeout + errors.status;
  return { sent, completed, durationS, rps: completed / durationS, latencyMs, errors, failures };
}
