import { inArray } from "drizzle-orm";
import type { Prices } from "../../core/cost.ts";
import type { AppDatabase } from "../../db/client.ts";
import { requestLogInserter } from "../../db/log-writer.ts";
import { CURRENCIES, type Currency, type NewRequestLog } from "../../db/schema.ts";
import { priceSnapshot } from "../../relay/price-snapshot.ts";
import type { ImportedLogs, SourceTableCount } from "./import-report.ts";
import type { LlmioModelPrice } from "./snapshot.ts";
import { isDeleted } from "./snapshot.ts";
import type { SourceDatabase, SourceRow } from "./source-database.ts";
import { asInstant, asJson, asNumber, asText } from "./source-values.ts";

export interface LogImportContext {
  /** llmio provider ids by name, after the catalog import. */
  providerIds: Map<string, number>;
  /** LLMIO key id → llmio key id. */
  keyIds: Map<number, number>;
  /** The fork's model prices, for rows that carry none. */
  modelPrices: Map<string, LlmioModelPrice>;
  /** llmio's log retention after the import: older rows would be deleted at once. */
  retentionDays: number | null;
  sinceDays: number | null;
  dryRun: boolean;
  now?: number;
}

const PAGE = 2000;
const INSERT_BATCH = 400;

/** LLMIO's client styles (and the fork's) → llmio's protocol and endpoint. */
const STYLES: Record<string, { protocol: string; endpoint: NewRequestLog["endpoint"] }> = {
  openai: { protocol: "openai-chat", endpoint: "chat" },
  "openai-res": { protocol: "openai-responses", endpoint: "chat" },
  codex: { protocol: "openai-responses", endpoint: "chat" },
  anthropic: { protocol: "anthropic", endpoint: "chat" },
  gemini: { protocol: "gemini", endpoint: "chat" },
  "openai-embeddings": { protocol: "openai-chat", endpoint: "embeddings" },
  "gemini-embeddings": { protocol: "gemini", endpoint: "embeddings" },
};

/**
 * Copies LLMIO's request history (chat_logs, one row per attempt as in llmio) and the bodies it
 * kept (chat_ios; the fork's chat_io) into llmio's log, page by page. Traces already in the log
 * (an earlier import) are not written twice.
 */
export async function importLogs(source: SourceDatabase, db: AppDatabase, context: LogImportContext): Promise<{ logs: ImportedLogs; tables: SourceTableCount[] }> {
  const now = context.now ?? Date.now();
  const since = context.sinceDays === null ? 0 : now - context.sinceDays * 86_400_000;
  const keepFrom = context.retentionDays === null ? 0 : now - context.retentionDays * 86_400_000;
  const logs: ImportedLogs = { read: 0, created: 0, alreadyPresent: 0, beyondRetention: 0, bodies: 0 };
  const logTable: SourceTableCount = { table: "chat_logs", read: 0, deleted: 0, skipped: 0 };
  const present = await source.tableNames();
  /** chat_logs id → trace id of the rows written, for their bodies. */
  const written = new Map<number, string>();
  const insertLogs = requestLogInserter(db);
  for (let afterId = 0; ; ) {
    const page = await source.rows("chat_logs", { afterId, limit: PAGE });
    if (page.length === 0) break;
    afterId = Number(page.at(-1)!.id);
    logTable.read += page.length;
    const candidates: { sourceId: number; row: NewRequestLog }[] = [];
    for (const source of page) {
      if (isDeleted(source)) {
        logTable.deleted++;
        continue;
      }
      const row = requestLog(source, context);
      if (row.createdAt < since) continue;
      logs.read++;
      if (row.createdAt < keepFrom) {
        logs.beyondRetention++;
        continue;
      }
      candidates.push({ sourceId: Number(source.id), row });
    }
    const existing = await existingTraces(db, [...new Set(candidates.map((candidate) => candidate.row.traceId))]);
    const fresh = candidates.filter((candidate) => !existing.has(candidate.row.traceId));
    logs.alreadyPresent += candidates.length - fresh.length;
    logs.created += fresh.length;
    for (const candidate of fresh) written.set(candidate.sourceId, candidate.row.traceId);
    // The log writer's own batch insert: one transaction per page, no SQL built per row.
    if (!context.dryRun && fresh.length) await insertLogs(fresh.map((candidate) => candidate.row), new Map());
  }
  const tables = [logTable];
  const bodyTable = present.has("chat_ios") ? "chat_ios" : present.has("chat_io") ? "chat_io" : undefined;
  if (bodyTable) {
    const counted = await importBodies(source, db, bodyTable, written, context.dryRun);
    logs.bodies = counted.bodies;
    tables.push(counted.table);
  }
  return { logs, tables };
}

