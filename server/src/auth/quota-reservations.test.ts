import { describe, expect, test } from "bun:test";
import type { NewRequestLog } from "../db/schema.ts";
import type { QuotaLease, QuotaUsage } from "./quota-ledger.ts";
import { callTokenBound, QuotaReservations, rowCost } from "./quota-reservations.ts";
import { wireProtocols } from "../protocols/index.ts";

/** A log writer's row numbers, driven by hand: `write` accepts rows, `count` hands the next batch on. */
function fakeLog() {
  const position = { accepted: 0, written: 0 };
  const queue: NewRequestLog[] = [];
  return {
    position,
    write(row: NewRequestLog) {
      position.accepted++;
      queue.push(row);
    },
    /** Writes everything queued as one batch and tells the reservations. */
    count(reservations: QuotaReservations) {
      const rows = queue.splice(0);
      const first = position.written + 1;
      position.written += rows.length;
      reservations.counted(rows, first);
    },
  };
}

function fakeLease() {
  const settled: QuotaUsage[] = [];
  const lease: QuotaLease = { keyId: 1, settle: (usage) => void settled.push(usage) };
  return { lease, settled };
}

function row(traceId: string, fields: Partial<NewRequestLog> = {}): NewRequestLog {
  return { traceId, model: "m", clientProtocol: "openai-chat", status: "success", attempt: 0, totalTokens: 0, authKeyId: 1, createdAt: 1, ...fields };
}

describe("settling a call's lease", () => {
  test("a non-stream success: after its rows are counted, with their cost", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    log.write(row(ticket.traceId, { status: "error", attempt: 0, totalTokens: 0 }));
    log.write(row(ticket.traceId, { status: "success", attempt: 1, totalTokens: 120 }));
    ticket.answered({ status: 200 });
    ticket.ended();
    // Not before the rows are counted: the lease still holds the unit.
    expect(settled).toEqual([]);
    log.count(reservations);
    expect(settled).toEqual([{ requests: 1, tokens: 120 }]);
    expect(reservations.size).toBe(0);
  });

  test("a stream: its serving row is written when it ends, maybe after the answer ended", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    log.write(row(ticket.traceId, { status: "error", attempt: 0 }));
    ticket.answered({ status: 200 });
    // Another call's rows are counted meanwhile.
    log.write(row("other"));
    ticket.ended();
    log.count(reservations);
    expect(settled).toEqual([]);
    log.write(row(ticket.traceId, { status: "success", attempt: 1, totalTokens: 30 }));
    log.count(reservations);
    expect(settled).toEqual([{ requests: 1, tokens: 30 }]);
  });

  test("a stream cut after output started: its error row's tokens count, the request does not", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    ticket.answered({ status: 200 });
    log.write(row(ticket.traceId, { status: "error", totalTokens: 55 }));
    ticket.ended();
    log.count(reservations);
    expect(settled).toEqual([{ requests: 0, tokens: 55 }]);
  });

  test("a failed call (every attempt failed, refused, client gone): released once its rows are counted", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    log.write(row(ticket.traceId, { status: "error" }));
    ticket.answered({ status: 502 });
    ticket.ended();
    expect(settled).toEqual([]);
    log.count(reservations);
    expect(settled).toEqual([{ requests: 0, tokens: 0 }]);
  });

  test("an answer with no rows (the handler threw, or refused before any attempt): released at once", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    ticket.answered(undefined);
    ticket.ended();
    expect(settled).toEqual([{ requests: 0, tokens: 0 }]);
  });

  test("settled exactly once, however often it is ended", () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    ticket.answered({ status: 400 });
    ticket.ended();
    ticket.ended();
    log.count(reservations);
    expect(settled).toHaveLength(1);
  });

  test("a successful answer whose serving row never comes is released after the wait", async () => {
    const log = fakeLog();
    const reservations = new QuotaReservations(log.position, 50);
    const { lease, settled } = fakeLease();
    const ticket = reservations.track(lease);
    ticket.answered({ status: 200 });
    ticket.ended();
    expect(settled).toEqual([]);
    await Bun.sleep(80);
    expect(settled).toEqual([{ requests: 0, tokens: 0 }]);
  });
});

describe("costs", () => {
  test("count_tokens and the admin's rows cost nothing", () => {
    expect(rowCost(row("t", { endpoint: "count_tokens", totalTokens: 9 }))).toBeUndefined();
    expect(rowCost(row("t", { authKeyId: null }))).toBeUndefined();
    expect(rowCost(row("t", { status: "error", totalTokens: 9 }))).toEqual({ keyId: 1, request: false, tokens: 9 });
  });

  test("a call's token bound: its body's bytes plus its output limit, or the reserve", () => {
    const protocol = wireProtocols["openai-chat"];
    const body = { model: "m", messages: [{ role: "user", content: "héllo" }] };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    expect(callTokenBound({ protocol, body, context: {} }, 1_000)).toBe(bytes + 1_000);
    const limited = { ...body, max_tokens: 64 };
    expect(callTokenBound({ protocol, body: limited, context: {} }, 1_000)).toBe(Buffer.byteLength(JSON.stringify(limited)) + 64);
    const anthropic = { model: "m", max_tokens: 32, messages: [{ role: "user", content: "hi" }] };
    expect(callTokenBound({ protocol: wireProtocols.anthropic, body: anthropic, context: {} }, 1_000)).toBe(Buffer.byteLength(JSON.stringify(anthropic)) + 32);
  });
});
