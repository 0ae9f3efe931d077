import { describe, expect, test } from "bun:test";
import { orderByWeight } from "./weighted-order.ts";

/** A seeded generator so the distribution test is repeatable. */
function seeded(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
}

describe("orderByWeight", () => {
  test("returns every candidate exactly once", () => {
    const items = [1, 2, 3, 4].map((id) => ({ id, weight: id }));
    const ordered = orderByWeight(items, seeded(1));
    expect(ordered.map((item) => item.id).sort()).toEqual([1, 2, 3, 4]);
  });

  test("first pick follows the weights", () => {
    const items = [{ id: "a", weight: 3 }, { id: "b", weight: 1 }];
    const random = seeded(42);
    let firstA = 0;
    const runs = 20_000;
    for (let i = 0; i < runs; i++) if (orderByWeight(items, random)[0].id === "a") firstA++;
    expect(firstA / runs).toBeGreaterThan(0.72);
    expect(firstA / runs).toBeLessThan(0.78);
  });

  test("weight 0 goes last", () => {
    const items = [{ id: "zero", weight: 0 }, { id: "one", weight: 1 }, { id: "two", weight: 2 }];
    const random = seeded(7);
    for (let i = 0; i < 200; i++) expect(orderByWeight(items, random)[2].id).toBe("zero");
  });
});
