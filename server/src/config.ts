import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Settings for `llmio serve`, from env with CLI flags overriding. */
export interface ServerConfig {
  host: string;
  port: number;
  databasePath: string;
  /** Admin + full-access API key. */
  token: string;
  /** True when the token was generated (or loaded from the data folder) rather than given. */
  tokenGenerated: boolean;
  /** How long shutdown waits for requests in flight before closing them. */
  shutdownGraceMs: number;
}

export interface ServerFlags {
  host?: string;
  port?: string | number;
  dbPath?: string;
  dataDir?: string;
  token?: string;
}

const DEFAULT_PORT = 7070;
const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
const TOKEN_FILE = "token";

/** Reads env and flags once; creates and persists a random token when none is configured. */
export function loadServerConfig(flags: ServerFlags = {}, env: Record<string, string | undefined> = process.env): ServerConfig {
  const dataDir = flags.dataDir ?? env.STATE_DIRECTORY ?? undefined;
  const databasePath = resolve(
    flags.dbPath ?? env.LLMIO_DB_PATH ?? (dataDir ? join(dataDir, "llmio.db") : "./db/llmio.db"),
  );
  const port = Number(flags.port ?? env.LLMIO_SERVER_PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${flags.port ?? env.LLMIO_SERVER_PORT}`);
  const host = flags.host ?? env.LLMIO_HOST ?? "0.0.0.0";
  const shutdownGraceMs = Number(env.LLMIO_SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS);
  const given = flags.token ?? env.TOKEN;
  if (given) return { host, port, databasePath, token: given, tokenGenerated: false, shutdownGraceMs };
  return { host, port, databasePath, token: loadOrCreateToken(dirname(databasePath)), tokenGenerated: true, shutdownGraceMs };
}

/** The generated token lives beside the database so it survives restarts. */
function loadOrCreateToken(folder: string): string {
  const file = join(folder, TOKEN_FILE);
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (saved) return saved;
  }
  mkdirSync(folder, { recursive: true });
  const token = `llmio-${randomBytes(24).toString("base64url")}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
