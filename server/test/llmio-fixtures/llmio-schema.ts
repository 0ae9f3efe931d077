/**
 * LLMIO's (atopos31/llmio, v0.8.x and later) SQLite schema, as `db.AutoMigrate` in models/init.go
 * creates it with gorm v1.30 and glebarez/sqlite v1.11 for the structs in models/model.go,
 * models/config.go and models/log_cleanup.go. Written out by hand from those structs and GORM's
 * SQLite type rules (see README.md): gorm.Model gives `id integer PRIMARY KEY AUTOINCREMENT`,
 * created_at/updated_at/deleted_at `datetime` and an index on deleted_at; string → text,
 * int/uint/int64/time.Duration → integer, float64 → real, bool/*bool → numeric, time.Time → datetime,
 * `serializer:json` fields → text. No NOT NULL, no defaults: GORM adds neither for these fields.
 * The text is what SQLite keeps in sqlite_master, backticks included.
 */

/** LLMIO's tables in AutoMigrate's order. */
export const LLMIO_TABLES = [
  "providers",
  "models",
  "model_with_providers",
  "chat_logs",
  "chat_ios",
  "configs",
  "auth_keys",
  "log_cleanup_records",
] as const;

export type LlmioTable = (typeof LLMIO_TABLES)[number];

const MODEL_COLUMNS = "`id` integer PRIMARY KEY AUTOINCREMENT,`created_at` datetime,`updated_at` datetime,`deleted_at` datetime";

/** Columns after gorm.Model's four, in struct order (embedded structs flattened in place). */
export const LLMIO_COLUMNS: Record<LlmioTable, ReadonlyArray<readonly [name: string, type: string]>> = {
  providers: [
    ["name", "text"],
    ["type", "text"],
    ["config", "text"],
    ["console", "text"],
    ["proxy", "text"],
    ["error_matcher", "text"],
  ],
  models: [
    ["name", "text"],
    ["remark", "text"],
    ["max_retry", "integer"],
    ["time_out", "integer"],
    ["strategy", "text"],
    ["breaker", "numeric"],
    ["display_order", "integer"],
  ],
  model_with_providers: [
    ["model_id", "integer"],
    ["provider_model", "text"],
    ["provider_id", "integer"],
    ["tool_call", "numeric"],
    ["structured_output", "numeric"],
    ["image", "numeric"],
    ["with_header", "numeric"],
    ["status", "numeric"],
    ["customer_headers", "text"],
    ["extra_body", "text"],
    ["weight", "integer"],
    ["input_price", "real"],
    ["cache_read_price", "real"],
    ["output_price", "real"],
    ["currency", "text"],
  ],
  chat_logs: [
    ["name", "text"],
    ["trace_id", "text"],
    ["provider_model", "text"],
    ["provider_name", "text"],
    ["status", "text"],
    ["style", "text"],
    ["user_agent", "text"],
    ["remote_ip", "text"],
    ["auth_key_id", "integer"],
    ["session_id", "text"],
    ["chat_io", "numeric"],
    ["error", "text"],
    ["retry", "integer"],
    ["proxy_time", "integer"],
    ["first_chunk_time", "integer"],
    ["chunk_time", "integer"],
    ["tps", "real"],
    ["size", "integer"],
    // Usage (embedded)
    ["prompt_tokens", "integer"],
    ["completion_tokens", "integer"],
    ["total_tokens", "integer"],
    ["prompt_tokens_details", "text"],
    ["input_price", "real"],
    ["cache_read_price", "real"],
    ["output_price", "real"],
    ["currency", "text"],
  ],
  chat_ios: [
    ["log_id", "integer"],
    ["input", "text"],
    // OutputUnion (embedded)
    ["of_string", "text"],
    ["of_string_array", "text"],
  ],
  configs: [
    ["key", "text"],
    ["value", "text"],
  ],
  auth_keys: [
    ["name", "text"],
    ["key", "text"],
    ["status", "numeric"],
    ["io_log", "numeric"],
    ["allow_all", "numeric"],
    ["models", "text"],
    ["expires_at", "datetime"],
    ["usage_count", "integer"],
    ["last_used_at", "datetime"],
  ],
  log_cleanup_records: [
    ["retention_days", "integer"],
    ["deleted_count", "integer"],
    ["duration_ms", "integer"],
    ["source", "text"],
    ["type", "text"],
  ],
};

/** Columns with `gorm:"index"` besides deleted_at (only ChatLog has them). */
const INDEXED_COLUMNS: Partial<Record<LlmioTable, string[]>> = {
  chat_logs: ["name", "trace_id", "provider_model", "provider_name", "status", "user_agent", "auth_key_id", "session_id"],
};

function createTable(table: LlmioTable): string {
  const columns = LLMIO_COLUMNS[table].map(([name, type]) => `\`${name}\` ${type}`).join(",");
  return `CREATE TABLE \`${table}\` (${MODEL_COLUMNS},${columns})`;
}

function createIndexes(table: LlmioTable): string[] {
  return ["deleted_at", ...(INDEXED_COLUMNS[table] ?? [])].map(
    (column) => `CREATE INDEX \`idx_${table}_${column}\` ON \`${table}\`(\`${column}\`)`,
  );
}

/** Every CREATE TABLE / CREATE INDEX statement, in the order AutoMigrate runs them. */
export const LLMIO_SQLITE_SCHEMA: readonly string[] = LLMIO_TABLES.flatMap((table) => [createTable(table), ...createIndexes(table)]);

/** All column names of a table, gorm.Model's included, in table order. */
export function llmioColumnNames(table: LlmioTable): string[] {
  return ["id", "created_at", "updated_at", "deleted_at", ...LLMIO_COLUMNS[table].map(([name]) => name)];
}
