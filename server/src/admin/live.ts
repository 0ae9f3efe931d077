import { and, desc, eq, gte, lt, ne, sql } from "drizzle-orm";
import type { AppDatabase } from "../db/client.ts";
import type { RequestLog } from "../db/schema.ts";
import type { InFlightTracker } from "../observability/in-flight.ts";
import { startOfLocalDay } from "./dashboard-range.ts";
import { MetricsService } from "./metrics.ts";

const RECENT_ERRORS = 20;
/**
 * Rows reach the database up to a batch interval after their `createdAt`; sums older than
 * this are final and kept, so a poll only reads the last minute or so of the day again.
 */
const SETTLE_MS = 60_000;

/** A request the gateway is answering right now. */
export interface LiveRequest {
  traceId: string;
  model: string;
  clientProtocol: string;
  stream: boolean;
  startedAt: number;
  clientIp: string | null;
  userAgent: string | null;
  /** The provider of the attempt under way; null before the first attempt starts. */
  providerName: string | null;
}

/** What the dashboard's live panel polls every few seconds; cheap by construction. */
export interface LiveSnapshot {
  /** Oldest first. */
  inFlight: LiveRequest[];
  /** Failed attempts, newest first. */
  recentErrors: RequestLog[];
  requestsLastMinute: number;
  errorsLastMinute: number;
  /** Prompt + completion tokens of today's successful attempts (since local midnight). */
  tokensToday: number;
}

/** Requests in flight and the last minute's traffic. */
export class LiveService {
  private readonly metrics: MetricsService;
  private readonly tokensToday: TokensToday;

  constructor(
    private readonly db: AppDatabase,
    private readonly inFlight: InFlightTracker,
  ) {
    this.metrics = new MetricsService(db);
    this.tokensToday = new TokensToday(db);
  }

  async snapshot(now = Date.now()): Promise<LiveSnapshot> {
    const { requestLogs } = this.db.tables;
    const { requestsLastMinute, errorsLastMinute } = await this.metrics.status(0, now);
    return {
      inFlight: this.inFlight
        .list()
        .sort((a, b) => a.startedAt - b.startedAt)
        .map((request) => ({
          traceId: request.traceId,
          model: request.model,
          clientProtocol: request.clientProtocol,
          stream: request.stream,
          startedAt: request.startedAt,
          clientIp: request.clientIp ?? null,
          userAgent: request.userAgent ?? null,
          providerName: request.providerName ?? null,
        })),
      recentErrors: await this.db.orm
        .select()
        .from(requestLogs)
        .where(eq(requestLogs.status, "error"))
        .orderBy(desc(requestLogs.createdAt), desc(requestLogs.id))
        .limit(RECENT_ERRORS),
      requestsLastMinute,
      errorsLastMinute,
      tokensToday: await this.tokensToday.read(now),
    };
  }
}

/** Today's token total, summed once and then extended by the newly settled rows on each read. */
class TokensToday {
  private day = Number.NaN;
  private settledUntil = 0;
  private settled = 0;

  constructor(private readonly db: AppDatabase) {}

  async read(now: number): Promise<number> {
    const day = startOfLocalDay(now);
    if (day !== this.day) {
      this.day = day;
      this.settledUntil = day;
      this.settled = 0;
    }
    const settleTo = now - SETTLE_MS;
    const from = this.settledUntil;
    if (settleTo > from) {
      const settled = await this.tokens(from, settleTo);
      // Unless a concurrent poll moved on (or a new day began) during the await: its sum stands.
      if (this.settledUntil === from) {
        this.settled += settled;
        this.settledUntil = settleTo;
      }
    }
    return this.settled + (await this.tokens(this.settledUntil, Number.MAX_SAFE_INTEGER));
  }

  private async tokens(from: number, to: number): Promise<number> {
    const { requestLogs } = this.db.tables;
    // mapWith: PostgreSQL's sum of integers is a bigint, which arrives as text.
    const [{ tokens }] = await this.db.orm
      .select({ tokens: sql<number>`coalesce(sum(${requestLogs.promptTokens} + ${requestLogs.completionTokens}), 0)`.mapWith(Number) })
      .from(requestLogs)
      .where(
        and(
          eq(requestLogs.status, "success"),
          ne(requestLogs.endpoint, "count_tokens"),
          gte(requestLogs.createdAt, from),
          lt(requestLogs.createdAt, to),
        ),
      );
    return tokens;
  }
}
