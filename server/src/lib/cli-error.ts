/**
 * A failure the user can fix at run time (port taken, folder not writable, invalid file, missing
 * permission): shown as one line, no stack trace, exit status 1. The hint says what to do.
 */
export class CliError extends Error {
  readonly exitCode: number = 1;

  constructor(message: string, readonly hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CliError";
  }
}

/** The command line itself is wrong (unknown flag or command, invalid value): exit status 2. */
export class UsageError extends CliError {
  override readonly exitCode: number = 2;

  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "UsageError";
  }
}