function requestLog(row: SourceRow, context: LogImportContext): NewRequestLog {
  const status = asText(row.status);
  const error = asText(row.error).trim();
  const model = asText(row.name);
  const providerName = asText(row.provider_name) || null;
  const promptTokens = int(row.prompt_tokens);
  const completionTokens = int(row.completion_tokens);
  const details = asJson(row.prompt_tokens_details) as { cached_tokens?: unknown } | undefined;
  const cachedTokens = int(details?.cached_tokens);
  // LLMIO: Go durations in nanoseconds; the fork: milliseconds.
  const proxyMs = row.proxy_time_ms !== undefined ? num(row.proxy_time_ms) : num(row.proxy_time) / 1e6;
  const firstChunkMs = row.first_chunk_time_ms !== undefined ? num(row.first_chunk_time_ms) : num(row.first_chunk_time) / 1e6;
  const chunkMs = row.chunk_time_ms !== undefined ? num(row.chunk_time_ms) : num(row.chunk_time) / 1e6;
  const success = status === "success";
  const authKeyId = int(row.auth_key_id);
  const style = STYLES[asText(row.style)];
  return {
    traceId: asText(row.trace_id) || asText(row.uuid) || `llmio-${asText(row.id)}`,
    model,
    providerId: providerName ? (context.providerIds.get(providerName) ?? null) : null,
    providerName,
    providerModel: asText(row.provider_model) || null,
    clientProtocol: style?.protocol ?? (asText(row.style) || "openai-chat"),
    endpoint: style?.endpoint ?? "chat",
    status: success ? "success" : "error",
    statusCode: success ? 200 : statusCodeIn(error),
    error: success ? null : error || (status === "running" ? "LLMIO stopped before this call ended" : "failed in LLMIO"),
    attempt: int(row.retry),
    promptTokens,
    completionTokens,
    totalTokens: int(row.total_tokens) || promptTokens + completionTokens,
    cachedTokens,
    ...priceSnapshot(billedPrices(row, model, context), { promptTokens, cachedTokens, completionTokens }),
    firstByteMs: success || firstChunkMs > 0 ? Math.round(proxyMs + firstChunkMs) : null,
    durationMs: Math.round(proxyMs + firstChunkMs + chunkMs),
    clientIp: asText(row.remote_ip) || null,
    authKeyId: authKeyId > 0 ? (context.keyIds.get(authKeyId) ?? null) : null,
    userAgent: asText(row.user_agent) || null,
    sessionId: asText(row.session_id) || null,
    createdAt: asInstant(row.created_at) ?? 0,
  };
}

/** The prices the row was billed at (LLMIO keeps them on the row; the fork by model name, USD). */
function billedPrices(row: SourceRow, model: string, context: LogImportContext): Prices | undefined {
  if (row.input_price === undefined) {
    const listed = context.modelPrices.get(model.toLowerCase());
    return listed && { input: listed.input, cachedInput: listed.cacheRead, output: listed.output, cacheWrite: listed.cacheWrite, currency: "USD" };
  }
  const currency = (asText(row.currency).toUpperCase() || "CNY") as Currency;
  const input = num(row.input_price);
  const output = num(row.output_price);
  if ((input <= 0 && output <= 0) || !CURRENCIES.includes(currency)) return undefined;
  return { input, cachedInput: num(row.cache_read_price), output, cacheWrite: 0, currency };
}

/** LLMIO wrote upstream failures as `status: 429, body: …`. */
function statusCodeIn(error: string): number | null {
  const match = /\bstatus(?: code)?:? (\d{3})\b/i.exec(error);
  return match ? Number(match[1]) : null;
}

async function existingTraces(db: AppDatabase, traceIds: string[]): Promise<Set<string>> {
  const { requestLogs } = db.tables;
  const found = new Set<string>();
  for (let start = 0; start < traceIds.length; start += 500) {
    const rows = await db.orm.selectDistinct({ traceId: requestLogs.traceId }).from(requestLogs).where(inArray(requestLogs.traceId, traceIds.slice(start, start + 500)));
    for (const row of rows) found.add(row.traceId);
  }
  return found;
}

/** The bodies of the imported rows, one per trace (the last attempt's), as llmio keeps them. */
async function importBodies(
  source: SourceDatabase,
  db: AppDatabase,
  table: string,
  written: Map<number, string>,
  dryRun: boolean,
): Promise<{ bodies: number; table: SourceTableCount }> {
  const counted: SourceTableCount = { table, read: 0, deleted: 0, skipped: 0 };
  const byTrace = new Map<string, { requestBody: string; responseBody: string; createdAt: number }>();
  for (let afterId = 0; ; ) {
    const page = await source.rows(table, { afterId, limit: PAGE });
    if (page.length === 0) break;
    afterId = Number(page.at(-1)!.id);
    counted.read += page.length;
    for (const row of page) {
      if (isDeleted(row)) {
        counted.deleted++;
        continue;
      }
      const traceId = written.get(int(row.log_id));
      if (!traceId) continue;
      byTrace.set(traceId, { requestBody: asText(row.input), responseBody: responseText(row), createdAt: asInstant(row.created_at) ?? Date.now() });
    }
  }
  if (!dryRun) {
    const rows = [...byTrace].map(([traceId, body]) => ({ traceId, ...body }));
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      await db.orm.insert(db.tables.requestBodies).values(rows.slice(start, start + INSERT_BATCH)).onConflictDoNothing();
    }
  }
  return { bodies: byTrace.size, table: counted };
}

/** A whole answer (of_string), or a stream's events (of_string_array: each event's data) as SSE text. */
function responseText(row: SourceRow): string {
  const whole = asText(row.of_string ?? row.output_string);
  if (whole) return whole;
  const chunks = asJson(row.of_string_array ?? row.output_string_array);
  return Array.isArray(chunks) ? chunks.map((chunk) => `data: ${asText(chunk)}\n\n`).join("") : "";
}

function num(value: unknown): number {
  return asNumber(value) ?? 0;
}

function int(value: unknown): number {
  return Math.max(0, Math.trunc(num(value)));
}
