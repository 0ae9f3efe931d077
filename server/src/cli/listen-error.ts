import { CliError } from "../lib/cli-error.ts";

/** What llmio's `/health` answers (routes/operations.ts). */
const LLMIO_HEALTH = { status: "ok" };
const PROBE_TIMEOUT_MS = 1_500;

/**
 * The one-line error for a server that could not bind, or undefined when `error` is not a bind
 * failure. A busy port names its holder when it answers `/health` like an llmio.
 * `portHint` tells how to pick another port for this command.
 */
export async function listenFailure(error: unknown, where: { host: string; port: number; portHint: string }): Promise<CliError | undefined> {
  const code = (error as { code?: unknown } | null)?.code;
  const { host, port, portHint } = where;
  if (code === "EADDRINUSE") {
    if (await answersLikeLlmio(host, port)) {
      return new CliError(`port ${port} is already in use: another llmio answers there`, `stop it, or ${portHint}`, { cause: error });
    }
    return new CliError(`port ${port} is already in use by another program`, portHint, { cause: error });
  }
  if (code === "EACCES" || code === "EPERM") {
    return new CliError(`no permission to listen on port ${port}`, port < 1024 ? `ports below 1024 need root or CAP_NET_BIND_SERVICE; ${portHint}` : portHint, { cause: error });
  }
  if (code === "EADDRNOTAVAIL" || code === "EINVAL" || code === "ENOTFOUND") {
    return new CliError(`cannot listen on ${host}: no such address on this machine`, "choose another with --host", { cause: error });
  }
  return undefined;
}

/** True when something at host:port answers GET /health with llmio's body. */
export async function answersLikeLlmio(host: string, port: number): Promise<boolean> {
  const probeHost = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  try {
    const response = await fetch(`http://${probeHost}:${port}/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: "manual" });
    if (!response.ok) return false;
    const body: unknown = await response.json();
    return typeof body === "object" && body !== null && (body as { status?: unknown }).status === LLMIO_HEALTH.status;
  } catch {
    return false;
  }
}
