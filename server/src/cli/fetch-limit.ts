import { isCompiled } from "../runtime.ts";

/**
 * Outgoing requests the gateway may have in flight at once. Bun's fetch allows 256 unless
 * BUN_CONFIG_MAX_HTTP_REQUESTS says otherwise; a gateway holding long LLM streams needs far more.
 */
export const GATEWAY_MAX_HTTP_REQUESTS = "65535";

/**
 * Bun reads BUN_CONFIG_MAX_HTTP_REQUESTS from the process environment when it starts: setting
 * `process.env` later has no effect, and neither bunfig.toml nor `bun build --compile` has an
 * option for it (checked on Bun 1.4.5). So `llmio serve` started without it replaces itself
 * (execve: same PID, same arguments, same stdio) with the variable set, before anything ran.
 * A value the user set is kept. Returns only when no restart happened (variable set, or execve
 * unavailable or refused), and then serve.ts warns about the lower limit.
 */
export function restartWithFetchLimit(env: NodeJS.ProcessEnv = process.env): void {
  if (env.BUN_CONFIG_MAX_HTTP_REQUESTS) return;
  if (typeof process.execve !== "function") return;
  // A compiled executable puts its own entry point back at argv[1]; a source run needs Bun's flags and the script.
  const argv = isCompiled
    ? [process.execPath, ...process.argv.slice(2)]
    : [process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)];
  try {
    process.execve(process.execPath, argv, { ...env, BUN_CONFIG_MAX_HTTP_REQUESTS: GATEWAY_MAX_HTTP_REQUESTS });
  } catch {
    // Left as it is: serve.ts names the variable in a warning.
  }
}
