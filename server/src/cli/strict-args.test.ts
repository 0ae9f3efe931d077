import { describe, expect, test } from "bun:test";
import { defineCommand, runCommand } from "citty";
import { UsageError } from "../lib/cli-error.ts";
import { strictCommand } from "./strict-args.ts";

/** A small tree like llmio's: a leaf with flags, a group with a lazily loaded leaf taking a file. */
function tree(ran: string[]) {
  const serve = defineCommand({
    meta: { name: "serve" },
    args: { port: { type: "string" }, "db-path": { type: "string" }, verbose: { type: "boolean" }, level: { type: "string", alias: "l" } },
    run: ({ args }) => void ran.push(`serve port=${args.port} db=${args["db-path"]} verbose=${args.verbose} level=${args.level}`),
  });
  const apply = defineCommand({
    meta: { name: "apply" },
    args: { file: { type: "positional", required: true }, "dry-run": { type: "boolean" } },
    run: ({ args }) => void ran.push(`apply ${args.file} dry=${args["dry-run"]}`),
  });
  const config = defineCommand({ meta: { name: "config" }, subCommands: { apply: async () => apply } });
  return strictCommand(defineCommand({ meta: { name: "llmio" }, subCommands: { serve, config } }));
}

async function run(rawArgs: string[]): Promise<string[]> {
  const ran: string[] = [];
  await runCommand(tree(ran), { rawArgs });
  return ran;
}

async function refusal(rawArgs: string[]): Promise<string> {
  try {
    await run(rawArgs);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    return `${usage.message} (${usage.hint})`;
  }
  throw new Error(`${rawArgs.join(" ")} was accepted`);
}

describe("strictCommand", () => {
  test("known flags in every spelling citty accepts still work", async () => {
    expect(await run(["serve", "--port", "80", "--dbPath", "x.db", "--verbose", "-l", "debug"])).toEqual(["serve port=80 db=x.db verbose=true level=debug"]);
    expect(await run(["serve", "--port=81", "--no-verbose"])).toEqual(["serve port=81 db=undefined verbose=false level=undefined"]);
    expect(await run(["config", "apply", "catalog.yaml", "--dry-run"])).toEqual(["apply catalog.yaml dry=true"]);
  });

  test("an unknown flag is refused with the closest known one, before the command runs", async () => {
    expect(await refusal(["serve", "--prot", "80"])).toBe("unknown flag --prot: did you mean --port? (llmio serve --help lists every flag)");
    expect(await refusal(["serve", "--db_path", "x"])).toBe("unknown flag --db_path: did you mean --db-path? (llmio serve --help lists every flag)");
    expect(await refusal(["serve", "--no-verbos"])).toBe("unknown flag --no-verbos: did you mean --verbose? (llmio serve --help lists every flag)");
    expect(await refusal(["serve", "-x"])).toBe("unknown flag -x (llmio serve --help lists every flag)");
    expect(await refusal(["config", "apply", "f.yaml", "--dry-rn"])).toBe("unknown flag --dry-rn: did you mean --dry-run? (llmio config apply --help lists every flag)");
  });

  test("a value flag without its value, a negated value flag and stray arguments are refused", async () => {
    expect(await refusal(["serve", "--port"])).toBe("--port needs a value (llmio serve --help lists every flag)");
    expect(await refusal(["serve", "--no-port"])).toBe("unknown flag --no-port: --port takes a value (llmio serve --help lists every flag)");
    expect(await refusal(["serve", "8080"])).toBe('unexpected argument "8080" (llmio serve --help lists every flag)');
    expect(await refusal(["config", "apply", "a.yaml", "b.yaml"])).toBe('unexpected argument "b.yaml" (llmio config apply --help lists every flag)');
  });

  test("an unknown or missing command is refused with the closest one", async () => {
    expect(await refusal(["serv"])).toBe('unknown command "serv": did you mean serve? (llmio --help lists the commands)');
    expect(await refusal(["config", "aply"])).toBe('unknown command "aply": did you mean apply? (llmio config --help lists the commands)');
    expect(await refusal(["config"])).toBe('missing a command after "llmio config": apply (llmio config --help lists them)');
    expect(await refusal(["config", "--force", "apply"])).toBe("unknown flag --force before the command (llmio config --help lists the commands)");
  });
});
