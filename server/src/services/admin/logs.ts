import { and, asc, count, desc, eq, gte, lte, type SQL } from "drizzle-orm";
import type { AppDatabase } from "../../db/client.ts";
import { requestLogs, type RequestLog } from "../../db/schema.ts";
import { AdminError } from "./errors.ts";

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;

/** Filters and paging for the request log; every filter is optional. */
export interface LogQuery {
  /** 1-based; lower values read page 1. */
  page?: number;
  /** Default 20, clamped to 1…200. */
  pageSize?: number;
  model?: string;
  providerId?: number;
  status?: RequestLog["status"];
  /** Inclusive lower bound on `createdAt`: epoch ms, or an ISO date string. */
  from?: number | string;
  /** Inclusive upper bound on `createdAt`: epoch ms, or an ISO date string. */
  to?: number | string;
  traceId?: string;
}

/** One page of attempts, newest first, and how many match in all. */
export interface LogPage {
  items: RequestLog[];
  total: number;
}

/** Read side of the request log (one row per upstream attempt). */
export class LogService {
  constructor(private readonly db: AppDatabase) {}

  page(query: LogQuery = {}): LogPage {
    const pageSize = Math.min(Math.max(Math.trunc(query.pageSize ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const page = Math.max(Math.trunc(query.page ?? 1), 1);
    const where = and(...conditions(query));
    const items = this.db
      .select()
      .from(requestLogs)
      .where(where)
      .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .all();
    const { total } = this.db.select({ total: count() }).from(requestLogs).where(where).get()!;
    return { items, total };
  }

  /** Every attempt of one client request, first attempt first (empty for an unknown trace). */
  attempts(traceId: string): RequestLog[] {
    return this.db
      .select()
      .from(requestLogs)
      .where(eq(requestLogs.traceId, traceId))
      .orderBy(asc(requestLogs.attempt), asc(requestLogs.id))
      .all();
  }
}

// Empty strings count as absent: a filter form sends `?model=` when the field is blank.
function conditions(query: LogQuery): SQL[] {
  const from = toEpochMs(query.from, "from");
  const to = toEpochMs(query.to, "to");
  return [
    query.model ? eq(requestLogs.model, query.model) : undefined,
    query.providerId === undefined ? undefined : eq(requestLogs.providerId, query.providerId),
    query.status ? eq(requestLogs.status, query.status) : undefined,
    query.traceId ? eq(requestLogs.traceId, query.traceId) : undefined,
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
