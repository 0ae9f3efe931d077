import { describe, expect, test } from "bun:test";
import { parseArgs } from "citty";
import { CliError, UsageError } from "../lib/cli-error.ts";
import { reportError } from "./error-report.ts";

describe("reportError", () => {
  test("our errors: one line with the hint; exit 2 for the command line, 1 for the machine", () => {
    expect(reportError(new UsageError("unknown flag --prot: did you mean --port?", "llmio serve --help lists every flag"), false)).toEqual({
      exitCode: 2,
      text: "llmio: unknown flag --prot: did you mean --port? (llmio serve --help lists every flag)",
    });
    expect(reportError(new CliError("port 7070 is already in use by another program"), false)).toEqual({ exitCode: 1, text: "llmio: port 7070 is already in use by another program" });
  });

  test("anything else: its first line, exit 1, and where the stack trace is", () => {
    const report = reportError(new Error("database is locked\n    at somewhere (x.ts:1:1)"), false);
    expect(report).toEqual({ exitCode: 1, text: "llmio: database is locked (run again with --debug for the stack trace)" });
  });

  test("debug mode adds the stack traces, the causes' too", () => {
    const cause = new Error("EACCES: permission denied, mkdir '/var/lib/x'");
    const report = reportError(new CliError("cannot open the database /var/lib/x/llmio.db: permission denied", "choose a writable place", { cause }), true);
    const lines = report.text.split("\n");
    expect(lines[0]).toBe("llmio: cannot open the database /var/lib/x/llmio.db: permission denied (choose a writable place)");
    expect(lines.some((line) => line.startsWith("caused by: Error: EACCES"))).toBe(true);
    expect(lines.filter((line) => /^\s+at /.test(line)).length).toBeGreaterThan(1);
  });

  test("citty's own parse errors are usage errors, without colour codes", () => {
    let thrown: unknown;
    try {
      parseArgs([], { file: { type: "positional", required: true } });
    } catch (error) {
      thrown = error;
    }
    expect(reportError(thrown, false)).toEqual({ exitCode: 2, text: "llmio: missing required positional argument: FILE (add --help to the command to see what it takes)" });
  });
});
