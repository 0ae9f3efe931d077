import { describe, expect, test } from "bun:test";
import { StickySessions } from "./sticky-sessions.ts";

describe("StickySessions", () => {
  test("remembers the association until the window ends", () => {
    const sessions = new StickySessions();
    sessions.set("s", 7, 1_000, 0);
    expect(sessions.get("s", 999)).toBe(7);
    expect(sessions.get("s", 1_000)).toBeUndefined();
    // The expired entry is gone.
    expect(sessions.size).toBe(0);
  });

  test("a later request moves the session and extends its window", () => {
    const sessions = new StickySessions();
    sessions.set("s", 1, 1_000, 0);
    sessions.set("s", 2, 1_000, 800);
    expect(sessions.get("s", 1_500)).toBe(2);
    expect(sessions.size).toBe(1);
  });

  test("unknown sessions have no association", () => {
    expect(new StickySessions().get("nope", 0)).toBeUndefined();
  });

  test("bounded at 50,000: the least recently set session is dropped", () => {
    const sessions = new StickySessions();
    const max = 50_000;
    for (let i = 0; i < max; i++) sessions.set(`s${i}`, i, 60_000, 0);
    // Refreshing s0 makes s1 the least recently used.
    sessions.set("s0", 0, 60_000, 1);
    sessions.set("new", 1, 60_000, 2);
    expect(sessions.size).toBe(max);
    expect(sessions.get("s0", 3)).toBe(0);
    expect(sessions.get("s1", 3)).toBeUndefined();
    expect(sessions.get("s2", 3)).toBe(2);
    expect(sessions.get("new", 3)).toBe(1);
  });
});
