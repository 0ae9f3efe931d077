import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CliError, UsageError } from "./lib/cli-error.ts";
import { describeFsError } from "./lib/fs-error.ts";
import { TrustedProxies } from "./lib/trusted-proxies.ts";

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
  /** Where the token comes from; the start banner says it, and prints only a generated token. */
  tokenSource: TokenSource;
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
  /** How often providers with an open breaker are probed in the background (`LLMIO_HEALTH_PROBE_SECONDS`); 0: never. */
  healthProbeIntervalMs: number;
  /** Peers whose `X-Forwarded-For` / `X-Real-IP` name the client (`LLMIO_TRUSTED_PROXIES`); none by default. */
  trustedProxies: TrustedProxies;
}

/**
 * Where the admin token comes from: the environment (`TOKEN`), the `--token` flag, or generated
 * and kept in a file beside the SQLite database (`created`: on this start) or in the shared
 * PostgreSQL database.
 */
export type TokenSource =
  | { kind: "environment" }
  | { kind: "flag" }
  | { kind: "file"; path: string; created: boolean }
  | { kind: "database" };

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
  healthProbeSeconds?: string | number;
  trustedProxies?: string;
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
/** Often enough that a recovered provider turns green within half a minute; one small call per down provider per round. */
export const DEFAULT_HEALTH_PROBE_SECONDS = 30;
const MB = 1024 * 1024;
const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
const TOKEN_FILE = "token";

/** Reads env and flags once; creates and persists a random token when none is configured. */
export function loadServerConfig(flags: ServerFlags = {}, env: Record<string, string | undefined> = process.env): ServerConfig {
  /** A value from its flag, else its environment variable, with the name to show in an error. */
  const setting = (flag: string | number | undefined, flagName: string, variable: string): Setting =>
    flag === undefined ? { name: variable, value: env[variable] } : { name: flagName, value: flag };
  const dataDir = flags.dataDir ?? env.STATE_DIRECTORY ?? undefined;
  const databasePath = resolve(
    flags.dbPath ?? env.LLMIO_DB_PATH ?? (dataDir ? join(dataDir, "llmio.db") : "./db/llmio.db"),
  );
  const port = parsePort(flags.port, env.LLMIO_SERVER_PORT);
  const host = flags.host ?? env.LLMIO_HOST ?? "0.0.0.0";
  const shutdownGraceMs = Number(env.LLMIO_SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS);
  const databaseUrl = flags.databaseUrl ?? (env.DATABASE_URL || undefined);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError(`${flags.databaseUrl ? "--database-url" : "DATABASE_URL"} must be a postgres:// URL (without it llmio uses SQLite)`);
  }
  const redisUrl = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new UsageError(`${flags.redisUrl ? "--redis-url" : "REDIS_URL"} must be a redis:// or rediss:// URL`);
  const maxUpstreamBodyBytes = megabytes(setting(flags.maxUpstreamBodyMb, "--max-upstream-body-mb", "LLMIO_MAX_UPSTREAM_BODY_MB"), DEFAULT_MAX_UPSTREAM_BODY_MB);
  const maxSseEventBytes = megabytes(setting(flags.maxSseEventMb, "--max-sse-event-mb", "LLMIO_MAX_SSE_EVENT_MB"), DEFAULT_MAX_SSE_EVENT_MB);
  const maxRequestBodyBytes = megabytes(setting(flags.maxRequestBodyMb, "--max-request-body-mb", "LLMIO_MAX_REQUEST_BODY_MB"), DEFAULT_MAX_REQUEST_BODY_MB);
  const idleTimeoutSeconds = seconds(setting(flags.idleTimeoutSeconds, "--idle-timeout-seconds", "LLMIO_IDLE_TIMEOUT_SECONDS"), DEFAULT_IDLE_TIMEOUT_SECONDS);
  const allowedHosts = hostList(flags.allowedHosts ?? env.LLMIO_ALLOWED_HOSTS);
  const quotaOutputReserveTokens = tokenCount(
    setting(flags.quotaOutputReserveTokens, "--quota-output-reserve-tokens", "LLMIO_QUOTA_OUTPUT_RESERVE_TOKENS"),
    DEFAULT_QUOTA_OUTPUT_RESERVE_TOKENS,
  );
  const healthProbeIntervalMs =
    probeSeconds(setting(flags.healthProbeSeconds, "--health-probe-seconds", "LLMIO_HEALTH_PROBE_SECONDS"), DEFAULT_HEALTH_PROBE_SECONDS) * 1000;
  const trustedProxies = proxyList(setting(flags.trustedProxies, "--trusted-proxies", "LLMIO_TRUSTED_PROXIES"));
  const common = {
    host, port, databasePath, databaseUrl, redisUrl, shutdownGraceMs, maxUpstreamBodyBytes, maxSseEventBytes,
    maxRequestBodyBytes, idleTimeoutSeconds, allowedHosts, quotaOutputReserveTokens, healthProbeIntervalMs,
    trustedProxies,
  };
  if (flags.token) return { ...common, token: flags.token, tokenSource: { kind: "flag" } };
  if (env.TOKEN) return { ...common, token: env.TOKEN, tokenSource: { kind: "environment" } };
  // Instances sharing PostgreSQL share the generated token too: it is kept in the database.
  if (databaseUrl) return { ...common, token: "", tokenSource: { kind: "database" } };
  const kept = loadOrCreateToken(dirname(databasePath));
  return { ...common, token: kept.token, tokenSource: { kind: "file", path: kept.path, created: kept.created } };
}

