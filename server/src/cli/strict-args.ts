import { defineCittyPlugin, type ArgsDef, type CittyPlugin, type CommandContext, type CommandDef, type Resolvable, type SubCommandsDef } from "citty";
import { UsageError } from "../lib/cli-error.ts";
import { closestName } from "./suggest.ts";

/**
 * citty parses leniently: an unknown flag becomes one more key of `args` and is ignored, so
 * `llmio serve --prot 8080` would start on the default port. `strictCommand` gives every
 * command of a tree a plugin that refuses, before the command runs, unknown flags, unknown
 * subcommands, stray arguments and a value flag left without its value, with a suggestion.
 */
export function strictCommand<T extends ArgsDef>(command: CommandDef<T>, path: string[] = ["llmio"]): CommandDef<T> {
  const subCommands = command.subCommands ? strictSubCommands(command.subCommands, path) : undefined;
  return { ...command, subCommands, plugins: [...(command.plugins ?? []), strictArgsPlugin(path, subCommands)] };
}

function strictSubCommands(subCommands: Resolvable<SubCommandsDef>, path: string[]): () => Promise<SubCommandsDef> {
  return async () => {
    const resolved = await resolve(subCommands);
    const wrapped: SubCommandsDef = {};
    // Each stays lazy: a command's module is loaded only when it runs (or --help lists it).
    for (const [name, sub] of Object.entries(resolved)) wrapped[name] = async () => strictCommand(await resolve(sub), [...path, name]);
    return wrapped;
  };
}

async function resolve<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === "function" ? (value as () => T | Promise<T>)() : value;
}

function strictArgsPlugin(path: string[], subCommands: (() => Promise<SubCommandsDef>) | undefined): Resolvable<CittyPlugin> {
  return defineCittyPlugin({
    name: "strict-args",
    async setup(context: CommandContext<ArgsDef>) {
      const argsDef = await resolve(context.cmd.args ?? {});
      if (subCommands) checkCommandChoice(context.rawArgs, Object.keys(await subCommands()), path);
      else checkArgs(context, argsDef, path);
    },
  });
}

/** The help hint for a command: `llmio serve --help`. */
function helpHint(path: string[], what: string): string {
  return `${path.join(" ")} --help lists ${what}`;
}

/** A command with subcommands (`llmio`, `llmio config`) takes no flags of its own, only a known subcommand. */
function checkCommandChoice(rawArgs: string[], names: string[], path: string[]): void {
  const first = rawArgs[0];
  if (first === undefined) throw new UsageError(`missing a command after "${path.join(" ")}": ${names.join(", ")}`, helpHint(path, "them"));
  if (first.startsWith("-")) throw new UsageError(`unknown flag ${first.split("=")[0]} before the command`, helpHint(path, "the commands"));
  if (names.includes(first)) return;
  const suggestion = first === "help" ? "--help" : closestName(first, names);
  throw new UsageError(`unknown command "${first}"${suggestion ? `: did you mean ${suggestion}?` : ""}`, helpHint(path, "the commands"));
}

function checkArgs(context: CommandContext<ArgsDef>, argsDef: ArgsDef, path: string[]): void {
  const rawArgs = context.rawArgs;
  const flags = Object.entries(argsDef).filter(([, def]) => def.type !== "positional");
  const known = new Set<string>(["_"]);
  for (const [name, def] of Object.entries(argsDef)) {
    const aliases = "alias" in def && def.alias !== undefined ? [def.alias].flat() : [];
    for (const alias of [name, ...aliases]) {
      known.add(alias).add(camelCase(alias)).add(kebabCase(alias));
    }
  }
  const hint = helpHint(path, "every flag");
  for (const key of Object.keys(context.args)) {
    if (known.has(key)) continue;
    const typed = typedFlag(rawArgs, key);
    const suggestion = closestName(key.replace(/^no-/, ""), flags.map(([name]) => name));
    throw new UsageError(`unknown flag ${typed}${suggestion ? `: did you mean --${suggestion}?` : ""}`, hint);
  }
  for (const [name, def] of flags) {
    if (def.type !== "string") continue;
    const value: unknown = context.args[name];
    // `--port` as the last word: citty reads it as an empty value, which would mean "port 0".
    if (value === "" && rawArgs.includes(`--${name}`)) throw new UsageError(`--${name} needs a value`, hint);
    // `--no-port` sets a value flag to false.
    if (typeof value === "boolean") throw new UsageError(`unknown flag --no-${name}: --${name} takes a value`, hint);
  }
  const positionals = Object.values(argsDef).filter((def) => def.type === "positional").length;
  const stray = context.args._.slice(positionals);
  if (stray.length > 0) throw new UsageError(`unexpected argument "${stray[0]}"`, hint);
}

/** The flag as the user typed it (`--no-prot`, `-p`), for the message. */
function typedFlag(rawArgs: string[], key: string): string {
  for (const arg of rawArgs) {
    if (arg === "--") break;
    const name = arg.replace(/^-{1,2}/, "").split("=")[0];
    if (arg.startsWith("-") && (name === key || name === `no-${key}`)) return arg.split("=")[0];
  }
  return key.length === 1 ? `-${key}` : `--${key}`;
}

function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
