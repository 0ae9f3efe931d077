/** A failure the user can fix (bad flag, invalid file, missing permission): shown as one line, no stack trace. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** Runs a command's action; a `CliError` ends the process with its message and exit code 1. */
export async function reportingErrors(action: () => void | Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(`llmio: ${error.message}`);
    process.exit(1);
  }
}
