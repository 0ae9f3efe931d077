import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { defineCommand } from "citty";
import { loadServerConfig } from "../config.ts";
import { openDatabase, type AppDatabase } from "../db/client.ts";
import { CliError, reportingErrors } from "./cli-error.ts";
import { applyConfig, formatReport, hasChanges } from "./config-apply.ts";
import { exportConfig, renderConfig } from "./config-export.ts";
import { ConfigError, parseConfig } from "./config-file.ts";
import { consoleOutput } from "./output.ts";

const databaseArgs = {
  "db-path": { type: "string", description: "SQLite database file (env LLMIO_DB_PATH, default ./db/llmio.db)" },
  "data-dir": {
    type: "string",
    description: "Folder holding llmio.db (env STATE_DIRECTORY; the system service uses /var/lib/llmio)",
  },
} as const;

/** The database `llmio serve` would use with the same flags and environment. */
function databasePath(args: { "db-path"?: string; "data-dir"?: string }): string {
  // A placeholder token keeps loadServerConfig from generating and saving one.
  return loadServerConfig({ dbPath: args["db-path"], dataDir: args["data-dir"], token: "unused" }).databasePath;
}

function open(path: string): AppDatabase {
  try {
    return openDatabase(path);
  } catch (error) {
    throw new CliError(`cannot open the database ${path}: ${(error as Error).message}`);
  }
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
  run: ({ args }) =>
    reportingErrors(() => {
      const path = databasePath(args);
      if (!existsSync(path)) throw new CliError(`no database at ${path} (pass --db-path or --data-dir)`);
      const db = open(path);
      const withSecrets = Boolean(args["with-secrets"]);
      const document = exportConfig(db, { withSecrets });
      db.$client.close();
      const names = document.authKeys?.map((key) => key.name) ?? [];
      const shared = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
      if (shared.length) consoleOutput.note(`warning: several client keys are named ${shared.join(", ")}; apply matches keys by name, so rename them before applying this file`);
      const yaml = renderConfig(document, { withSecrets });
      if (!args.out) return consoleOutput.out(yaml);
      writeFileSync(args.out, yaml, { mode: withSecrets ? 0o600 : 0o644 });
      consoleOutput.note(`wrote ${args.out}`);
    }),
});

const applyCommand = defineCommand({
  meta: {
    name: "apply",
    description: "Make the database match a YAML file (idempotent): create, update and, with --prune, delete entries",
  },
  args: {
    file: { type: "positional", required: true, description: "The YAML file, as written by `config export` (- reads standard input)" },
    ...databaseArgs,
    "dry-run": { type: "boolean", description: "Show what would change without writing anything" },
    prune: { type: "boolean", description: "Also delete entries the file does not list (only in the sections it has)" },
  },
  run: ({ args }) =>
    reportingErrors(() => {
      const file = args.file;
      const document = inFile(file, () => parseConfig(readSource(file)));
      const path = databasePath(args);
      if (!existsSync(path)) consoleOutput.note(`creating a new database at ${path}`);
      const db = open(path);
      try {
        const report = inFile(file, () => applyConfig(db, document, { dryRun: Boolean(args["dry-run"]), prune: Boolean(args.prune) }));
        consoleOutput.out(`${formatReport(report)}\n`);
        if (!report.dryRun && hasChanges(report)) {
          consoleOutput.note(
            "note: a gateway running on this database picks these changes up within a second",
          );
        }
      } finally {
        db.$client.close();
      }
    }),
});

function readSource(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Prefixes a config error with the file it is in. */
function inFile<Result>(file: string, action: () => Result): Result {
  try {
    return action();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`${file === "-" ? "<stdin>" : file}: ${error.message}`);
    throw error;
  }
}

export const configCommand = defineCommand({
  meta: { name: "config", description: "Export the catalog to YAML, or apply a YAML file to it" },
  subCommands: { export: exportCommand, apply: applyCommand },
});
