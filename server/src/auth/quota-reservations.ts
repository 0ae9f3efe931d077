import type { JsonObject, RequestContext, WireProtocol } from "../core/wire-protocol.ts";
import type { NewRequestLog } from "../db/schema.ts";
import type { QuotaLease, QuotaUsage } from "./quota-ledger.ts";
import { logger } from "../lib/logger.ts";

/**
 * What a request log row costs its client key: a request when it is the success row of its
 * call (one per call: the attempt that served it), and its tokens whatever its status (a stream
 * cut after output started still consumed them). Token counting (`count_tokens`) is free.
 * Undefined: the row costs nothing (the admin token's, or a free endpoint's).
 */
export function rowCost(row: NewRequestLog): { keyId: number; request: boolean; tokens: number } | undefined {
  if (row.authKeyId === null || row.authKeyId === undefined || row.endpoint === "count_tokens") return undefined;
  return { keyId: row.authKeyId, request: row.status === "success", tokens: row.totalTokens ?? 0 };
}

/**
 * The most tokens a call may cost, for its token reservation: every byte of its JSON body (no
 * byte-level tokenizer makes more than one token of a byte, so this bounds the text of the prompt
 * whatever the vendor; media the body only refers to, by URL or file id, are not covered), plus the
 * output limit the request sets (`max_tokens`, `max_output_tokens`, …) or, when it sets none,
 * `outputReserve`. A body that cannot be measured reserves everything: it runs only alone.
 */
export function callTokenBound(call: { protocol: WireProtocol; body: JsonObject; context: RequestContext }, outputReserve: number): number {
  let input: number;
  try {
    input = Buffer.byteLength(JSON.stringify(call.body));
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
  let output: number | undefined;
  try {
    output = call.protocol.decodeRequest(call.body, call.context).maxOutputTokens;
  } catch {
    // Not a chat request this protocol decodes (embeddings, compact): the reserve stands in.
  }
  return input + (output !== undefined && output >= 0 ? output : outputReserve);
}

/** One admitted call's quota reservation, as the HTTP layer ends it. */
export interface QuotaTicket {
  /** The trace id the call's log rows must carry (the relay's trace), so they can be told apart. */
  readonly traceId: string;
  /** The call's answer is out (undefined: handling it threw). A successful stream's last row comes when it ends. */
  answered(response: { status: number } | undefined): void;
  /** The answer was delivered or abandoned: nothing else happens for the call but its last log row. */
  ended(): void;
}

/** The log writer's row numbers: rows are counted in the order they were accepted. */
export interface LogPosition {
  /** Rows accepted so far (the next row's number minus one). */
  readonly accepted?: number;
  /** Rows written so far. */
  readonly written?: number;
}

interface Watch {
  traceId: string;
  lease: QuotaLease;
  /** What the call's rows counted so far cost. */
  used: QuotaUsage;
  /** Row number at the moment the answer was out: rows after it are the serving attempt's. */
  answeredAt?: number;
  /** A successful answer: its serving row (a success before the answer, or any row after it) must be counted first. */
  expectsServingRow: boolean;
  served: boolean;
  /** Row number when the answer ended: every row up to it must be counted first. */
  endedAt?: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Ends quota leases exactly when the usage of their calls is counted, so there is no moment
 * when neither the lease nor the usage holds the quota (a lease released early lets one call
 * too many in; one released late only refuses briefly). A call is over for its quota once its
 * answer ended, every row written before that has been counted, and, for a successful answer,
 * its serving row has been counted too (a stream writes it when it ends, maybe just after).
 * Rows are told apart by the trace id minted here and handed to the relay.
 */
export class QuotaReservations {
  private readonly watches = new Map<string, Watch>();
  /** Ended calls waiting for their rows. */
  private readonly ending = new Set<Watch>();
  /** Every row up to this number has been counted. */
  private countedThrough: number;

  constructor(
    private readonly log: LogPosition,
    /** How long an ended successful call waits for a serving row that never comes (a relay bug) before it is settled anyway. */
    private readonly servingRowWaitMs = 30_000,
  ) {
    this.countedThrough = log.written ?? 0;
  }

  /** Calls whose leases are not settled yet. */
  get size(): number {
    return this.watches.size;
  }

  /** Watches an admitted call until its usage is counted, then settles its lease with that usage. */
  track(lease: QuotaLease): QuotaTicket {
    const watch: Watch = { traceId: Bun.randomUUIDv7(), lease, used: { requests: 0, tokens: 0 }, expectsServingRow: false, served: false };
    this.watches.set(watch.traceId, watch);
    return {
      traceId: watch.traceId,
      answered: (response) => {
        if (watch.answeredAt !== undefined) return;
        watch.answeredAt = this.log.accepted ?? 0;
        watch.expectsServingRow = response !== undefined && response.status < 400;
      },
      ended: () => {
        if (watch.endedAt !== undefined) return;
        watch.answeredAt ??= this.log.accepted ?? 0;
        watch.endedAt = this.log.accepted ?? 0;
        this.ending.add(watch);
        this.tryFinish(watch);
      },
    };
  }

  /**
   * A batch of rows has been counted (into the keys' usage); `firstRow` is the first one's number.
   * Batches must come in the order they were written.
   */
  counted(rows: NewRequestLog[], firstRow: number): void {
    if (this.watches.size > 0) {
      rows.forEach((row, index) => {
        const watch = this.watches.get(row.traceId);
        if (!watch) return;
        const cost = rowCost(row);
        if (cost) {
          watch.used.tokens += cost.tokens;
          if (cost.request) watch.used.requests = 1;
        }
        const afterAnswer = watch.answeredAt !== undefined && firstRow + index > watch.answeredAt;
        if (afterAnswer || row.status === "success") watch.served = true;
      });
    }
    this.countedThrough = Math.max(this.countedThrough, firstRow + rows.length - 1);
    for (const watch of this.ending) this.tryFinish(watch);
  }

  private tryFinish(watch: Watch): void {
    if (watch.endedAt === undefined || this.countedThrough < watch.endedAt) return;
    if (watch.expectsServingRow && !watch.served) {
      watch.timer ??= setTimeout(() => {
        logger.warn("a call's last log row did not come; its quota reservation is released without it", { traceId: watch.traceId });
        this.finish(watch);
      }, this.servingRowWaitMs);
      watch.timer.unref?.();
      return;
    }
    this.finish(watch);
  }

  private finish(watch: Watch): void {
    if (!this.watches.has(watch.traceId)) return;
    clearTimeout(watch.timer);
    this.ending.delete(watch);
    this.watches.delete(watch.traceId);
    watch.lease.settle(watch.used);
  }
}
