/**
 * The README's test command: the server suites (bun test: unit, SDK, CLI, browser e2e), the
 * storage and shared-state suites again on PostgreSQL + Redis (throwaway servers, see
 * test-services.ts), and the UI and extension unit suites (Vitest). Every suite runs even
 * when an earlier one fails. With `--e2e` (`bun run test:e2e`): only the server's `*.e2e.test.ts`
 * and the PostgreSQL pass, the part `bun run test:unit` leaves out.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { e2eTestFiles, TEST_TIMEOUT_FLAG } from "./test-files.ts";
import { startTestServices } from "./test-services.ts";

/** Suites that touch storage: run a second time with PostgreSQL as the database. */
const STORAGE_SUITES = [
  "src/db",
  "src/auth",
  "src/observability",
  "src/admin",
  "src/relay/health-probe",
  "src/routing/reloading-cache",
  "src/lib/trusted-proxies",
  "src/routes/admin",
  "src/routes/operations.test.ts",
  "src/cli",
  "src/cache/response-cache.test.ts",
];

const root = join(import.meta.dir, "../..");
const e2eOnly = process.argv.includes("--e2e");
const services = await startTestServices();
process.on("exit", () => services.stop());
for (const reason of services.missing) console.error(`multi-instance suites: ${reason}; those tests are skipped`);
const serviceEnv = {
  ...process.env,
  ...(services.databaseUrl ? { LLMIO_TEST_DATABASE_URL: services.databaseUrl } : {}),
  ...(services.redisUrl ? { LLMIO_TEST_REDIS_URL: services.redisUrl } : {}),
};
const suites: Array<{ name: string; command: string[]; cwd: string; env?: Record<string, string | undefined> }> = [
  e2eOnly
    ? { name: "server e2e", command: [process.execPath, "test", TEST_TIMEOUT_FLAG, ...(await e2eTestFiles(join(root, "server")))], cwd: join(root, "server"), env: serviceEnv }
    : { name: "server", command: [process.execPath, "test"], cwd: root, env: serviceEnv },
  ...(services.databaseUrl
    ? [
        {
          name: "server storage on PostgreSQL",
          command: [process.execPath, "test", TEST_TIMEOUT_FLAG, ...STORAGE_SUITES],
          cwd: join(root, "server"),
          env: { ...serviceEnv, LLMIO_TEST_STORAGE: "postgres" },
        },
      ]
    : []),
  ...(e2eOnly
    ? []
    : [
        { name: "ui", command: [process.execPath, "run", "test", "--passWithNoTests"], cwd: join(root, "ui") },
        { name: "extension", command: [process.execPath, "run", "test", "--passWithNoTests"], cwd: join(root, "extension") },
      ]),
];

let failed = false;
for (const suite of suites) {
  if (!existsSync(join(suite.cwd, "package.json"))) continue;
  const scripts = (await Bun.file(join(suite.cwd, "package.json")).json()).scripts ?? {};
  if (!suite.name.startsWith("server") && !scripts.test) continue;
  console.error(`\n=== ${suite.name} tests ===`);
  const result = Bun.spawnSync(suite.command, { cwd: suite.cwd, stdout: "inherit", stderr: "inherit", env: suite.env ?? process.env });
  if (result.exitCode !== 0) failed = true;
}
services.stop();
process.exit(failed ? 1 : 0);
