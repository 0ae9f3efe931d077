import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Settings for `llmio serve`, from env with CLI flags overriding. */
export interface ServerConfig {
  host: string;
  port: number;
  databasePath: string;
  /** PostgreSQL instead of SQLite (`DATABASE_URL`): several instances share one database. */
  databaseUrl?: string;
  /** Shared routing state in Redis (`REDIS_URL`) instead of in memory. */
  redisUrl?: string;
  /** Admin + full-access API key; empty until read from the database when it is kept there (see serve.ts). */
  token: string;
  /** True when the token was generated (or loaded from the data folder) rather than given. */
  tokenGenerated: boolean;
  /** How long shutdown waits for requests in flight before closing them. */
  shutdownGraceMs: number;
  /** A decoded non-stream upstream body past this is abandoned (`LLMIO_MAX_UPSTREAM_BODY_MB`). */
  maxUpstreamBodyBytes: number;
  /** One SSE event of an upstream stream past this ends the stream (`LLMIO_MAX_SSE_EVENT_MB`). */
  maxSseEventBytes: number;
  /** A proxied request body past this is refused with a 413 (`LLMIO_MAX_REQUEST_BODY_MB`). */
  maxRequestBodyBytes: number;
  /** Bun's connection timeout outside an authenticated LLM call (`LLMIO_IDLE_TIMEOUT_SECONDS`, 1–255). */
  idleTimeoutSeconds: number;
  /** Host names served besides loopback ones (`LLMIO_ALLOWED_HOSTS`); `["*"]`: any. Unset: see routes/host-check.ts. */
  allowedHosts?: string[];
  /** Tokens a token quota reserves for the answer of a call that sets no output limit (`LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS`). */
  quotaOutputReserveTokens: number;
}

export interface ServerFlags {
  host?: string;
  port?: string | number;
  dbPath?: string;
  dataDir?: string;
  token?: string;
  databaseUrl?: string;
  redisUrl?: string;
  maxUpstreamBodyMb?: string | number;
  maxSseEventMb?: string | number;
  maxRequestBodyMb?: string | number;
  idleTimeoutSeconds?: string | number;
  allowedHosts?: string;
  quotaOutputReserveTokens?: string | number;
}

const DEFAULT_PORT = 7070;
/** Far above any real answer (the largest are long completions with images or many embeddings). */
export const DEFAULT_MAX_UPSTREAM_BODY_MB = 64;
/** Far above any real event (a large tool call's arguments arrive in many small deltas). */
export const DEFAULT_MAX_SSE_EVENT_MB = 8;
/** Room for long conversations with several images (base64), far below what would strain memory. */
export const DEFAULT_MAX_REQUEST_BODY_MB = 32;
/** Bounds a slow request upload and an idle kept-alive connection; Bun allows at most 255. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
/** Covers most answers (models' own output limits are 8k–128k); only calls near the end of a token quota feel it. */
export const DEFAULT_QUOTA_OUTPUT_RESERVE_TOKENS = 32_768;
const MB = 1024 * 1024;
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
  const databaseUrl = flags.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error("DATABASE_URL must be a postgres:// URL (without it llmio uses SQLite)");
  const redisUrl = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new Error("REDIS_URL must be a redis:// or rediss:// URL");
  const maxUpstreamBodyBytes = megabytes("LLMIO_MAX_UPSTREAM_BODY_MB", flags.maxUpstreamBodyMb ?? env.LLMIO_MAX_UPSTREAM_BODY_MB, DEFAULT_MAX_UPSTREAM_BODY_MB);
  const maxSseEventBytes = megabytes("LLMIO_MAX_SSE_EVENT_MB", flags.maxSseEventMb ?? env.LLMIO_MAX_SSE_EVENT_MB, DEFAULT_MAX_SSE_EVENT_MB);
  const maxRequestBodyBytes = megabytes("LLMIO_MAX_REQUEST_BODY_MB", flags.maxRequestBodyMb ?? env.LLMIO_MAX_REQUEST_BODY_MB, DEFAULT_MAX_REQUEST_BODY_MB);
  const idleTimeoutSeconds = seconds("LLMIO_IDLE_TIMEOUT_SECONDS", flags.idleTimeoutSeconds ?? env.LLMIO_IDLE_TIMEOUT_SECONDS, DEFAULT_IDLE_TIMEOUT_SECONDS);
  const allowedHosts = hostList(flags.allowedHosts ?? env.LLMIO_ALLOWED_HOSTS);
  const quotaOutputReserveTokens = tokenCount(
    "LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS",
    flags.quotaOutputReserveTokens ?? env.LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS,
    DEFAULT_QUOTA_OUTPUT_RESERVE_TOKENS,
  );
  const common = {
    host, port, databasePath, databaseUrl, redisUrl, shutdownGraceMs, maxUpstreamBodyBytes, maxSseEventBytes,
    maxRequestBodyBytes, idleTimeoutSeconds, allowedHosts, quotaOutputReserveTokens,
  };
  const given = flags.token ?? env.TOKEN;
  if (given) return { ...common, token: given, tokenGenerated: false };
  // Instances sharing PostgreSQL share the generated token too: it is kept in the database.
  if (databaseUrl) return { ...common, token: "", tokenGenerated: true };
  return { ...common, token: loadOrCreateToken(dirname(databasePath)), tokenGenerated: true };
}

/** A size setting given in MB (fractions allowed), as bytes; the default when unset. */
function megabytes(name: string, value: string | number | undefined, defaultMb: number): number {
  if (value === undefined || value === "") return defaultMb * MB;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`Invalid ${name}: ${value} (a size in MB, above 0)`);
  return Math.max(1, Math.floor(mb * MB));
}

/** Bun's connection timeout in whole seconds, 1–255; the default when unset. */
function seconds(name: string, value: string | number | undefined, defaultSeconds: number): number {
  if (value === undefined || value === "") return defaultSeconds;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 255) throw new Error(`Invalid ${name}: ${value} (whole seconds, 1 to 255)`);
  return parsed;
}

/** A whole number of tokens, 0 or more; the default when unset. */
function tokenCount(name: string, value: string | number | undefined, defaultTokens: number): number {
  if (value === undefined || value === "") return defaultTokens;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`Invalid ${name}: ${value} (a whole number of tokens)`);
  return parsed;
}

/** A comma-separated list of host names (`*` for any), lower case; undefined when unset. */
function hostList(value: string | undefined): string[] | undefined {
  const names = (value ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  return names.length > 0 ? names : undefined;
}

/** The generated token lives beside the database so it survives restarts. */
function loadOrCreateToken(folder: string): string {
  const file = join(folder, TOKEN_FILE);
  if (existsSync(file)) {
    const saved = readFileSync(file, "utf8").trim();
    if (saved) return saved;
  }
  mkdirSync(folder, { recursive: true });
  const token = generateToken();
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export function generateToken(): string {
  return `llmio-${randomBytes(24).toString("base64url")}`;
}
