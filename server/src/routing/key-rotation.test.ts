import { describe, expect, test } from "bun:test";
import { KeyRotation } from "./key-rotation.ts";

describe("KeyRotation", () => {
  test("starts one further along on each call and wraps", () => {
    const rotation = new KeyRotation();
    const keys = ["a", "b", "c"];
    expect(rotation.order(1, keys)).toEqual(["a", "b", "c"]);
    expect(rotation.order(1, keys)).toEqual(["b", "c", "a"]);
    expect(rotation.order(1, keys)).toEqual(["c", "a", "b"]);
    expect(rotation.order(1, keys)).toEqual(["a", "b", "c"]);
  });

  test("each provider has its own turn", () => {
    const rotation = new KeyRotation();
    expect(rotation.next(1, ["a", "b"])).toBe("a");
    expect(rotation.next(2, ["x", "y"])).toBe("x");
    expect(rotation.next(1, ["a", "b"])).toBe("b");
    expect(rotation.next(2, ["x", "y"])).toBe("y");
  });

  test("zero or one key: a copy, no turn used", () => {
    const rotation = new KeyRotation();
    const single = ["only"];
    const ordered = rotation.order(1, single);
    expect(ordered).toEqual(["only"]);
    expect(ordered).not.toBe(single);
    expect(rotation.order(1, [])).toEqual([]);
    expect(rotation.order(1, ["a", "b"])).toEqual(["a", "b"]);
  });
});
