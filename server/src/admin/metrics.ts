import { desc, gte, ne, sql, type AnyColumn } from "drizzle-orm";
import type { AppDatabase, Tables } from "../db/client.ts";
import { VERSION } from "../version.ts";
import { AdminError } from "../lib/admin-error.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

/**
 * Usage over a window. Log rows are upstream *attempts*; a client request is one trace,
 * so `reqs` counts distinct trace ids. A request succeeded when any of its attempts did;
 * `errors` are the requests none of whose attempts succeeded. Token sums cover every
 * attempt (a failed attempt normally reports none).
 */
export interface UsageMetrics {
  reqs: number;
  tokens: number;
  success: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

/** Requests (distinct traces) and tokens of one public model name. */
export interface ModelCount {
  model: string;
  calls: number;
  tokens: number;
}

/** A cheap snapshot for the browser extension and UI header. */
export interface StatusSnapshot {
  version: string;
  uptimeSeconds: number;
  requestsLastMinute: number;
  errorsLastMinute: number;
  /** Log rows accepted but not yet written. */
  logBacklog: number;
}

// A folded rejection row stands for `repeat_count` calls (each such row is its own trace).
const requests = (requestLogs: Tables["requestLogs"]) =>
  sql<number>`count(distinct ${requestLogs.traceId}) + coalesce(sum(${requestLogs.repeatCount} - 1), 0)`.mapWith(Number);
const successfulRequests = (requestLogs: Tables["requestLogs"]) =>
  sql<number>`count(distinct case when ${requestLogs.status} = 'success' then ${requestLogs.traceId} end)`.mapWith(Number);
// mapWith: PostgreSQL's sum of integers is a bigint, which arrives as text.
const total = (column: AnyColumn) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

/** Aggregates over the request log, computed in SQL. */
export class MetricsService {
  constructor(private readonly db: AppDatabase) {}

  /** Usage over the last `days` × 24 hours (as LLMIO's `/api/metrics/use/:days`). */
  async usage(days: number, now = Date.now()): Promise<UsageMetrics> {
    if (!Number.isInteger(days) || days < 1) throw new AdminError(400, "Invalid params: /days must be an integer ≥ 1");
    const { requestLogs } = this.db.tables;
    const [{ success, ...sums }] = await this.db.orm
      .select({
        reqs: requests(requestLogs),
        success: successfulRequests(requestLogs),
        tokens: total(requestLogs.totalTokens),
        promptTokens: total(requestLogs.promptTokens),
        completionTokens: total(requestLogs.completionTokens),
      })
      .from(requestLogs)
      .where(gte(requestLogs.createdAt, now - days * DAY_MS));
    return { ...sums, success, errors: sums.reqs - success };
  }

  /** Requests and tokens per model over the whole log, busiest first. */
  async counts(): Promise<ModelCount[]> {
    const { requestLogs } = this.db.tables;
    const calls = requests(requestLogs);
    return this.db.orm
      .select({ model: requestLogs.model, calls, tokens: total(requestLogs.totalTokens) })
      .from(requestLogs)
      // Calls rejected before their body was read name no model.
      .where(ne(requestLogs.model, ""))
      .groupBy(requestLogs.model)
      .orderBy(desc(calls), requestLogs.model);
  }

  /** Counts only the last minute, a range scan on the `created_at` index. */
  async status(logBacklog: number, now = Date.now()): Promise<StatusSnapshot> {
    const { requestLogs } = this.db.tables;
    const [recent] = await this.db.orm
      .select({ requests: requests(requestLogs), successes: successfulRequests(requestLogs) })
      .from(requestLogs)
      .where(gte(requestLogs.createdAt, now - MINUTE_MS));
    return {
      version: VERSION,
      uptimeSeconds: Math.floor(process.uptime()),
      requestsLastMinute: recent.requests,
      errorsLastMinute: recent.requests - recent.successes,
      logBacklog,
    };
  }
}
