import { and, asc, count, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { AppDatabase, Tables } from "../db/client.ts";
import { REJECTION_REASONS } from "../db/log-reasons.ts";
import { first } from "../db/query.ts";
import type { RequestLog } from "../db/schema.ts";
import { AdminError } from "../lib/admin-error.ts";

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;

/** Filters and paging for the request log; every filter is optional. */
export interface LogQuery {
  /** 1-based; lower values read page 1. Ignored when `cursor` is given. */
  page?: number;
  /** Default 20, clamped to 1…200. */
  pageSize?: number;
  /**
   * Keyset paging: the `nextCursor` of the previous page (a row id). The page continues after
   * that row in the list's order, i.e. with the rows of smaller id (ids grow with time).
   */
  cursor?: number;
  model?: string;
  providerId?: number;
  status?: RequestLog["status"];
  /** The response cache's part: hit (served from it) or miss (looked up, then the upstream called). */
  cacheStatus?: NonNullable<RequestLog["cacheStatus"]>;
  /** Inclusive lower bound on `createdAt`: epoch ms, or an ISO date string. */
  from?: number | string;
  /** Inclusive upper bound on `createdAt`: epoch ms, or an ISO date string. */
  to?: number | string;
  traceId?: string;
  authKeyId?: number;
  clientProtocol?: string;
  /** The client's session id (Claude Code's, Codex's …), as sticky routing reads it. */
  sessionId?: string;
  /** The row's `reason` (db/log-reasons.ts), or `rejected` for every call refused before routing. */
  reason?: string;
}

/** One page of attempts, newest first. */
export interface LogPage {
  items: RequestLog[];
  /** How many rows match in all; null in cursor mode, where counting a million rows would cost more than the page. */
  total: number | null;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** Everything kept about one client request. */
export interface TraceDetail {
  attempts: RequestLog[];
  /** Null unless body capture was on when the request ran (and retention has not removed them). */
  bodies: { requestBody: string | null; responseBody: string | null } | null;
}

/** Read side of the request log (one row per upstream attempt). */
export class LogService {
  constructor(private readonly db: AppDatabase) {}

  async page(query: LogQuery = {}): Promise<LogPage> {
    const { requestLogs } = this.db.tables;
    const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const filters = conditions(requestLogs, query);
    const keyset = query.cursor === undefined ? undefined : await this.after(query.cursor);
    const offset = keyset ? 0 : (Math.max(Math.trunc(query.page ?? 1), 1) - 1) * pageSize;
    // Newest first by (createdAt, id): every (column, created_at) index serves this order without a sort.
    // One row more than asked tells whether a next page exists.
    const rows = await this.db.orm
      .select()
      .from(requestLogs)
      .where(and(...filters, keyset))
      .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
      .limit(pageSize + 1)
      .offset(offset);
    const items = rows.slice(0, pageSize);
    const nextCursor = rows.length > pageSize ? items[items.length - 1].id : null;
    if (keyset) return { items, total: null, nextCursor };
    const [{ total }] = await this.db.orm.select({ total: count() }).from(requestLogs).where(and(...filters));
    return { items, total, nextCursor };
  }

  /** Every attempt of one client request, first attempt first (empty for an unknown trace). */
  async attempts(traceId: string): Promise<RequestLog[]> {
    const { requestLogs } = this.db.tables;
    return this.db.orm
      .select()
      .from(requestLogs)
      .where(eq(requestLogs.traceId, traceId))
      .orderBy(asc(requestLogs.attempt), asc(requestLogs.id));
  }

  /** The attempts of one request with its captured bodies. */
  async trace(traceId: string): Promise<TraceDetail> {
    const { requestBodies } = this.db.tables;
    const bodies = await first(
      this.db.orm
        .select({ requestBody: requestBodies.requestBody, responseBody: requestBodies.responseBody })
        .from(requestBodies)
        .where(eq(requestBodies.traceId, traceId)),
    );
    return { attempts: await this.attempts(traceId), bodies: bodies ?? null };
  }

  /** Rows after the cursor row in (createdAt, id) order; by id alone when that row is gone (retention). */
  private async after(cursor: number): Promise<SQL> {
    const { requestLogs } = this.db.tables;
    const row = await first(this.db.orm.select({ createdAt: requestLogs.createdAt }).from(requestLogs).where(eq(requestLogs.id, cursor)));
    if (!row) return lt(requestLogs.id, cursor);
    return sql`(${requestLogs.createdAt}, ${requestLogs.id}) < (${row.createdAt}, ${cursor})`;
  }
}

// Empty strings count as absent: a filter form sends `?model=` when the field is blank.
function conditions(requestLogs: Tables["requestLogs"], query: LogQuery): SQL[] {
  const from = toEpochMs(query.from, "from");
  const to = toEpochMs(query.to, "to");
  return [
    query.model ? eq(requestLogs.model, query.model) : undefined,
    query.providerId === undefined ? undefined : eq(requestLogs.providerId, query.providerId),
    query.status ? eq(requestLogs.status, query.status) : undefined,
    query.cacheStatus ? eq(requestLogs.cacheStatus, query.cacheStatus) : undefined,
    query.traceId ? eq(requestLogs.traceId, query.traceId) : undefined,
    query.authKeyId === undefined ? undefined : eq(requestLogs.authKeyId, query.authKeyId),
    query.clientProtocol ? eq(requestLogs.clientProtocol, query.clientProtocol) : undefined,
    query.sessionId ? eq(requestLogs.sessionId, query.sessionId) : undefined,
    !query.reason ? undefined : query.reason === "rejected" ? inArray(requestLogs.reason, [...REJECTION_REASONS]) : eq(requestLogs.reason, query.reason),
    from === undefined ? undefined : gte(requestLogs.createdAt, from),
    to === undefined ? undefined : lte(requestLogs.createdAt, to),
  ].filter((condition) => condition !== undefined);
}

/** Epoch ms from a number, a digit string, or an ISO date; a 400 naming the field otherwise. */
function toEpochMs(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const time = typeof value === "number" || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time)) {
    throw new AdminError(400, `Invalid query: /${field} must be epoch milliseconds or an ISO date`);
  }
  return time;
}
