import { UsageError } from "../lib/cli-error.ts";

/** A `--port` value as a number: whole, 1–65535 (0 too when `allowAny`: the system picks a free port). */
export function parsePortFlag(value: string, options: { allowAny?: boolean } = {}): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  const lowest = options.allowAny ? 0 : 1;
  if (!Number.isInteger(port) || port < lowest || port > 65535) {
    throw new UsageError(`invalid --port "${value}": a port is a whole number from ${lowest} to 65535`);
  }
  return port;
}
