/**
 * Child-process bookkeeping for the benchmark: every process it starts is registered here
 * and killed on exit, on Ctrl-C / SIGTERM / SIGHUP, and on an uncaught error, so a run never
 * leaves a gateway or load generator behind.
 */
import type { Subprocess } from "bun";
import { rmSync } from "node:fs";

const children = new Set<Subprocess>();
const tempDirs = new Set<string>();
let cleanedUp = false;

/** The Bun binary running this script (the repository's pinned one under `bun run bench`). */
export const BUN = process.execPath;
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Where stdout/stderr go: a file path (appended), "pipe" to read them, or "ignore". */
  output?: string | "pipe" | "ignore";
}

export function spawn(cmd: string[], options: SpawnOptions = {}): Subprocess<"ignore", "pipe" | "ignore", "pipe" | "ignore"> {
  const out = options.output ?? "ignore";
  const sink = out === "pipe" || out === "ignore" ? out : Bun.file(out);
  const child = Bun.spawn(cmd, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env } as Record<string, string>,
    stdin: "ignore",
    stdout: sink as "pipe",
    stderr: sink as "pipe",
  });
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child as Subprocess<"ignore", "pipe" | "ignore", "pipe" | "ignore">;
}

/** SIGTERM, then SIGKILL after `graceMs` if the process is still there. */
export async function stop(child: Subprocess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timedOut = await Promise.race([child.exited.then(() => false), Bun.sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

export function registerTempDir(dir: string): void {
  tempDirs.add(dir);
}

/** Kills every child still running (synchronously: also usable from an exit handler). */
export function killAll(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  children.clear();
}

function cleanup(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  killAll();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}

/** Installs the exit/signal handlers; `onSignal` may print something before the process exits. */
export function installCleanup(onSignal?: (signal: string) => void): void {
  process.on("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      onSignal?.(signal);
      cleanup();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (error) => {
    console.error("bench: uncaught error:", error);
    cleanup();
    process.exit(1);
  });
  process.on("unhandledRejection", (error) => {
    console.error("bench: unhandled rejection:", error);
    cleanup();
    process.exit(1);
  });
}

/** A port the kernel considers free right now (bound to 127.0.0.1, then released). */
export function freePort(): number {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

/** Runs a command to completion and returns its trimmed stdout ("" when it cannot run). */
export function capture(cmd: string[]): string {
  try {
    const result = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
    return (result.stdout.toString() + result.stderr.toString()).trim();
  } catch {
    return "";
  }
}
