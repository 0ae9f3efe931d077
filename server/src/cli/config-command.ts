import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { defineCommand } from "citty";
import { loadServerConfig } from "../config.ts";
import { connectSharedState } from "../shared-state/index.ts";
import { CliError } from "../lib/cli-error.ts";
import { describeFsError } from "../lib/fs-error.ts";
import { applyConfig, formatReport, hasChanges } from "../admin/config-apply.ts";
import { exportConfig, renderConfig } from "../admin/config-export.ts";
import { ConfigError, parseConfig } from "../admin/config-file.ts";
import { openDatabaseOrExplain as open, type DatabaseTarget } from "./open-database.ts";
import { consoleOutput } from "./output.ts";

export const databaseArgs = {
  "database-url": { type: "string", description: "PostgreSQL database instead of SQLite (env DATABASE_URL, postgres://…)" },
  "db-path": { type: "string", description: "SQLite database file (env LLMIO_DB_PATH, default ./db/llmio.db)" },
  "data-dir": {
    type: "string",
    description: "Folder holding llmio.db (env STATE_DIRECTORY; the system service uses /var/lib/llmio)",
  },
} as const;

/** The database `llmio serve` would use with the same flags and environment. */
export function databaseTarget(args: { "database-url"?: string; "db-path"?: string; "data-dir"?: string }): DatabaseTarget {
  // A placeholder token keeps loadServerConfig from generating and saving one.
  const { databaseUrl, databasePath } = loadServerConfig({
    databaseUrl: args["database-url"],
    dbPath: args["db-path"],
    dataDir: args["data-dir"],
    token: "unused",
  });
  return { databaseUrl, databasePath };
}

const exportCommand = defineCommand({
  meta: { name: "export", description: "Print providers, models, their associations and client keys as YAML" },
  args: {
    ...databaseArgs,
    out: { type: "string", description: "Write to this file instead of standard output" },
    "with-secrets": {
      type: "boolean",
      description: "Include provider API keys and secret headers in clear (masked as sk-…abcd otherwise)",
    },
  },
  async run({ args }) {
    const target = databaseTarget(args);
    if (!target.databaseUrl && !existsSync(target.databasePath)) {
      throw new CliError(`no database at ${target.databasePath} (pass --db-path, --data-dir or --database-url)`);
    }
    const db = await open(target);
    const withSecrets = Boolean(args["with-secrets"]);
    const document = await exportConfig(db, { withSecrets }).finally(() => db.close());
    const names = document.authKeys?.map((key) => key.name) ?? [];
    const shared = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
    if (shared.length) consoleOutput.note(`warning: several client keys are named ${shared.join(", ")}; apply matches keys by name, so rename them before applying this file`);
    const yaml = renderConfig(document, { withSecrets });
    if (!args.out) return consoleOutput.out(yaml);
    try {
      writeFileSync(args.out, yaml, { mode: withSecrets ? 0o600 : 0o644 });
    } catch (error) {
      throw new CliError(`cannot write ${args.out}: ${describeFsError(error)}`, undefined, { cause: error });
    }
    consoleOutput.note(`wrote ${args.out}`);
  },
});

const applyCommand = defineCommand({
  meta: {
    name: "apply",
    description: "Make the database match a YAML file (idempotent): create, update and, with --prune, delete entries",
  },
  args: {
    file: { type: "positional", required: true, description: "The YAML file, as written by `config export` (- reads standard input)" },
    ...databaseArgs,
    "redis-url": { type: "string", description: "Tell running instances at once through their Redis (env REDIS_URL, redis://…)" },
    "dry-run": { type: "boolean", description: "Show what would change without writing anything" },
    prune: { type: "boolean", description: "Also delete entries the file does not list (only in the sections it has)" },
  },
  async run({ args }) {
    const file = args.file;
    const document = await inFile(file, () => parseConfig(readSource(file)));
    const target = databaseTarget(args);
    if (!target.databaseUrl && !existsSync(target.databasePath)) consoleOutput.note(`creating a new database at ${target.databasePath}`);
    const db = await open(target);
    try {
      const report = await inFile(file, () => applyConfig(db, document, { dryRun: Boolean(args["dry-run"]), prune: Boolean(args.prune) }));
      consoleOutput.out(`${formatReport(report)}\n`);
      if (!report.dryRun && hasChanges(report)) consoleOutput.note(await announceChanges(target, args["redis-url"] ?? (process.env.REDIS_URL || undefined)));
    } finally {
      await db.close();
    }
  },
});

/**
 * How running gateways learn of the change. On SQLite they notice other connections' commits
 * within a second; instances sharing PostgreSQL hear it on their Redis change bus (told here),
 * or, without Redis, reload every few seconds anyway.
 */
export async function announceChanges(target: DatabaseTarget, redisUrl: string | undefined): Promise<string> {
  if (!target.databaseUrl) return "note: a gateway running on this database picks these changes up within a second";
  if (!redisUrl) return "note: gateways running on this PostgreSQL database pick these changes up within 5 seconds";
  const shared = await connectSharedState(redisUrl, { prefix: process.env.LLMIO_REDIS_PREFIX || undefined });
  try {
    if (!shared.available) return "note: Redis did not answer; gateways on this PostgreSQL database pick these changes up within 5 seconds";
    for (const topic of ["catalog", "client-keys", "settings"]) shared.changes.publish(topic);
    return "note: gateways on this PostgreSQL database were told through Redis";
  } finally {
    await shared.close();
  }
}

function readSource(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${describeFsError(error)}`, undefined, { cause: error });
  }
}

/** Prefixes a config error with the file it is in. */
async function inFile<Result>(file: string, action: () => Result | Promise<Result>): Promise<Result> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`${file === "-" ? "<stdin>" : file}: ${error.message}`);
    throw error;
  }
}

export const configCommand = defineCommand({
  meta: { name: "config", description: "Export the catalog to YAML, or apply a YAML file to it" },
  subCommands: { export: exportCommand, apply: applyCommand },
});
