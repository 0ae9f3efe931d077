/**
 * `bun run test:unit`: the fast loop. Every test that needs no browser, no CLI or binary run as a
 * process and no database server: the server's `*.test.ts` that are not `*.e2e.test.ts`, and the
 * UI and extension Vitest suites. The rule is the file name: a test that starts a browser, a
 * process or a server is named `*.e2e.test.ts` and runs in `test:e2e` (and in `bun run test`).
 * The server suite (in two shards) and the two Vitest suites run side by side; each one's output
 * is printed whole, after all have ended.
 */
import { join } from "node:path";
import { TEST_TIMEOUT_FLAG, unitTestFiles } from "./test-files.ts";

const root = join(import.meta.dir, "../..");
const started = performance.now();
// No database server in the fast loop: the suites that need one skip without these.
const env = { ...process.env, LLMIO_TEST_DATABASE_URL: undefined, LLMIO_TEST_REDIS_URL: undefined };

interface SuiteRun {
  name: string;
  exitCode: number;
  output: string;
  seconds: number;
}

async function run(name: string, command: string[], cwd: string): Promise<SuiteRun> {
  const start = performance.now();
  const child = Bun.spawn(command, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { name, exitCode, output: stdout + stderr, seconds: (performance.now() - start) / 1000 };
}

// Each package's own test script (the extension's runs `wxt prepare` first, which a fresh clone needs),
// with Vitest without per-file isolation in one thread pool: the suites pass either way, ~5× faster.
const vitest = [process.execPath, "run", "test", "--passWithNoTests", "--no-isolate", "--pool=threads"];
// The server's unit tests mostly wait (timeouts, windows, sockets): two shards overlap those waits.
const files = await unitTestFiles(join(root, "server"));
const serverShards = [1, 2].map((shard) => run(`server ${shard}/2`, [process.execPath, "test", TEST_TIMEOUT_FLAG, `--shard=${shard}/2`, ...files], join(root, "server")));
const browserSide = (async () => [await run("ui", vitest, join(root, "ui")), await run("extension", vitest, join(root, "extension"))])();
const runs = [...(await Promise.all(serverShards)), ...(await browserSide)];

for (const suite of runs) console.error(`\n=== ${suite.name} unit tests (${suite.seconds.toFixed(1)} s) ===\n${suite.output}`);
const failed = runs.filter((suite) => suite.exitCode !== 0).map((suite) => suite.name);
console.error(`\ntest:unit: ${((performance.now() - started) / 1000).toFixed(1)} s${failed.length ? `, failed: ${failed.join(", ")}` : ""}`);
process.exit(failed.length ? 1 : 0);
