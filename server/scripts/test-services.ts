/**
 * Throwaway PostgreSQL and Redis servers for the multi-instance test suites, started from the
 * machine's own binaries (Debian: `postgresql`, `redis-server`; `.ci/run` installs them) on
 * free loopback ports with their data in a temp folder, and removed afterwards. Missing
 * binaries are reported, not fatal: those suites then say they were skipped.
 */
import { spawn, spawnSync, type Subprocess } from "bun";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestServices {
  databaseUrl?: string;
  redisUrl?: string;
  /** Why a service is missing, for the test summary. */
  missing: string[];
  stop(): void;
}

export async function startTestServices(): Promise<TestServices> {
  const missing: string[] = [];
  const stops: Array<() => void> = [];
  const postgres = await startPostgres().catch((error: Error) => (missing.push(`PostgreSQL: ${error.message}`), undefined));
  if (postgres) stops.push(postgres.stop);
  const redis = await startRedis().catch((error: Error) => (missing.push(`Redis: ${error.message}`), undefined));
  if (redis) stops.push(redis.stop);
  return { databaseUrl: postgres?.url, redisUrl: redis?.url, missing, stop: () => stops.forEach((stop) => stop()) };
}

async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const bin = postgresBin();
  if (!bin) throw new Error("initdb/pg_ctl not found (apt-get install postgresql)");
  const folder = mkdtempSync(join(tmpdir(), "llmio-pg-"));
  // PostgreSQL refuses to run as root: as root, run it as the `postgres` user Debian's package creates.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? userIds("postgres") : undefined;
  if (asRoot && !owner) throw new Error("running as root and no `postgres` user exists");
  if (owner) chownSync(folder, owner.uid, owner.gid);
  const run = (command: string[]) => {
    const full = asRoot ? ["runuser", "-u", "postgres", "--", ...command] : command;
    const result = spawnSync(full, { stdout: "pipe", stderr: "pipe" });
    if (result.exitCode !== 0) throw new Error(`${command[0]} failed: ${result.stderr.toString().trim().slice(-500)}`);
  };
  const data = join(folder, "data");
  const port = await freePort();
  run([join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200`;
  run([join(bin, "pg_ctl"), "-D", data, "-l", join(folder, "log"), "-o", options, "-w", "start"]);
  const stop = () => {
    try {
      run([join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"]);
    } catch {
      // Already gone.
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    run([join(bin, "createdb"), "-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "llmio_test"]);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/llmio_test`, stop };
}

async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const binary = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find(existsSync) ?? Bun.which("redis-server");
  if (!binary) throw new Error("redis-server not found (apt-get install redis-server)");
  const port = await freePort();
  const server: Subprocess = spawn([binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let tries = 0; tries < 100; tries++) {
    const client = new Bun.RedisClient(url, { autoReconnect: false, connectionTimeout: 200 });
    try {
      if ((await client.send("PING", [])) === "PONG") return { url, stop: () => server.kill() };
    } catch {
      await Bun.sleep(50);
    } finally {
      client.close();
    }
  }
  server.kill();
  throw new Error("redis-server did not answer");
}

function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) if (existsSync(join(root, version, "bin", "initdb"))) return join(root, version, "bin");
  }
  const initdb = Bun.which("initdb");
  return initdb ? join(initdb, "..") : undefined;
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const result = spawnSync(["id", "-u", name], { stdout: "pipe", stderr: "pipe" });
  const group = spawnSync(["id", "-g", name], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0 || group.exitCode !== 0) return undefined;
  return { uid: Number(result.stdout.toString()), gid: Number(group.stdout.toString()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

if (import.meta.main) {
  const services = await startTestServices();
  console.log(JSON.stringify({ databaseUrl: services.databaseUrl, redisUrl: services.redisUrl, missing: services.missing }));
  services.stop();
}
