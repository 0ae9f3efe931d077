import type { ServerConfig, TokenSource } from "../config.ts";

/** Shorter admin tokens draw a warning: anyone who reaches the port may try to guess them. */
export const MIN_TOKEN_LENGTH = 16;

export interface StartBanner {
  /** What `llmio serve` prints on stdout once listening, as one write. */
  text: string;
  /** Problems with the settings, for the log. */
  warnings: string[];
}

type BannerConfig = Pick<ServerConfig, "host" | "databasePath" | "databaseUrl" | "redisUrl" | "token" | "tokenSource">;

/**
 * The start banner: where to reach the gateway, its storage, and where the admin token comes
 * from. A token from the environment or a flag is never printed (it is in the user's hands, and
 * in a service's journal it would be a leak); a generated one is, with the file that keeps it.
 */
export function startBanner(config: BannerConfig, started: { version: string; port: number; readyMs: number }): StartBanner {
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const base = `http://${shownHost}:${started.port}`;
  const lines = [
    `llmio ${started.version} listening on ${config.host}:${started.port} (ready in ${Math.round(started.readyMs)} ms)`,
    `  admin UI      ${base}/`,
    `  OpenAI API    ${base}/v1  (also ${base}/openai/v1)`,
    `  OpenAPI docs  ${base}/openapi`,
    `  database      ${config.databaseUrl ? `PostgreSQL ${redactUrl(config.databaseUrl)}` : config.databasePath}`,
    `  shared state  ${config.redisUrl ? `Redis ${redactUrl(config.redisUrl)}` : "in memory (this instance only)"}`,
    ...tokenLines(config.tokenSource, config.token),
  ];
  return { text: lines.join("\n"), warnings: tokenWarnings(config.tokenSource, config.token) };
}

function tokenLines(source: TokenSource, token: string): string[] {
  const label = "  admin token   ";
  const shown = `                ${token}`;
  switch (source.kind) {
    case "environment":
      return [`${label}from the environment variable TOKEN (not shown)`];
    case "flag":
      return [`${label}from the --token flag (not shown)`];
    case "file":
      return [`${label}generated ${source.created ? "now" : "at an earlier start"}, kept in ${source.path} (set TOKEN to use your own)`, shown];
    case "database":
      return [`${label}generated, kept in the PostgreSQL database (the same for every instance; set TOKEN to use your own)`, shown];
  }
}

function tokenWarnings(source: TokenSource, token: string): string[] {
  if (token.length >= MIN_TOKEN_LENGTH) return [];
  const where = { environment: "TOKEN", flag: "--token", file: "the token file", database: "the stored token" }[source.kind];
  return [`${where} is only ${token.length} characters long: anyone who can reach this port may guess it; use ${MIN_TOKEN_LENGTH} or more random characters (for example: openssl rand -hex 24)`];
}

/** A connection URL without its password, for the banner and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
