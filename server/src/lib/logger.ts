/** The gateway's own log: one JSON object per line on stderr, filtered by LLMIO_LOG_LEVEL. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const level = (process.env.LLMIO_LOG_LEVEL ?? "info").toLowerCase() as LogLevel;
  return RANK[level] ?? RANK.info;
}

let minimum = threshold();

/** Re-reads LLMIO_LOG_LEVEL (tests change it). */
export function refreshLogLevel(): void {
  minimum = threshold();
}

/** Field names that may carry secrets; their values never reach the log. */
const SECRET_FIELD = /key|token|secret|authorization|password|cookie/i;

function write(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < minimum) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
  for (const [name, value] of Object.entries(fields)) {
    entry[name] = SECRET_FIELD.test(name) ? "[redacted]" : value instanceof Error ? value.message : value;
  }
  process.stderr.write(`${JSON.stringify(entry)}\n`);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