/** A setting's value and where it came from (`--max-sse-event-mb` or `LLMIO_MAX_SSE_EVENT_MB`). */
interface Setting {
  name: string;
  value: string | number | undefined;
}

/** The port from `--port` or LLMIO_SERVER_PORT (an empty variable counts as unset); 0 picks a free one. */
function parsePort(flag: string | number | undefined, variable: string | undefined): number {
  const value = flag ?? (variable || undefined);
  if (value === undefined) return DEFAULT_PORT;
  const port = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`invalid ${flag === undefined ? "LLMIO_SERVER_PORT" : "--port"} "${value}": a port is a whole number from 0 to 65535`);
  }
  return port;
}

/** A size setting given in MB (fractions allowed), as bytes; the default when unset. */
function megabytes({ name, value }: Setting, defaultMb: number): number {
  if (value === undefined || value === "") return defaultMb * MB;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0) throw new UsageError(`invalid ${name} "${value}": a size in MB, above 0`);
  return Math.max(1, Math.floor(mb * MB));
}

/** Bun's connection timeout in whole seconds, 1–255; the default when unset. */
function seconds({ name, value }: Setting, defaultSeconds: number): number {
  if (value === undefined || value === "") return defaultSeconds;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 255) throw new UsageError(`invalid ${name} "${value}": whole seconds, 1 to 255`);
  return parsed;
}

/** The background probe's interval in whole seconds, 0 (off) to an hour; the default when unset. */
function probeSeconds({ name, value }: Setting, defaultSeconds: number): number {
  if (value === undefined || value === "") return defaultSeconds;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 3600) throw new UsageError(`invalid ${name} "${value}": whole seconds, 0 (off) to 3600`);
  return parsed;
}

/** A whole number of tokens, 0 or more; the default when unset. */
function tokenCount({ name, value }: Setting, defaultTokens: number): number {
  if (value === undefined || value === "") return defaultTokens;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new UsageError(`invalid ${name} "${value}": a whole number of tokens`);
  return parsed;
}

/** A comma-separated list of host names (`*` for any), lower case; undefined when unset. */
function hostList(value: string | undefined): string[] | undefined {
  const names = (value ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  return names.length > 0 ? names : undefined;
}

/** The trusted proxies' networks, comma-separated CIDRs or addresses; none when unset. */
function proxyList({ name, value }: Setting): TrustedProxies {
  try {
    return TrustedProxies.parse(String(value ?? ""));
  } catch (error) {
    throw new UsageError(`invalid ${name}: ${(error as Error).message}`);
  }
}

/** Where the generated admin token of a SQLite database is kept: beside it. */
export function tokenFilePath(databasePath: string): string {
  return join(dirname(databasePath), TOKEN_FILE);
}

/** The generated token lives beside the database so it survives restarts. */
function loadOrCreateToken(folder: string): { token: string; path: string; created: boolean } {
  const path = join(folder, TOKEN_FILE);
  const hint = "set TOKEN, or choose a writable folder with --data-dir or --db-path";
  try {
    if (existsSync(path)) {
      const saved = readFileSync(path, "utf8").trim();
      if (saved) return { token: saved, path, created: false };
    }
  } catch (error) {
    throw new CliError(`cannot read the admin token file ${path}: ${describeFsError(error, path)}`, hint, { cause: error });
  }
  const token = generateToken();
  try {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, `${token}\n`, { mode: 0o600 });
  } catch (error) {
    throw new CliError(`cannot save the generated admin token to ${path}: ${describeFsError(error, path)}`, hint, { cause: error });
  }
  return { token, path, created: true };
}

export function generateToken(): string {
  return `llmio-${randomBytes(24).toString("base64url")}`;
}
