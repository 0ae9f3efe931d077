/**
 * The split between the fast loop and the rest, by file name: `*.e2e.test.ts` starts a browser, a
 * process (a CLI, the binary, the gateway) or a database server; every other `*.test.ts` does not.
 * Paths come back as `./…` relative to server/, which `bun test` takes as files, not name filters.
 */
import { Glob } from "bun";

async function testFiles(serverDirectory: string, e2e: boolean): Promise<string[]> {
  const files: string[] = [];
  for await (const path of new Glob("{src,test,scripts}/**/*.test.ts").scan({ cwd: serverDirectory })) {
    if (path.endsWith(".e2e.test.ts") === e2e) files.push(`./${path}`);
  }
  return files.sort();
}

export const unitTestFiles = (serverDirectory: string) => testFiles(serverDirectory, false);
export const e2eTestFiles = (serverDirectory: string) => testFiles(serverDirectory, true);

/** The root bunfig.toml's `[test] timeout`, which bun reads only when it runs at the root; runs inside server/ pass it. */
export const TEST_TIMEOUT_FLAG = "--timeout=20000";
