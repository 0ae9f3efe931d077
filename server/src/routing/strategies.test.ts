import { describe, expect, test } from "bun:test";
import { orderByLatency, orderByPriority, orderCandidates, orderRoundRobin, type LatencyStats } from "./strategies.ts";

const c = (associationId: number, weight = 1) => ({ associationId, weight });
const ids = (list: Array<{ associationId: number }>) => list.map((candidate) => candidate.associationId);

describe("orderByPriority", () => {
  test("highest weight first, ties by id, input untouched", () => {
    const input = [c(3, 1), c(2, 5), c(1, 1), c(4, 0), c(5, 5)];
    expect(ids(orderByPriority(input))).toEqual([2, 5, 1, 3, 4]);
    expect(ids(input)).toEqual([3, 2, 1, 4, 5]);
  });
});

describe("orderRoundRobin", () => {
  const input = [c(30), c(10), c(0, 0), c(20)];

  test("each turn starts one further along the id-ordered list", () => {
    expect(ids(orderRoundRobin(input, 0))).toEqual([10, 20, 30, 0]);
    expect(ids(orderRoundRobin(input, 1))).toEqual([20, 30, 10, 0]);
    expect(ids(orderRoundRobin(input, 2))).toEqual([30, 10, 20, 0]);
    expect(ids(orderRoundRobin(input, 3))).toEqual([10, 20, 30, 0]);
  });

  test("weight 0 candidates always stay last", () => {
    const withIdle = [c(1, 0), c(2), c(3, 0), c(4)];
    for (let turn = 0; turn < 5; turn++) expect(ids(orderRoundRobin(withIdle, turn)).slice(2)).toEqual([1, 3]);
  });

  test("only weight 0 candidates: all of them", () => {
    expect(ids(orderRoundRobin([c(2, 0), c(1, 0)], 7))).toEqual([2, 1]);
  });

  test("empty list", () => {
    expect(orderRoundRobin([], 3)).toEqual([]);
  });
});

describe("orderByLatency", () => {
  const stats = (table: Record<number, LatencyStats>) => (candidate: { associationId: number }) => table[candidate.associationId];

  test("fastest first", () => {
    const ordered = orderByLatency([c(1), c(2), c(3)], stats({ 1: { firstByteMs: 300, errorRate: 0 }, 2: { firstByteMs: 100, errorRate: 0 }, 3: { firstByteMs: 200, errorRate: 0 } }));
    expect(ids(ordered)).toEqual([2, 3, 1]);
  });

  test("never-tried candidates go first, by weight among themselves", () => {
    const ordered = orderByLatency([c(1), c(2, 1), c(3, 5)], stats({ 1: { firstByteMs: 0, errorRate: 0 } }));
    expect(ids(ordered)).toEqual([3, 2, 1]);
  });

  test("errors make a candidate look slower: each 10% adds 50%", () => {
    // 100 ms with 20% errors scores 200; 150 ms clean scores 150; 100 ms with 10% errors scores 150 (tie: weight).
    const ordered = orderByLatency(
      [c(1), c(2), c(3, 2)],
      stats({ 1: { firstByteMs: 100, errorRate: 0.2 }, 2: { firstByteMs: 150, errorRate: 0 }, 3: { firstByteMs: 100, errorRate: 0.1 } }),
    );
    expect(ids(ordered)).toEqual([3, 2, 1]);
  });
});

describe("orderCandidates", () => {
  const input = [c(1, 1), c(2, 3), c(3, 0)];
  const context = { turn: 1, statsOf: () => undefined, random: () => 0.5 };

  test("dispatches on the strategy name", () => {
    expect(ids(orderCandidates("priority", input, context))).toEqual([2, 1, 3]);
    expect(ids(orderCandidates("round-robin", input, context))).toEqual([2, 1, 3]);
    expect(ids(orderCandidates("least-latency", input, context))).toEqual([2, 1, 3]);
  });

  test("weighted uses the given random source, weight 0 last", () => {
    const ordered = orderCandidates("weighted", input, context);
    // Equal draws: u^(1/w) is larger for the heavier weight.
    expect(ids(ordered)).toEqual([2, 1, 3]);
  });
});
