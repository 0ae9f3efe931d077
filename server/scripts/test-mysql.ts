/**
 * A throwaway MariaDB server for the tests that read a MySQL database (the LLMIO fork's MySQL
 * layout): started from the machine's own binaries (Debian: `mariadb-server`; `.ci/run` installs
 * it) on a free loopback port, data and socket in a temp folder, no system service, removed
 * afterwards. It runs with --skip-grant-tables: any user may connect, with every privilege.
 * A missing binary is reported, not fatal (like test-services.ts does for PostgreSQL).
 */
import { spawn, spawnSync, SQL, type Subprocess } from "bun";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestMysql {
  /** mysql://root@127.0.0.1:PORT/llmio_test (an empty database), when the server is up. */
  url?: string;
  /** Why there is no server, for the test summary. */
  missing?: string;
  stop(): void;
}

export async function startTestMysql(): Promise<TestMysql> {
  try {
    const server = await startMariadb();
    return { url: server.url, stop: server.stop };
  } catch (error) {
    return { missing: `MariaDB: ${(error as Error).message}`, stop: () => {} };
  }
}

/** Why no server can be started here (the binaries are missing), or undefined: for `test.skipIf`. */
export function mariadbMissing(): string | undefined {
  const { daemon, installDb } = mariadbBinaries();
  return daemon && installDb ? undefined : "mariadbd/mariadb-install-db not found (apt-get install mariadb-server)";
}

function mariadbBinaries(): { daemon?: string; installDb?: string } {
  return {
    daemon: findBinary("mariadbd", ["/usr/sbin/mariadbd", "/usr/local/sbin/mariadbd"]),
    installDb: findBinary("mariadb-install-db", ["/usr/bin/mariadb-install-db", "/usr/local/bin/mariadb-install-db"]),
  };
}

async function startMariadb(): Promise<{ url: string; stop: () => void }> {
  const { daemon, installDb } = mariadbBinaries();
  if (!daemon || !installDb) throw new Error(mariadbMissing());
  const folder = mkdtempSync(join(tmpdir(), "llmio-mysql-"));
  const data = join(folder, "data");
  // mariadbd refuses to run as root: as root, let it switch to the `mysql` user Debian's package creates.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? userIds("mysql") : undefined;
  if (asRoot && !owner) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error("running as root and no `mysql` user exists");
  }
  if (owner) chownSync(folder, owner.uid, owner.gid);
  const userFlag = asRoot ? ["--user=mysql"] : [];
  const install = spawnSync(
    [installDb, "--no-defaults", `--datadir=${data}`, "--auth-root-authentication-method=normal", "--skip-test-db", ...userFlag],
    { stdout: "pipe", stderr: "pipe" },
  );
  if (install.exitCode !== 0) {
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${install.stderr.toString().trim().slice(-500)}`);
  }
  const port = await freePort();
  const server: Subprocess = spawn(
    [
      daemon,
      "--no-defaults",
      ...userFlag,
      `--datadir=${data}`,
      `--socket=${join(folder, "mysqld.sock")}`,
      `--pid-file=${join(folder, "mysqld.pid")}`,
      `--log-error=${join(folder, "error.log")}`,
      `--port=${port}`,
      "--bind-address=127.0.0.1",
      "--skip-grant-tables",
      "--skip-name-resolve",
      "--skip-log-bin",
      "--innodb-buffer-pool-size=32M",
      "--innodb-flush-log-at-trx-commit=0",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server.kill("SIGKILL");
    rmSync(folder, { recursive: true, force: true });
  };
  // A test process that dies without calling stop() must not leave a server behind.
  process.once("exit", stop);
  const base = `mysql://root@127.0.0.1:${port}`;
  for (let tries = 0; tries < 300; tries++) {
    if (server.exitCode !== null) break;
    const client = new SQL(`${base}/mysql`, { max: 1, connectionTimeout: 1 });
    try {
      await client.unsafe("CREATE DATABASE IF NOT EXISTS llmio_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
      return { url: `${base}/llmio_test`, stop };
    } catch {
      await Bun.sleep(100);
    } finally {
      await client.close().catch(() => {});
    }
  }
  const log = await Bun.file(join(folder, "error.log")).text().catch(() => "");
  stop();
  throw new Error(`mariadbd did not answer: ${log.trim().slice(-500)}`);
}

function findBinary(name: string, paths: string[]): string | undefined {
  return paths.find(existsSync) ?? Bun.which(name) ?? undefined;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const user = spawnSync(["id", "-u", name], { stdout: "pipe", stderr: "pipe" });
  const group = spawnSync(["id", "-g", name], { stdout: "pipe", stderr: "pipe" });
  if (user.exitCode !== 0 || group.exitCode !== 0) return undefined;
  return { uid: Number(user.stdout.toString()), gid: Number(group.stdout.toString()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const listener = createServer();
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => {
      const { port } = listener.address() as { port: number };
      listener.close(() => resolve(port));
    });
  });
}

if (import.meta.main) {
  const mysql = await startTestMysql();
  console.log(JSON.stringify({ url: mysql.url, missing: mysql.missing }));
  mysql.stop();
}
