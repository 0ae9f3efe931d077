/** What llmio wrote to its request log (`request_logs`, one row per upstream attempt), read from its SQLite file. */
import { Database } from "bun:sqlite";

function query<T>(dbPath: string, sql: string, ...params: number[]): T {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.query(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

/** Rows in the log; a scenario without failover or folded rejections has one per request. */
export function countRows(dbPath: string): number {
  return query<{ n: number }>(dbPath, "SELECT COUNT(*) AS n FROM request_logs").n;
}

/** The newest row's id (0 for an empty log): what came after it is one run's. */
export function lastRowId(dbPath: string): number {
  return query<{ id: number | null }>(dbPath, "SELECT MAX(id) AS id FROM request_logs").id ?? 0;
}

/**
 * Client requests logged after row `afterId`: the attempts of one request share a trace id,
 * and identical rejections of a minute share one row whose `repeat_count` says how many.
 */
export function countCalls(dbPath: string, afterId: number): { calls: number; rows: number } {
  const sums = query<{ calls: number | null; rows: number | null }>(
    dbPath,
    "SELECT SUM(n) AS calls, SUM(attempts) AS rows FROM (SELECT MAX(repeat_count) AS n, COUNT(*) AS attempts FROM request_logs WHERE id > ? GROUP BY trace_id)",
    afterId,
  );
  return { calls: sums.calls ?? 0, rows: sums.rows ?? 0 };
}

/** One model's log after row `afterId`: requests (trace ids, folded rejections counted), attempt rows, attempts that reached a provider, cache hits. */
export interface ModelLog {
  calls: number;
  rows: number;
  upstreamAttempts: number;
  hits: number;
}

export function modelLog(dbPath: string, afterId: number, model: string): ModelLog {
  const db = new Database(dbPath, { readonly: true });
  try {
    const grouped = db
      .query("SELECT SUM(n) AS calls, SUM(attempts) AS rows FROM (SELECT MAX(repeat_count) AS n, COUNT(*) AS attempts FROM request_logs WHERE id > ? AND model = ? GROUP BY trace_id)")
      .get(afterId, model) as { calls: number | null; rows: number | null };
    const counts = db
      .query("SELECT SUM(provider_id IS NOT NULL) AS upstream, SUM(cache_status = 'hit') AS hits FROM request_logs WHERE id > ? AND model = ?")
      .get(afterId, model) as { upstream: number | null; hits: number | null };
    return { calls: grouped.calls ?? 0, rows: grouped.rows ?? 0, upstreamAttempts: counts.upstream ?? 0, hits: counts.hits ?? 0 };
  } finally {
    db.close();
  }
}

/** Rows after row `afterId` that keep an OpenTelemetry trace id (written while tracing sampled the request). */
export function countTracedRows(dbPath: string, afterId: number): number {
  return query<{ n: number }>(dbPath, "SELECT COUNT(*) AS n FROM request_logs WHERE id > ? AND otel_trace_id IS NOT NULL", afterId).n;
}
