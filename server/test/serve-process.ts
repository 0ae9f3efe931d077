import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MAIN = join(import.meta.dir, "../src/main.ts");

/** `llmio serve` as a real process, on a free loopback port with its own database folder. */
export interface ServeProcess {
  url: string;
  child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** The SQLite database it writes. */
  dbPath: string;
  /** Peak resident memory of the process so far (Linux VmHWM), in MB. */
  peakRssMb(): number;
  /** Kills it (SIGKILL unless told otherwise) and removes its folder. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `llmio serve` from source (on its own new database unless `dbPath` is given) and waits for its banner. */
export async function startServeProcess(options: { token: string; env?: Record<string, string>; dbPath?: string }): Promise<ServeProcess> {
  const folder = mkdtempSync(join(tmpdir(), "llmio-serve-"));
  const dbPath = options.dbPath ?? join(folder, "llmio.db");
  const child = Bun.spawn([process.execPath, MAIN, "serve", "--host", "127.0.0.1", "--port", "0", "--db-path", dbPath], {
    env: { ...process.env, TOKEN: options.token, LLMIO_LOG_LEVEL: "error", ...options.env },
    stdout: "pipe",
    // Piped, not inherited: a child left running must not hold the test runner's output open.
    stderr: "pipe",
  });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let banner = "";
  while (!/listening on [^\n]*:(\d+)/.test(banner)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gateway exited early: ${banner}`);
    banner += decoder.decode(value);
  }
  reader.releaseLock();
  return {
    url: `http://127.0.0.1:${/listening on [^\n]*:(\d+)/.exec(banner)![1]}`,
    child,
    dbPath,
    peakRssMb: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    async stop(signal = "SIGKILL") {
      child.kill(signal);
      await child.exited;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
