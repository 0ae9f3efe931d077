import { CliError, UsageError } from "../lib/cli-error.ts";

export interface ErrorReport {
  exitCode: number;
  /** What goes to stderr: one line, or the line and the stack traces in debug mode. */
  text: string;
}

/**
 * How a command's failure is shown: `llmio: <what> (<hint>)` on one line, exit status 2 for a
 * wrong command line, 1 otherwise. Stack traces only in debug mode (`--debug`, LLMIO_LOG_LEVEL=debug).
 */
export function reportError(error: unknown, debug: boolean): ErrorReport {
  const known = asCliError(error);
  const line = known
    ? `llmio: ${known.message}${known.hint ? ` (${known.hint})` : ""}`
    : `llmio: ${firstLine(error)}${debug ? "" : " (run again with --debug for the stack trace)"}`;
  return { exitCode: known?.exitCode ?? 1, text: debug ? [line, ...stacks(error)].join("\n") : line };
}

/** Our own errors, and citty's parse errors (a missing required argument) as usage errors. */
function asCliError(error: unknown): CliError | undefined {
  if (error instanceof CliError) return error;
  if (error instanceof Error && error.name === "CLIError") {
    const message = stripAnsi(error.message).replace(/^./, (letter) => letter.toLowerCase());
    return new UsageError(message, "add --help to the command to see what it takes");
  }
  return undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return stripAnsi(message).split("\n")[0].trim() || (error instanceof Error ? error.name : "unknown error");
}

/** The error's stack and those of its causes. */
function stacks(error: unknown): string[] {
  const lines: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    lines.push(depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`);
  }
  return lines;
}

function stripAnsi(text: string): string {
  return text.replace(/\u001B\[[0-9;]*m/g, "");
}
