import { runCommand, runMain, type ArgsDef, type CommandDef } from "citty";
import { reportError } from "./error-report.ts";
import { strictCommand } from "./strict-args.ts";

const HELP_FLAGS = ["--help", "-h"];
const VERSION_FLAGS = ["--version", "-v"];

/**
 * Runs the command line: `--help` and `--version` through citty's own runMain, everything
 * else through runCommand with unknown flags refused (strict-args.ts) and failures reported
 * as one line (error-report.ts) instead of citty's usage dump and stack trace.
 * `--debug`, accepted anywhere before `--`, adds stack traces and debug logs. A command line
 * with no command, or starting with a flag, runs `defaultCommand`.
 */
export async function runCli<T extends ArgsDef>(main: CommandDef<T>, argv: string[], options: { defaultCommand: string }): Promise<void> {
  const { rawArgs: given, debug } = takeDebugFlag(argv);
  if (debug) process.env.LLMIO_LOG_LEVEL = "debug";
  // No command, or flags first (`llmio --port 8080`): the default command.
  const rawArgs = given.length === 0 || (given[0].startsWith("-") && ![...HELP_FLAGS, ...VERSION_FLAGS].includes(given[0])) ? [options.defaultCommand, ...given] : given;
  const command = strictCommand(main);
  if (rawArgs.some((arg) => HELP_FLAGS.includes(arg)) || (rawArgs.length === 1 && VERSION_FLAGS.includes(rawArgs[0]))) {
    return runMain(command, { rawArgs });
  }
  try {
    await runCommand(command, { rawArgs });
  } catch (error) {
    const report = reportError(error, debug || process.env.LLMIO_LOG_LEVEL?.toLowerCase() === "debug");
    console.error(report.text);
    process.exit(report.exitCode);
  }
}

/** Removes `--debug` (before any `--`) from the arguments. */
export function takeDebugFlag(argv: string[]): { rawArgs: string[]; debug: boolean } {
  const end = argv.includes("--") ? argv.indexOf("--") : argv.length;
  const before = argv.slice(0, end);
  const rawArgs = [...before.filter((arg) => arg !== "--debug"), ...argv.slice(end)];
  return { rawArgs, debug: rawArgs.length !== argv.length };
}
