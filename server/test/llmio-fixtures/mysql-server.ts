import { afterAll, beforeAll } from "bun:test";
import { mariadbMissing, startTestMysql, type TestMysql } from "../../scripts/test-mysql.ts";

/** Why the MySQL suites cannot run here (no MariaDB binaries and no LLMIO_TEST_MYSQL_URL), or undefined. */
export const mysqlMissing = process.env.LLMIO_TEST_MYSQL_URL ? undefined : mariadbMissing();

/**
 * In a describe block: a MySQL server for its tests, LLMIO_TEST_MYSQL_URL or a throwaway MariaDB
 * started before them and stopped after. Returns a getter for its URL.
 */
export function useTestMysql(): () => string {
  let server: TestMysql | undefined;
  let url = process.env.LLMIO_TEST_MYSQL_URL ?? "";
  beforeAll(async () => {
    if (url) return;
    server = await startTestMysql();
    if (!server.url) throw new Error(`MariaDB is installed but did not start: ${server.missing}`);
    url = server.url;
  }, 60_000);
  afterAll(() => server?.stop());
  return () => url;
}
