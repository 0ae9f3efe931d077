import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { defineCommand } from "citty";
import { tokenFilePath } from "../config.ts";
import type { AppDatabase } from "../db/client.ts";
import type { AdminTokenStore } from "../admin/llmio-import/admin-token.ts";
import { importChanged, importLlmio } from "../admin/llmio-import/import-llmio.ts";
import { formatImportReport } from "../admin/llmio-import/import-report-text.ts";
import { readSharedToken, writeSharedToken } from "../auth/shared-token.ts";
import { UsageError } from "../lib/cli-error.ts";
import { announceChanges, databaseArgs, databaseTarget } from "./config-command.ts";
import { openDatabaseOrExplain as open, type DatabaseTarget } from "./open-database.ts";
import { consoleOutput } from "./output.ts";

export const importLlmioCommand = defineCommand({
  meta: {
    name: "import-llmio",
    description: "Import an LLMIO database (providers, models, associations, client keys, settings; logs with --with-logs)",
  },
  args: {
    source: {
      type: "positional",
      required: true,
      description: "LLMIO's SQLite file (its db/llmio.db), or the fork's postgres://… or mysql://… URL",
    },
    ...databaseArgs,
    "redis-url": { type: "string", description: "Tell running instances at once through their Redis (env REDIS_URL, redis://…)" },
    "dry-run": { type: "boolean", description: "Print the plan (counts, every mapping decision, what is skipped and why) without writing" },
    replace: { type: "boolean", description: "Overwrite llmio entries whose names conflict (reported and left alone otherwise)" },
    "with-logs": { type: "boolean", description: "Also import the request history (chat_logs) and captured bodies" },
    since: { type: "string", description: "With --with-logs: only the last DAYS days" },
    token: { type: "string", description: "LLMIO's TOKEN: keep it as llmio's admin token (stored beside the database)" },
  },
  async run({ args }) {
    const sinceDays = args.since === undefined ? null : Number(args.since);
    if (sinceDays !== null && (!Number.isInteger(sinceDays) || sinceDays < 1)) throw new UsageError(`invalid --since "${args.since}": a whole number of days, 1 or more`);
    if (sinceDays !== null && !args["with-logs"]) throw new UsageError("--since needs --with-logs");
    if (args.token !== undefined && !args.token.trim()) throw new UsageError("--token is empty");
    const target = databaseTarget(args);
    if (!target.databaseUrl && !existsSync(target.databasePath)) consoleOutput.note(`creating a new database at ${target.databasePath}`);
    const db = await open(target);
    try {
      const report = await importLlmio(
        args.source,
        { db, adminTokens: adminTokenStore(target, db) },
        {
          dryRun: Boolean(args["dry-run"]),
          replace: Boolean(args.replace),
          withLogs: Boolean(args["with-logs"]),
          sinceDays,
          adminToken: args.token?.trim(),
        },
      );
      consoleOutput.out(`${formatImportReport(report)}\n`);
      if (args.token && process.env.TOKEN && process.env.TOKEN !== args.token.trim()) {
        consoleOutput.note("note: TOKEN is set in this environment to another value; llmio serve uses TOKEN over the stored admin token");
      }
      if (importChanged(report)) consoleOutput.note(await announceChanges(target, args["redis-url"] ?? (process.env.REDIS_URL || undefined)));
    } finally {
      await db.close();
    }
  },
});

/** The token file beside SQLite, or the shared setting on PostgreSQL: where `llmio serve` looks when TOKEN is unset. */
function adminTokenStore(target: DatabaseTarget, db: AppDatabase): AdminTokenStore {
  if (target.databaseUrl) {
    return { description: "in the database, shared by every instance", read: () => readSharedToken(db), write: (token) => writeSharedToken(db, token) };
  }
  const path = tokenFilePath(target.databasePath);
  return {
    description: path,
    async read() {
      return existsSync(path) ? readFileSync(path, "utf8").trim() || undefined : undefined;
    },
    async write(token) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${token}\n`, { mode: 0o600 });
    },
  };
}
